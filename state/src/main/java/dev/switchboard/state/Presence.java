package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * Presence per (user id, device id): online flag, poller index, connection id and last seen time.
 * <p>
 * On the hot path: every lookup and update reuses this view's key and value buffers and allocates nothing.
 * A view for one thread; only one thread, the session stage, may write. Entries written by an earlier process
 * read as offline, since their connections died with it, while last seen is kept.
 */
public final class Presence
{
    /** Connection id of an offline device. */
    public static final long NO_CONNECTION = -1;

    /** Poller index of an offline device. */
    public static final int NO_POLLER = -1;

    private final ChronicleMap<LongRef, PresenceRecord> presence;
    private final int maxDevicesPerAccount;
    private final int openEpoch;
    private final LongRef key = new LongRef();
    private final PresenceRecord record = new PresenceRecord();
    private int lastPollerIndex = NO_POLLER;

    Presence(final ChronicleMap<LongRef, PresenceRecord> presence, final int maxDevicesPerAccount, final int openEpoch)
    {
        this.presence = presence;
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
        if (connectionId < 0 || !DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount))
        {
            return NO_CONNECTION;
        }

        long replaced = NO_CONNECTION;
        if (read(userId, deviceId) && isLive(record) && record.connectionId != connectionId)
        {
            replaced = record.connectionId;
            lastPollerIndex = record.pollerIndex;
        }
        record.connectionId = connectionId;
        record.pollerIndex = pollerIndex;
        record.openEpoch = openEpoch;
        record.lastSeenMs = nowMs;
        presence.put(key.set(DeviceKeys.pack(userId, deviceId)), record);
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
        if (!read(userId, deviceId) || !isLive(record) || record.connectionId != connectionId)
        {
            return false;
        }
        record.connectionId = NO_CONNECTION;
        record.pollerIndex = NO_POLLER;
        record.lastSeenMs = Math.max(record.lastSeenMs, nowMs);
        presence.put(key, record);
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
        if (read(userId, deviceId) && isLive(record))
        {
            lastPollerIndex = record.pollerIndex;
            return record.connectionId;
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
        return read(userId, deviceId) && isLive(record) ? record.pollerIndex : NO_POLLER;
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
        return read(userId, deviceId) && isLive(record);
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
            if (read(userId, deviceId) && isLive(record))
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
                lastSeenMs = Math.max(lastSeenMs, record.lastSeenMs);
            }
        }
        return lastSeenMs;
    }

    /**
     * Forget a device's presence, for a device being unlinked.
     *
     * @param userId   user id.
     * @param deviceId device id.
     */
    public void remove(final long userId, final int deviceId)
    {
        if (DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount))
        {
            presence.remove(key.set(DeviceKeys.pack(userId, deviceId)));
        }
    }

    private boolean read(final long userId, final int deviceId)
    {
        return DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount) &&
            null != presence.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), record);
    }

    private boolean isLive(final PresenceRecord record)
    {
        return record.openEpoch == openEpoch && NO_CONNECTION != record.connectionId;
    }
}
