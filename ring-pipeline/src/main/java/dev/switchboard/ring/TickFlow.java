package dev.switchboard.ring;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * Periodic housekeeping. Session: registration codes expire, and lookup quotas (once a minute). Delivery: journal
 * records past their retention expire (once a minute), stuck readers are disconnected, and devices whose outbound
 * queue was full resume their drain: both from {@link DeliveryTimers}, without a scan of the devices online; calls
 * ringing past their timeout end ({@link CallTable}).
 */
final class TickFlow extends Flow
{
    private static final long EXPIRY_INTERVAL_NS = TimeUnit.MINUTES.toNanos(1);

    /** Session step only. */
    private long nextQuotaSweepNs;
    /** Delivery step only. */
    private long nextExpiryNs;

    TickFlow(final NanoClock nanoClock)
    {
        super(ANYONE, false);
        nextExpiryNs = nanoClock.nanoTime() + EXPIRY_INTERVAL_NS;
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final long nowNs = stage.nanoClock.nanoTime();
        stage.codes.expire(nowNs);
        stage.links.expire(nowNs);
        if (nowNs - nextQuotaSweepNs >= 0)
        {
            nextQuotaSweepNs = nowNs + EXPIRY_INTERVAL_NS;
            stage.lookupQuota.sweep(nowNs);
        }
    }

    /**
     * Route: reserve the ids of the missed-call records the delivery step may write for calls that rang too long.
     */
    void route(final RingEvent event, final RouteStage stage)
    {
        event.recipients.messageId = stage.messageIds.reserve(event.timestampMs, CallTable.MAX_TIMEOUTS_PER_TICK);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final long nowNs = stage.nanoClock.nanoTime();
        if (nowNs - nextExpiryNs >= 0)
        {
            nextExpiryNs = nowNs + EXPIRY_INTERVAL_NS;
            stage.counters.add(RingCounters.RECORDS_EXPIRED, stage.journal.expire());
        }

        stage.timers.onTick(stage, nowNs);
        stage.calls.onTick(event, nowNs);
    }
}
