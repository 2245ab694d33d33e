package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * When the late messages of an open-loop run were due: per 10 ms window of the measured period, how many were
 * delivered later than a bound. A tail made of a few stalls shows as a few crowded windows (and, if the stalls recur,
 * their period); a server short of capacity spreads its late messages over the whole run.
 * <p>
 * Recording has no branch that changes when the measured period opens: a warm-up message counts in a slot of its own
 * that is never reported, so the load loop the JIT compiled in the warm-up is the one that measures.
 */
final class LateTimeline
{
    static final long WINDOW_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long boundNs;
    // [0] counts the warm-up's late messages, thrown away; [1 + i] the measured period's window i.
    private final int[] lateBySlot;
    private final long measureStartNs;

    /**
     * @param boundNs        a message delivered later than this after its due time is late.
     * @param measureStartNs when the measured period opens; messages due before it are the warm-up's.
     * @param durationNs     the measured period; 0 for a run that only warms up (the throughput search's first).
     */
    LateTimeline(final long boundNs, final long measureStartNs, final long durationNs)
    {
        if (boundNs <= 0 || durationNs < 0)
        {
            throw new IllegalArgumentException("bound must be positive, duration not negative: " + boundNs + ", " +
                durationNs);
        }
        this.boundNs = boundNs;
        this.measureStartNs = measureStartNs;
        this.lateBySlot = new int[1 + (int)((durationNs + WINDOW_NS - 1) / WINDOW_NS)];
    }

    /**
     * @param measured 1 for a message due in the measured period, 0 for one of the warm-up; one due past the period's
     *                 end (none is sent) counts in its last window, and with no measured period in the warm-up's slot.
     */
    void record(final int measured, final long dueNs, final long latencyNs)
    {
        final int window = (int)Math.max(-1, Math.min((dueNs - measureStartNs) / WINDOW_NS, lateBySlot.length - 2));
        lateBySlot[measured * (1 + window)] += (int)((boundNs - latencyNs) >>> 63);
    }

    long lateMessages()
    {
        long late = 0;
        for (int i = 1; i < lateBySlot.length; i++)
        {
            late += lateBySlot[i];
        }
        return late;
    }

    /**
     * Late messages per window, the measured period's only.
     */
    int[] lateByWindow()
    {
        return Arrays.copyOfRange(lateBySlot, 1, lateBySlot.length);
    }

    /**
     * Figures: the bound, the late messages, how many windows held any, the share of them in the ten most crowded
     * windows, and the windows themselves as [start ms into the measured period, late messages].
     */
    void addTo(final BenchResult result)
    {
        final int[] byWindow = lateByWindow();
        final long late = lateMessages();
        final List<List<Long>> windows = new ArrayList<>();
        for (int i = 0; i < byWindow.length; i++)
        {
            if (byWindow[i] > 0)
            {
                windows.add(List.of(i * TimeUnit.NANOSECONDS.toMillis(WINDOW_NS), (long)byWindow[i]));
            }
        }
        final int[] sorted = byWindow.clone();
        Arrays.sort(sorted);
        long inWorstTen = 0;
        for (int i = sorted.length - 1; i >= Math.max(0, sorted.length - 10); i--)
        {
            inWorstTen += sorted[i];
        }
        result.figure("lateBoundUs", TimeUnit.NANOSECONDS.toMicros(boundNs));
        result.figure("lateMessages", late);
        result.figure("lateWindows", windows.size());
        result.figure("lateShareInWorstTenWindows", 0 == late ? 0.0 : inWorstTen / (double)late);
        result.figure("lateTimeline", windows);
    }
}
