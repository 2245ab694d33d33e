package dev.switchboard.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Where in the measured period the late deliveries were due.
 */
class LateTimelineTest
{
    private static final long START_NS = 5_000_000_000L;
    private static final long BOUND_NS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldCountOnlyDeliveriesLaterThanTheBoundInTheWindowTheyWereDue()
    {
        final LateTimeline timeline = new LateTimeline(BOUND_NS, START_NS, TimeUnit.MILLISECONDS.toNanos(50));

        timeline.record(1, START_NS, BOUND_NS + 1);
        timeline.record(1, START_NS + ms(9), ms(3));
        timeline.record(1, START_NS + ms(10), BOUND_NS); // at the bound: not late
        timeline.record(1, START_NS + ms(25), ms(1) / 2);
        timeline.record(1, START_NS + ms(49), ms(20));

        timeline.record(1, START_NS + ms(90), ms(2)); // due past the end: the last window

        assertArrayEquals(new int[] { 2, 0, 0, 0, 2 }, timeline.lateByWindow());
        assertEquals(4, timeline.lateMessages());
    }

    @Test
    void shouldKeepTheWarmUpsLateDeliveriesOutOfTheMeasuredWindows()
    {
        final LateTimeline timeline = new LateTimeline(BOUND_NS, START_NS, TimeUnit.MILLISECONDS.toNanos(20));

        timeline.record(0, START_NS - ms(1), ms(5));
        timeline.record(0, START_NS - TimeUnit.SECONDS.toNanos(20), ms(5));

        assertArrayEquals(new int[] { 0, 0 }, timeline.lateByWindow());
        assertEquals(0, timeline.lateMessages());
    }

    @Test
    void shouldReportTheCrowdedWindowsAndTheirShare()
    {
        final LateTimeline timeline = new LateTimeline(BOUND_NS, START_NS, TimeUnit.SECONDS.toNanos(1));
        for (int i = 0; i < 12; i++)
        {
            timeline.record(1, START_NS + ms(i * 50), ms(2)); // twelve windows with one late delivery each
        }
        for (int i = 0; i < 8; i++)
        {
            timeline.record(1, START_NS + ms(500) + i, ms(4)); // and one stall's eight more in window 50
        }

        final BenchResult result = new BenchResult("pingpong", "switchboard");
        timeline.addTo(result);

        assertEquals(20L, result.figures.get("lateMessages"));
        assertEquals(12, result.figures.get("lateWindows"));
        assertEquals(18 / 20.0, (double)result.figures.get("lateShareInWorstTenWindows"), 1e-9);
        final List<?> windows = (List<?>)result.figures.get("lateTimeline");
        assertEquals(List.of(0L, 1L), windows.get(0));
        assertEquals(List.of(500L, 9L), windows.get(10));
    }

    @Test
    void shouldTakeARunWithNoMeasuredPeriod()
    {
        // the throughput search's first run only warms up
        final LateTimeline timeline = new LateTimeline(BOUND_NS, START_NS, 0);

        timeline.record(0, START_NS - ms(1), ms(5));
        timeline.record(1, START_NS + ms(3), ms(5));

        assertArrayEquals(new int[0], timeline.lateByWindow());
        assertEquals(0, timeline.lateMessages());
    }

    @Test
    void shouldRefuseANonPositiveBoundOrANegativeDuration()
    {
        assertThrows(IllegalArgumentException.class, () -> new LateTimeline(0, START_NS, ms(10)));
        assertThrows(IllegalArgumentException.class, () -> new LateTimeline(BOUND_NS, START_NS, -1));
    }

    private static long ms(final long millis)
    {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
