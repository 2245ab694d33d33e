package dev.switchboard.media;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.function.LongConsumer;

/**
 * Bytes each user started uploading per UTC day. An upload reserves its whole Upload-Length when created, so a user
 * cannot exceed the quota with many unfinished uploads; an upload that lapses unfinished gives its bytes back.
 * Only counts of the current day are kept. Owned by the ledger's thread ({@link MediaLedger}), which persists every
 * change: no locks.
 */
final class UploadQuota
{
    static final long DAY_MS = 86_400_000L;

    private final long bytesPerDay;
    /** userId -> {day, bytes used that day}. */
    private final Long2ObjectHashMap<long[]> usedByUser = new Long2ObjectHashMap<>();

    UploadQuota(final long bytesPerDay)
    {
        this.bytesPerDay = bytesPerDay;
    }

    /**
     * Reserve bytes for the user on the day of {@code nowMs}; false if that would pass the quota.
     */
    boolean tryReserve(final long userId, final long bytes, final long nowMs)
    {
        final long day = nowMs / DAY_MS;
        long[] used = usedByUser.get(userId);
        if (null == used)
        {
            used = new long[2];
            usedByUser.put(userId, used);
        }
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
     * Give back a reservation made on the day of {@code reservedAtMs} (nothing if that day is over: its count is gone);
     * true if the count changed.
     */
    boolean release(final long userId, final long bytes, final long reservedAtMs)
    {
        final long[] used = usedByUser.get(userId);
        if (null != used && used[0] == reservedAtMs / DAY_MS)
        {
            used[1] = Math.max(0, used[1] - bytes);
            return true;
        }
        return false;
    }

    long used(final long userId, final long nowMs)
    {
        final long[] used = usedByUser.get(userId);
        return null == used || used[0] != nowMs / DAY_MS ? 0 : used[1];
    }

    /** The user's {day, bytes}, or null: what the ledger persists. */
    long[] entry(final long userId)
    {
        return usedByUser.get(userId);
    }

    /** Put back a count read at start. */
    void load(final long userId, final long day, final long bytes)
    {
        usedByUser.put(userId, new long[]{ day, bytes });
    }

    /** Forget users whose count is of an earlier day, telling each to {@code forgotten}. */
    void sweep(final long nowMs, final LongConsumer forgotten)
    {
        final long day = nowMs / DAY_MS;
        final Long2ObjectHashMap<long[]>.EntryIterator it = usedByUser.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            if (it.getValue()[0] != day)
            {
                final long userId = it.getLongKey();
                it.remove();
                forgotten.accept(userId);
            }
        }
    }
}
