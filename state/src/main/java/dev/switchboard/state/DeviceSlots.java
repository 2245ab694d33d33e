package dev.switchboard.state;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The device half of the {@link DeviceTable} slots a view may use (device ids 1..its max devices per account): the
 * linked flag, the Ed25519 login key and the registration id. A reader on any thread sees a slot whole through its
 * sequence lock; the writer, the session stage, reads its own slots plainly and changes them under the lock.
 */
final class DeviceSlots
{
    private final DeviceTable table;
    private final UnsafeBuffer buffer;
    private final int maxDevicesPerAccount;

    DeviceSlots(final DeviceTable table, final int maxDevicesPerAccount)
    {
        this.table = table;
        this.buffer = table.buffer();
        this.maxDevicesPerAccount = maxDevicesPerAccount;
    }

    static boolean isLoginKey(final byte[] loginKey)
    {
        return null != loginKey && loginKey.length == Devices.LOGIN_KEY_LENGTH;
    }

    int maxDevicesPerAccount()
    {
        return maxDevicesPerAccount;
    }

    /**
     * Whether the device has a slot this view may use: a user id the table has room for, a device id within limits.
     */
    boolean hasSlot(final long userId, final int deviceId)
    {
        return table.hasSlot(userId, deviceId, maxDevicesPerAccount);
    }

    /**
     * Offset of a slot {@link #hasSlot(long, int)} allows.
     */
    int offset(final long userId, final int deviceId)
    {
        return table.slotOffset(userId, deviceId);
    }

    /**
     * Whether the device has a slot and is linked.
     */
    boolean exists(final long userId, final int deviceId)
    {
        return hasSlot(userId, deviceId) && isLinked(table.slotOffset(userId, deviceId));
    }

    /**
     * Whether the slot holds a linked device, waiting out a write in progress.
     */
    boolean isLinked(final int offset)
    {
        return DeviceTable.isLinked(table.stableWord(offset));
    }

    /**
     * {@link #isLinked(int)} for the writer: on its own thread no write is in progress, the slot reads consistently.
     */
    boolean isLinkedForWriter(final int offset)
    {
        return DeviceTable.isLinked(buffer.getInt(offset + DeviceTable.WORD_OFFSET));
    }

    /**
     * The registration id as the writer reads it, on its own thread.
     */
    int registrationIdForWriter(final int offset)
    {
        return buffer.getInt(offset + DeviceTable.REGISTRATION_ID_OFFSET);
    }

    /**
     * Copy the login key of a linked device.
     *
     * @param offset slot offset.
     * @param into32 receives 32 bytes at index 0 when linked.
     * @return true if the slot holds a linked device.
     */
    boolean copyLoginKey(final int offset, final byte[] into32)
    {
        int word;
        do
        {
            word = table.stableWord(offset);
            if (!DeviceTable.isLinked(word))
            {
                return false;
            }
            buffer.getBytes(offset + DeviceTable.LOGIN_KEY_OFFSET, into32, 0, Devices.LOGIN_KEY_LENGTH);
        }
        while (!table.isUnchanged(offset, word));
        return true;
    }

    /**
     * The registration id of a linked device.
     *
     * @param offset slot offset.
     * @return the registration id, or -1 if the slot holds no linked device.
     */
    int registrationId(final int offset)
    {
        int word;
        int registrationId;
        do
        {
            word = table.stableWord(offset);
            registrationId = buffer.getInt(offset + DeviceTable.REGISTRATION_ID_OFFSET);
        }
        while (!table.isUnchanged(offset, word));
        return DeviceTable.isLinked(word) ? registrationId : -1;
    }

    /**
     * Whether the slot holds this login key; linked or not is for the caller to check.
     */
    boolean hasLoginKey(final int offset, final byte[] loginKey)
    {
        for (int i = 0; i < Devices.LOGIN_KEY_LENGTH; i++)
        {
            if (buffer.getByte(offset + DeviceTable.LOGIN_KEY_OFFSET + i) != loginKey[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Link a device in the slot, over whatever it held. Writer thread only.
     */
    void link(final int offset, final byte[] loginKey, final int registrationId)
    {
        final int word = table.beginWrite(offset);
        buffer.putBytes(offset + DeviceTable.LOGIN_KEY_OFFSET, loginKey, 0, Devices.LOGIN_KEY_LENGTH);
        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, registrationId);
        // linked last, in the release store that ends the write: a crash before it leaves a free slot unlinked
        table.endWrite(offset, word, true);
    }

    /**
     * Change the registration id of a linked device, which stays linked. Writer thread only.
     */
    void changeRegistrationId(final int offset, final int registrationId)
    {
        final int word = table.beginWrite(offset);
        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, registrationId);
        table.endWrite(offset, word, true);
    }

    /**
     * Unlink the device in the slot. Writer thread only.
     */
    void unlink(final int offset)
    {
        final int word = table.beginWrite(offset);
        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, 0);
        // the key stays until the slot is reused: a crash mid-way then leaves the device linked with its key intact
        table.endWrite(offset, word, false);
    }
}
