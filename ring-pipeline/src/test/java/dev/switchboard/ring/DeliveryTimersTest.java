package dev.switchboard.ring;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stuck readers are found by their own timers, not by scanning devices: a device closed only once its deliveries
 * went unacknowledged for the whole timeout, whatever progress it made before; none left armed once acknowledged.
 */
class DeliveryTimersTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final List<Long> closed = new ArrayList<>();
    private long nowNs;
    private final RingCounters counters = new RingCounters();
    private final DeliveryTimers timers = new DeliveryTimers(0, TIMEOUT_NS, counters, new OutboundFrames()
    {
        public boolean send(
            final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            return true;
        }

        public boolean close(final int pollerIndex, final long connectionId)
        {
            closed.add(connectionId);
            return true;
        }
    });

    @Test
    void shouldCloseADeviceThatMadeNoProgressForTheTimeout()
    {
        final DeviceDelivery stuck = new DeviceDelivery(1, 1, 0, 101);
        open(stuck, 0);

        runTicksUntil(TIMEOUT_NS - TICK_NS);
        assertEquals(List.of(), closed);
        runTicksUntil(TIMEOUT_NS + 2 * TICK_NS);
        assertEquals(List.of(101L), closed);
        assertEquals(1, counters.get(RingCounters.STUCK_READERS_CLOSED));

        runTicksUntil(TIMEOUT_NS + TIMEOUT_NS / 2);
        assertEquals(1, closed.size(), "one close request per timeout, not one per tick");
    }

    @Test
    void shouldWaitAFullTimeoutFromTheLastProgress()
    {
        final DeviceDelivery slow = new DeviceDelivery(2, 1, 0, 202);
        open(slow, 0);
        slow.lastProgressNs = TIMEOUT_NS - TICK_NS; // an ack just before the timer was due

        runTicksUntil(TIMEOUT_NS + TIMEOUT_NS / 2);
        assertEquals(List.of(), closed, "re-armed from the last progress");
        runTicksUntil(2 * TIMEOUT_NS + 2 * TICK_NS);
        assertEquals(List.of(202L), closed);
    }

    @Test
    void shouldDropTheTimerOfADeviceAllCaughtUpOrGone()
    {
        final DeviceDelivery caughtUp = new DeviceDelivery(3, 1, 0, 303);
        final DeviceDelivery gone = new DeviceDelivery(4, 1, 0, 404);
        open(caughtUp, 0);
        open(gone, 0);
        assertEquals(2, timers.timerCount());

        caughtUp.inFlight = 0;
        timers.deviceGone(gone);
        assertEquals(1, timers.timerCount());
        runTicksUntil(2 * TIMEOUT_NS);
        assertEquals(List.of(), closed);
        assertEquals(0, timers.timerCount());
    }

    private void open(final DeviceDelivery delivery, final long nowNs)
    {
        delivery.inFlight = 1;
        delivery.lastProgressNs = nowNs;
        timers.windowOpened(delivery, nowNs);
    }

    private void runTicksUntil(final long endNs)
    {
        while (nowNs < endNs)
        {
            nowNs += TICK_NS;
            timers.closeStuckReaders(nowNs);
        }
    }
}
