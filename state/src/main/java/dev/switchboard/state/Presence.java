package dev.switchboard.state;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Presence per (user id, device id): online flag, poller index, connection id and last seen time, kept in the
 * device's slot of the dense {@link DeviceTable}, so a login reads and writes one cache line.
 * <p>
 * On the hot path: every lookup and update reuses this view's fields and allocates nothing. A reader on another
 * thread sees each slot whole: connection id and poller index always come from the same update.
 * A view for one thread; only one thread, the session stage, may write. Entries written by an earlier process
 * read as offline, since their connections died with it, while last seen is kept.
 */
public final class Presence
{
    /** Connection id of an offline device. */
    public static final long NO_CONNECTION = -1;

    /** Poller index of an offline device. */
    public static final int NO_POLLER = -1;

    private final DeviceTable table;
    private final UnsafeBuffer buffer;
    private final int maxDevicesPerAccount;
    private final int openEpoch;
    private long slotConnectionId;
    private long slotLastSeenMs;
    private int slotEpoch;
    private int slotPollerIndex;
    private int lastPollerIndex = NO_POLLER;

    Presence(final DeviceTable table, final int maxDevicesPerAccount, final int openEpoch)
    {
        this.table = table;
        this.buffer = table.buffer();
        this.maxDevicesPerAccount = maxDevicesPerAccount;
        this.openEpoch = openEpoch;
    }

    /**
     * Mark a device online on a connection, replacing any earlier connection of that device.
     *
     * @param userId       user id.
     * @param deviceId     device id.
     * @param pollerIndex  index of the poller owning the connection.
     * @param connectionId connection id, not negative.
     * @param nowMs        epoch ms, recorded as last seen.
     * @return the live connection this one replaced, for the caller to close, or {@link #NO_CONNECTION}; its
     * poller is then in {@link #lastPollerIndex()}.
     */
    public long online(
        final long userId, final int deviceId, final int pollerIndex, final long connectionId, final long nowMs)
    {
        lastPollerIndex = NO_POLLER;
        if (connectionId < 0 || !isValid(userId, deviceId))
        {
            return NO_CONNECTION;
        }

        long replaced = NO_CONNECTION;
        if (read(userId, deviceId) && isLive() && slotConnectionId != connectionId)
        {
            replaced = slotConnectionId;
            lastPollerIndex = slotPollerIndex;
        }
        write(table.slotOffset(userId, deviceId), connectionId, pollerIndex, openEpoch, nowMs);
        return replaced;
    }

    /**
     * Mark a device offline, but only if the connection closing is still its current one: a close that arrives
     * after the device reconnected on a new connection must leave the new one online.
     *
     * @param userId       user id.
     * @param deviceId     device id.
     * @param connectionId the connection that closed.
     * @param nowMs        epoch ms, recorded as last seen.
     * @return true if the device went offline.
     */
    public boolean offline(final long userId, final int deviceId, final long connectionId, final long nowMs)
    {
        if (!read(userId, deviceId) || !isLive() || slotConnectionId != connectionId)
        {
            return false;
        }
        write(
            table.slotOffset(userId, deviceId), NO_CONNECTION, NO_POLLER, slotEpoch, Math.max(slotLastSeenMs, nowMs));
        return true;
    }

    /**
     * Current connection of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return the connection id, or {@link #NO_CONNECTION} if offline or unknown.
     */
    public long connectionId(final long userId, final int deviceId)
    {
        if (read(userId, deviceId) && isLive())
        {
            lastPollerIndex = slotPollerIndex;
            return slotConnectionId;
        }
        lastPollerIndex = NO_POLLER;
        return NO_CONNECTION;
    }

    /**
     * Poller of the connection the last {@link #connectionId(long, int)} or
     * {@link #online(long, int, int, long, long)} call on this view returned, read in the same lookup so the pair
     * is consistent and routing pays for one lookup, not two.
     *
     * @return the poller index, or {@link #NO_POLLER} if that call returned {@link #NO_CONNECTION}.
     */
    public int lastPollerIndex()
    {
        return lastPollerIndex;
    }

    /**
     * Poller owning the current connection of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return the poller index, or {@link #NO_POLLER} if offline or unknown.
     */
    public int pollerIndex(final long userId, final int deviceId)
    {
        return read(userId, deviceId) && isLive() ? slotPollerIndex : NO_POLLER;
    }

    /**
     * Whether a device is online.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return true if online.
     */
    public boolean isOnline(final long userId, final int deviceId)
    {
        return read(userId, deviceId) && isLive();
    }

    /**
     * Whether any device of a user is online.
     *
     * @param userId user id.
     * @return true if one is.
     */
    public boolean isOnline(final long userId)
    {
        for (int deviceId = 1; deviceId <= maxDevicesPerAccount; deviceId++)
        {
            if (read(userId, deviceId) && isLive())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Last time any device of a user was seen: when it last came online or went offline.
     *
     * @param userId user id.
     * @return epoch ms, the latest over the user's devices, or 0 if unknown.
     */
    public long lastSeenMs(final long userId)
    {
        long lastSeenMs = 0;
        for (int deviceId = 1; deviceId <= maxDevicesPerAccount; deviceId++)
        {
            if (read(userId, deviceId))
            {
                lastSeenMs = Math.max(lastSeenMs, slotLastSeenMs);
            }
        }
        return lastSeenMs;
    }

    /**
     * When one device was last online.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return epoch ms, or 0 if never or unknown.
     */
    public long lastSeenMs(final long userId, final int deviceId)
    {
        return read(userId, deviceId) ? slotLastSeenMs : 0;
    }

    /**
     * Forget a device's presence, for a device being unlinked.
     *
     * @param userId   user id.
     * @param deviceId device id.
     */
    public void remove(final long userId, final int deviceId)
    {
        if (isValid(userId, deviceId))
        {
            write(table.slotOffset(userId, deviceId), 0, 0, 0, 0);
        }
    }

    private void write(
        final int offset, final long connectionId, final int pollerIndex, final int epoch, final long lastSeenMs)
    {
        final int word = table.beginWrite(offset);
        buffer.putLong(offset + DeviceTable.CONNECTION_ID_OFFSET, connectionId);
        buffer.putLong(offset + DeviceTable.LAST_SEEN_OFFSET, lastSeenMs);
        buffer.putInt(offset + DeviceTable.OPEN_EPOCH_OFFSET, epoch);
        buffer.putInt(offset + DeviceTable.POLLER_INDEX_OFFSET, pollerIndex);
        table.endWrite(offset, word, DeviceTable.isLinked(word));
    }

    // a slot never written reads as epoch 0, which no open has, so as offline with last seen 0
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
            slotConnectionId = buffer.getLong(offset + DeviceTable.CONNECTION_ID_OFFSET);
            slotLastSeenMs = buffer.getLong(offset + DeviceTable.LAST_SEEN_OFFSET);
            slotEpoch = buffer.getInt(offset + DeviceTable.OPEN_EPOCH_OFFSET);
            slotPollerIndex = buffer.getInt(offset + DeviceTable.POLLER_INDEX_OFFSET);
        }
        while (!table.isUnchanged(offset, word));
        return true;
    }

    private boolean isValid(final long userId, final int deviceId)
    {
        return table.hasSlot(userId, deviceId, maxDevicesPerAccount);
    }

    private boolean isLive()
    {
        return slotEpoch == openEpoch && NO_CONNECTION != slotConnectionId;
    }
}
