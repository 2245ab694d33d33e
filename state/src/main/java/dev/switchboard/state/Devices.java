package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Linked devices of an account: per (user id, device id 1..max) the Ed25519 login public key, the registration id
 * and the push platform and token. Keys and registration ids live in the dense {@link DeviceTable}, push tokens
 * (variable length, rarely touched) in a Chronicle Map.
 * <p>
 * A view for one thread: it owns reusable buffers. Only one thread, the session stage, may write.
 */
public final class Devices
{
    /** Returned by {@link #addDevice(long, byte[], int)} when the account already has every device it may. */
    public static final int DEVICE_LIMIT = -1;

    /** Returned by {@link #addDevice(long, byte[], int)} for a user id out of range or a login key not 32 bytes. */
    public static final int INVALID_ARGUMENT = -2;

    /** The account's primary device: the one verified with the phone number; it authorizes the linked ones. */
    public static final int PRIMARY_DEVICE_ID = 1;

    /** Returned by {@link #setPrimary(long, byte[], int)}: the account had no primary. */
    public static final int PRIMARY_ADDED = 0;

    /** Returned by {@link #setPrimary(long, byte[], int)}: another key was the primary's and no longer logs in. */
    public static final int PRIMARY_REPLACED = 1;

    /** Length of an Ed25519 public key. */
    public static final int LOGIN_KEY_LENGTH = DeviceRecord.LOGIN_KEY_LENGTH;

    /** Push platform of a device with no push token. */
    public static final byte PUSH_NONE = 0;

    /** Longest push token accepted. */
    public static final int MAX_PUSH_TOKEN_LENGTH = StateConfiguration.MAX_PUSH_TOKEN_LENGTH;

    private final DeviceTable table;
    private final UnsafeBuffer buffer;
    private final ChronicleMap<LongRef, PushTokenRecord> pushTokens;
    private final int maxDevicesPerAccount;
    private final LongRef key = new LongRef();
    private final PushTokenRecord push = new PushTokenRecord();
    private int registrationId;

    Devices(
        final DeviceTable table,
        final ChronicleMap<LongRef, PushTokenRecord> pushTokens,
        final int maxDevicesPerAccount)
    {
        this.table = table;
        this.buffer = table.buffer();
        this.pushTokens = pushTokens;
        this.maxDevicesPerAccount = maxDevicesPerAccount;
    }

    /**
     * Link a device to an account, or find the device already linked with the same login key, so verifying the
     * same phone again from the same device does not use up a slot.
     *
     * @param userId         user id.
     * @param loginKey       Ed25519 public key, 32 bytes.
     * @param registrationId the client's Signal registration id.
     * @return the device id, 1..maxDevicesPerAccount, or {@link #DEVICE_LIMIT}, or {@link #INVALID_ARGUMENT} also
     * for a user id past the accounts the table is sized for.
     */
    public int addDevice(final long userId, final byte[] loginKey, final int registrationId)
    {
        if (!isValid(userId, 1) || null == loginKey || loginKey.length != LOGIN_KEY_LENGTH)
        {
            return INVALID_ARGUMENT;
        }

        int freeDeviceId = 0;
        for (int deviceId = 1; deviceId <= maxDevicesPerAccount; deviceId++)
        {
            final int offset = table.slotOffset(userId, deviceId);
            // the writer's own thread: no write is in progress, the slot reads consistently
            if (DeviceTable.isLinked(buffer.getInt(offset + DeviceTable.WORD_OFFSET)))
            {
                if (isSameKey(offset, loginKey))
                {
                    if (buffer.getInt(offset + DeviceTable.REGISTRATION_ID_OFFSET) != registrationId)
                    {
                        // a reinstall keeps the key pair but may pick a new registration id
                        final int word = table.beginWrite(offset);
                        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, registrationId);
                        table.endWrite(offset, word, true);
                    }
                    return deviceId;
                }
            }
            else if (0 == freeDeviceId)
            {
                freeDeviceId = deviceId;
            }
        }

        if (0 == freeDeviceId)
        {
            return DEVICE_LIMIT;
        }

