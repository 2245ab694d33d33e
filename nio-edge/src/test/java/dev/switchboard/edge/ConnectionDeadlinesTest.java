package dev.switchboard.edge;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionDeadlinesTest
{
    private static final long HOLD_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final CachedNanoClock clock = new CachedNanoClock();
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[8 * 1024]));

    @Test
    void shouldWakeForAHoldAtItsDeadlineButNoSoonerThanAQuarterOfTheHoldFromNow()
    {
        clock.update(TimeUnit.SECONDS.toNanos(1));
        final ConnectionDeadlines deadlines = deadlines(HOLD_NS);
        final long noneNs = deadlines.nextDeadlineNs(clock.nanoTime()) - clock.nanoTime();
        assertTrue(noneNs > TimeUnit.DAYS.toNanos(365), "no deadline set: " + noneNs);

        deadlines.startHold(new Connection(1, null, clock.nanoTime()));
        assertEquals(HOLD_NS, deadlines.nextDeadlineNs(clock.nanoTime()) - clock.nanoTime());

        clock.update(clock.nanoTime() + HOLD_NS - TimeUnit.MILLISECONDS.toNanos(1));
        assertEquals(HOLD_NS / 4, deadlines.nextDeadlineNs(clock.nanoTime()) - clock.nanoTime(), "a millisecond left");

        clock.update(clock.nanoTime() + HOLD_NS);
        assertEquals(HOLD_NS / 4, deadlines.nextDeadlineNs(clock.nanoTime()) - clock.nanoTime(), "overdue");
    }

    @Test
    void shouldLeaveOtherDeadlinesAsTheyAreWhenNothingIsHeld()
    {
        clock.update(TimeUnit.SECONDS.toNanos(1));
        final ConnectionDeadlines deadlines = deadlines(HOLD_NS);
        deadlines.startIdleChecks(new Connection(1, null, clock.nanoTime()));
        final long idleCheckNs = deadlines.idle.durationNs();

        assertEquals(idleCheckNs, deadlines.nextDeadlineNs(clock.nanoTime()) - clock.nanoTime());
    }

    private ConnectionDeadlines deadlines(final long holdNs)
    {
        return new ConnectionDeadlines(
            new EdgeContext().receiptHoldNs(holdNs), clock, counters.newCounter("awaiting login"));
    }
}
