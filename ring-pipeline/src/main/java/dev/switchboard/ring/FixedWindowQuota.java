package dev.switchboard.ring;

import org.agrona.collections.Long2LongHashMap;

/**
 * How much of an allowance each key (a user, a source address) used in its current fixed window, which starts at
 * the key's first use after the previous one ended. Single-threaded; {@link #sweep} forgets ended windows so memory
 * stays bounded by the keys active in one window.
 */
final class FixedWindowQuota
{
    private final Long2LongHashMap windowStartNsByKey = new Long2LongHashMap(Long.MIN_VALUE);
    private final Long2LongHashMap usedByKey = new Long2LongHashMap(-1);
    private final long windowNs;
    private final long limit;

    FixedWindowQuota(final long windowNs, final long limit)
    {
        this.windowNs = windowNs;
        this.limit = limit;
    }

    /**
     * @return true, and counted, when the key may use {@code amount} more now; false, and nothing counted, if not.
     */
    boolean tryTake(final long key, final int amount, final long nowNs)
    {
        final long windowStartNs = windowStartNsByKey.get(key);
        if (Long.MIN_VALUE == windowStartNs || nowNs - windowStartNs >= windowNs)
        {
            windowStartNsByKey.put(key, nowNs);
            usedByKey.put(key, 0);
        }
        final long used = Math.max(0, usedByKey.get(key));
        if (used + amount > limit)
        {
            return false;
        }
        usedByKey.put(key, used + amount);
        return true;
    }

    void sweep(final long nowNs)
    {
        final Long2LongHashMap.EntryIterator windows = windowStartNsByKey.entrySet().iterator();
        while (windows.hasNext())
        {
            windows.next();
            if (nowNs - windows.getLongValue() >= windowNs)
            {
                usedByKey.remove(windows.getLongKey());
                windows.remove();
            }
        }
    }
}