        final int offset = table.slotOffset(userId, freeDeviceId);
        final int word = table.beginWrite(offset);
        buffer.putBytes(offset + DeviceTable.LOGIN_KEY_OFFSET, loginKey, 0, LOGIN_KEY_LENGTH);
        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, registrationId);
        // linked last, in the release store that ends the write: a crash before it leaves the slot unlinked
        table.endWrite(offset, word, true);
        return freeDeviceId;
    }

    /**
     * The device of an account that has this login key.
     *
     * @param userId   user id.
     * @param loginKey Ed25519 public key, 32 bytes.
     * @return its device id, or 0 if no device of the account has it.
     */
    public int deviceWithKey(final long userId, final byte[] loginKey)
    {
        if (!isValid(userId, 1) || null == loginKey || loginKey.length != LOGIN_KEY_LENGTH)
        {
            return 0;
        }
        for (int deviceId = 1; deviceId <= maxDevicesPerAccount; deviceId++)
        {
            final int offset = table.slotOffset(userId, deviceId);
            if (DeviceTable.isLinked(table.stableWord(offset)) && isSameKey(offset, loginKey))
            {
                return deviceId;
            }
        }
        return 0;
    }

    /**
     * Make this login key the account's primary device ({@link #PRIMARY_DEVICE_ID}): a new account's first device,
     * or the phone number verified again on a new install, which takes the primary's place (its old key no longer
     * logs in); linked devices stay.
     *
     * @param userId         user id.
     * @param loginKey       Ed25519 public key, 32 bytes.
     * @param registrationId the client's Signal registration id.
     * @return {@link #PRIMARY_REPLACED} if another key was the primary's, {@link #PRIMARY_ADDED} for a first primary,
     * or {@link #INVALID_ARGUMENT} for a user id past the table or a login key not 32 bytes.
     */
    public int setPrimary(final long userId, final byte[] loginKey, final int registrationId)
    {
        if (!isValid(userId, PRIMARY_DEVICE_ID) || null == loginKey || loginKey.length != LOGIN_KEY_LENGTH)
        {
            return INVALID_ARGUMENT;
        }
        final int offset = table.slotOffset(userId, PRIMARY_DEVICE_ID);
        final boolean replaced = DeviceTable.isLinked(buffer.getInt(offset + DeviceTable.WORD_OFFSET));
        final int word = table.beginWrite(offset);
        buffer.putBytes(offset + DeviceTable.LOGIN_KEY_OFFSET, loginKey, 0, LOGIN_KEY_LENGTH);
        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, registrationId);
        table.endWrite(offset, word, true);
        if (replaced)
        {
            pushTokens.remove(key.set(DeviceKeys.pack(userId, PRIMARY_DEVICE_ID)));
        }
        return replaced ? PRIMARY_REPLACED : PRIMARY_ADDED;
    }

    /**
     * How many devices the account has linked, the primary included.
     *
     * @param userId user id.
     * @return the count, 0 for no account.
     */
    public int deviceCount(final long userId)
    {
        int count = 0;
        if (isValid(userId, 1))
        {
            for (int deviceId = 1; deviceId <= maxDevicesPerAccount; deviceId++)
            {
                if (DeviceTable.isLinked(table.stableWord(table.slotOffset(userId, deviceId))))
                {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Devices an account may have, the primary included.
     *
     * @return the maximum.
     */
    public int maxDevicesPerAccount()
    {
        return maxDevicesPerAccount;
    }

    /**
     * Unlink a device, dropping its push token; the caller also clears its presence with
     * {@link Presence#remove(long, int)}.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return true if it was linked.
     */
    public boolean removeDevice(final long userId, final int deviceId)
    {
        if (!exists(userId, deviceId))
        {
            return false;
        }
        final int offset = table.slotOffset(userId, deviceId);
        final int word = table.beginWrite(offset);
        buffer.putInt(offset + DeviceTable.REGISTRATION_ID_OFFSET, 0);
        // the key stays until the slot is reused: a crash mid-way then leaves the device linked with its key intact
        table.endWrite(offset, word, false);
        pushTokens.remove(key.set(DeviceKeys.pack(userId, deviceId)));
        return true;
    }

    /**
     * Copy a device's login public key.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @param into32   receives 32 bytes at index 0 when found.
     * @return true if the device exists.
     */
    public boolean loginKey(final long userId, final int deviceId, final byte[] into32)
    {
        if (!isValid(userId, deviceId))
        {
            return false;
        }
        final int offset = table.slotOffset(userId, deviceId);
        int word;
        do
        {
            word = table.stableWord(offset);
            if (!DeviceTable.isLinked(word))
            {
                return false;
            }
            buffer.getBytes(offset + DeviceTable.LOGIN_KEY_OFFSET, into32, 0, LOGIN_KEY_LENGTH);
        }
        while (!table.isUnchanged(offset, word));
        return true;
    }

    /**
     * Registration id of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return the registration id, or -1 if there is no such device.
     */
    public int registrationId(final long userId, final int deviceId)
    {
        return read(userId, deviceId) ? registrationId : -1;
    }

    /**
     * Whether a device is linked.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return true if it is.
     */
    public boolean exists(final long userId, final int deviceId)
    {
        return isValid(userId, deviceId) &&
            DeviceTable.isLinked(table.stableWord(table.slotOffset(userId, deviceId)));
    }

    /**
     * The linked devices of an account, in ascending order.
     *
     * @param userId user id.
     * @param into   receives device ids from index 0; maxDevicesPerAccount long is always enough.
     * @return the number of device ids written.
     */
    public int deviceIds(final long userId, final int[] into)
    {
        int count = 0;
        if (isValid(userId, 1))
        {
            final int limit = Math.min(maxDevicesPerAccount, into.length);
            for (int deviceId = 1; deviceId <= maxDevicesPerAccount && count < limit; deviceId++)
            {
                if (DeviceTable.isLinked(table.stableWord(table.slotOffset(userId, deviceId))))
                {
                    into[count++] = deviceId;
                }
            }
        }
        return count;
    }

    /**
     * Set or replace the push registration of a device.
     *
     * @param userId      user id.
     * @param deviceId    device id.
     * @param platform    push platform, not {@link #PUSH_NONE}; the values are the wire schema's.
     * @param token       token bytes.
     * @param tokenOffset offset of the token in token.
     * @param tokenLength token length, 1..{@link #MAX_PUSH_TOKEN_LENGTH}.
     * @return true if stored, false if the device does not exist, an argument is out of range or the token is not
     * all printable ASCII.
     */
    public boolean pushToken(
        final long userId,
        final int deviceId,
        final byte platform,
        final byte[] token,
        final int tokenOffset,
        final int tokenLength)
    {
        if (PUSH_NONE == platform || tokenLength < 1 || tokenLength > MAX_PUSH_TOKEN_LENGTH || tokenOffset < 0 ||
            tokenOffset > token.length - tokenLength || !isPrintableAscii(token, tokenOffset, tokenLength) ||
            !exists(userId, deviceId))
        {
            return false;
        }
        push.platform = platform;
        push.tokenLength = tokenLength;
        System.arraycopy(token, tokenOffset, push.token, 0, tokenLength);
        pushTokens.put(key.set(DeviceKeys.pack(userId, deviceId)), push);
        return true;
    }

    /**
     * Push services' tokens are printable ASCII (FCM's as issued, APNs' as the hex of its 32 bytes). Nothing else is
     * kept, so no control byte from a client reaches a push request or a log line.
     */
    private static boolean isPrintableAscii(final byte[] bytes, final int offset, final int length)
    {
        for (int i = offset, end = offset + length; i < end; i++)
        {
            if (bytes[i] < 0x21 || bytes[i] > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Drop the push registration of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     */
    public void clearPushToken(final long userId, final int deviceId)
    {
        if (isValid(userId, deviceId))
        {
            pushTokens.remove(key.set(DeviceKeys.pack(userId, deviceId)));
        }
    }

    /**
     * Copy the push token of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @param into     receives the token from index 0; {@link #MAX_PUSH_TOKEN_LENGTH} long is always enough.
     * @return the token length, or 0 if the device has none, or -1 if into is too short.
     */
    public int pushToken(final long userId, final int deviceId, final byte[] into)
    {
        if (!readPush(userId, deviceId))
        {
            return 0;
        }
        if (into.length < push.tokenLength)
        {
            return -1;
        }
        System.arraycopy(push.token, 0, into, 0, push.tokenLength);
        return push.tokenLength;
    }

    /**
     * Push platform of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return the platform, or {@link #PUSH_NONE} if the device has no push token.
     */
    public byte pushPlatform(final long userId, final int deviceId)
    {
        return readPush(userId, deviceId) ? push.platform : PUSH_NONE;
    }

    private boolean read(final long userId, final int deviceId)
    {
        if (!isValid(userId, deviceId))
        {
            return false;
        }
        final int offset = table.slotOffset(userId, deviceId);
        int word;
        do
        {
            word = table.stableWord(offset);
            registrationId = buffer.getInt(offset + DeviceTable.REGISTRATION_ID_OFFSET);
        }
        while (!table.isUnchanged(offset, word));
        return DeviceTable.isLinked(word);
    }

    private boolean isSameKey(final int offset, final byte[] loginKey)
    {
        for (int i = 0; i < LOGIN_KEY_LENGTH; i++)
        {
            if (buffer.getByte(offset + DeviceTable.LOGIN_KEY_OFFSET + i) != loginKey[i])
            {
                return false;
            }
        }
        return true;
    }

    private boolean isValid(final long userId, final int deviceId)
    {
        return table.hasSlot(userId, deviceId, maxDevicesPerAccount);
    }

    private boolean readPush(final long userId, final int deviceId)
    {
        return isValid(userId, deviceId) &&
            null != pushTokens.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), push);
    }
}
