package dev.switchboard.ring;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The delivery stage's timers, so the housekeeping tick never scans every device online:
 * <ul>
 *   <li>a stuck-reader timer per device with deliveries unacknowledged, on a {@link DeadlineTimerWheel}: armed when
 *   its window goes from empty to not, re-armed from its last progress when it fires early, dropped when the window
 *   is empty or the device is gone;</li>
 *   <li>the devices whose drain the edge's full outbound queue stopped, retried on each tick.</li>
 * </ul>
 * Owned by the delivery stage's thread.
 */
final class DeliveryTimers
{
    static final long NO_TIMER = DeadlineTimerWheel.NULL_DEADLINE;
    /** About 134 ms a slot: a stuck-reader timeout (a minute by default) needs no finer grain than the tick. */
    private static final long TICK_RESOLUTION_NS = 1L << 27;
    private static final int TICKS_PER_WHEEL = 512;
    private static final int MAX_EXPIRIES_PER_TICK = 1024;

    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<DeviceDelivery> deviceByTimer = new Long2ObjectHashMap<>();
    private final DeadlineTimerWheel.TimerHandler onExpiry = this::onExpiry;
    private final long stuckReaderTimeoutNs;
    private final RingCounters counters;
    private final OutboundFrames outbound;
    private DeviceDelivery[] outboundBlocked = new DeviceDelivery[16];
    private int outboundBlockedCount;
    private long nowNs;

    DeliveryTimers(
        final long startNs,
        final long stuckReaderTimeoutNs,
        final RingCounters counters,
        final OutboundFrames outbound)
    {
        this.stuckReaderTimeoutNs = stuckReaderTimeoutNs;
        this.counters = counters;
        this.outbound = outbound;
        wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNs, TICK_RESOLUTION_NS, TICKS_PER_WHEEL);
    }

    /**
     * The device's window went from empty to not: watch it for a stuck reader.
     */
    void windowOpened(final DeviceDelivery delivery, final long nowNs)
    {
        if (NO_TIMER == delivery.stuckTimerId)
        {
            arm(delivery, nowNs + stuckReaderTimeoutNs);
        }
    }

    /**
     * The edge's outbound queue refused the device's frame: retry its drain on the next tick.
     */
    void outboundBlocked(final DeviceDelivery delivery)
    {
        if (delivery.outboundBlocked)
        {
            return;
        }
        delivery.outboundBlocked = true;
        if (outboundBlockedCount == outboundBlocked.length)
        {
            outboundBlocked = Arrays.copyOf(outboundBlocked, outboundBlockedCount * 2);
        }
        outboundBlocked[outboundBlockedCount++] = delivery;
    }

    /**
     * The device is gone: forget its timer. (A stale entry in the outbound-blocked list is skipped on the tick.)
     */
    void deviceGone(final DeviceDelivery delivery)
    {
        if (NO_TIMER != delivery.stuckTimerId)
        {
            wheel.cancelTimer(delivery.stuckTimerId);
            deviceByTimer.remove(delivery.stuckTimerId);
            delivery.stuckTimerId = NO_TIMER;
        }
    }

    /**
     * On the housekeeping tick: close stuck readers whose timers are due, and retry the drains the edge stopped.
     */
    void onTick(final DeliveryStage stage, final long nowNs)
    {
        closeStuckReaders(nowNs);

        final int count = outboundBlockedCount;
        outboundBlockedCount = 0;
        for (int i = 0; i < count; i++)
        {
            final DeviceDelivery delivery = outboundBlocked[i];
            outboundBlocked[i] = null;
            delivery.outboundBlocked = false;
            if (delivery == stage.delivery(delivery.userId, delivery.deviceId) && delivery.behind)
            {
                stage.drain(delivery); // may list it again when the queue is still full
            }
        }
    }

    /**
     * Close the connections of devices whose timers are due and that made no progress for the timeout.
     */
    void closeStuckReaders(final long nowNs)
    {
        this.nowNs = nowNs;
        wheel.poll(nowNs, onExpiry, MAX_EXPIRIES_PER_TICK);
    }

    int timerCount()
    {
        return (int)wheel.timerCount();
    }

    private void arm(final DeviceDelivery delivery, final long deadlineNs)
    {
        delivery.stuckTimerId = wheel.scheduleTimer(deadlineNs);
        deviceByTimer.put(delivery.stuckTimerId, delivery);
    }

    private boolean onExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final DeviceDelivery delivery = deviceByTimer.remove(timerId);
        if (null == delivery)
        {
            return true;
        }
        delivery.stuckTimerId = NO_TIMER;
        if (0 == delivery.inFlight)
        {
            return true; // everything was acknowledged: re-armed when the window next opens
        }
        if (nowNs - delivery.lastProgressNs > stuckReaderTimeoutNs)
        {
            counters.increment(RingCounters.STUCK_READERS_CLOSED);
            outbound.close(delivery.pollerIndex, delivery.connectionId);
            arm(delivery, nowNs + stuckReaderTimeoutNs); // one close request per timeout, not one per tick
        }
        else
        {
            arm(delivery, delivery.lastProgressNs + stuckReaderTimeoutNs + 1);
        }
        return true;
    }
}
