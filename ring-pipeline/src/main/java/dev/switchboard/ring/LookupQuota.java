package dev.switchboard.ring;

import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.TimeUnit;

/**
 * How many phone numbers each user looked up in its current 24-hour window: a contact book fits, the number space
 * does not. Session stage only; windows that ended are swept once a minute on the tick.
 */
final class LookupQuota
{
    /** Phone numbers a user may look up per 24 hours. */
    static final int MAX_LOOKUPS_PER_DAY = 2_000;

    private static final long WINDOW_NS = TimeUnit.DAYS.toNanos(1);
    private static final long SWEEP_INTERVAL_NS = TimeUnit.MINUTES.toNanos(1);

    private final Long2LongHashMap windowStartByUser = new Long2LongHashMap(Long.MIN_VALUE);
    private final Long2LongHashMap lookupsByUser = new Long2LongHashMap(-1);
    private long nextSweepNs;

    /**
     * @return true, and counted, when the user may look up this many more numbers now.
     */
    boolean tryTake(final long userId, final int numbers, final long nowNs)
    {
        final long windowStartNs = windowStartByUser.get(userId);
        if (Long.MIN_VALUE == windowStartNs || nowNs - windowStartNs >= WINDOW_NS)
        {
            windowStartByUser.put(userId, nowNs);
            lookupsByUser.put(userId, 0);
        }
        final long used = Math.max(0, lookupsByUser.get(userId));
        if (used + numbers > MAX_LOOKUPS_PER_DAY)
        {
            return false;
        }
        lookupsByUser.put(userId, used + numbers);
        return true;
    }

    void sweep(final long nowNs)
    {
        if (nowNs - nextSweepNs >= 0)
        {
            nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
            final Long2LongHashMap.EntryIterator windows = windowStartByUser.entrySet().iterator();
            while (windows.hasNext())
            {
                windows.next();
                if (nowNs - windows.getLongValue() >= WINDOW_NS)
                {
                    lookupsByUser.remove(windows.getLongKey());
                    windows.remove();
                }
            }
        }
    }
}
