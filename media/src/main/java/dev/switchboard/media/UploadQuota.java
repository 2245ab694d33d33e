package dev.switchboard.media;

import java.util.HashMap;
import java.util.Map;

/**
 * Bytes each user started uploading per UTC day. An upload reserves its whole Upload-Length when created, so a user
 * cannot exceed the quota with many unfinished uploads; an upload that lapses unfinished gives its bytes back.
 * Only days of the current one are kept.
 */
final class UploadQuota
{
    static final long DAY_MS = 86_400_000L;

    private final long bytesPerDay;
    private final Map<Long, long[]> usedByUser = new HashMap<>();

    UploadQuota(final long bytesPerDay)
    {
        this.bytesPerDay = bytesPerDay;
    }

    /**
     * Reserve bytes for the user on the day of {@code nowMs}; false if that would pass the quota.
     */
    synchronized boolean tryReserve(final long userId, final long bytes, final long nowMs)
    {
        final long day = nowMs / DAY_MS;
        final long[] used = usedByUser.computeIfAbsent(userId, (ignore) -> new long[2]);
        if (used[0] != day)
        {
            used[0] = day;
            used[1] = 0;
        }
        if (bytes > bytesPerDay - used[1])
        {
            return false;
        }
        used[1] += bytes;
        return true;
    }

    /**
     * Give back a reservation made on the day of {@code reservedAtMs} (nothing if that day is over: its count is gone).
     */
    synchronized void release(final long userId, final long bytes, final long reservedAtMs)
    {
        final long[] used = usedByUser.get(userId);
        if (null != used && used[0] == reservedAtMs / DAY_MS)
        {
            used[1] = Math.max(0, used[1] - bytes);
        }
    }

    synchronized long used(final long userId, final long nowMs)
    {
        final long[] used = usedByUser.get(userId);
        return null == used || used[0] != nowMs / DAY_MS ? 0 : used[1];
    }

    /** Forget users whose count is of an earlier day. */
    synchronized void sweep(final long nowMs)
    {
        final long day = nowMs / DAY_MS;
        usedByUser.values().removeIf((used) -> used[0] != day);
    }
}
