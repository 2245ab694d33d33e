package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallOfferDecoder;
import dev.switchboard.codec.sbe.ErrorCode;

import java.util.concurrent.TimeUnit;

/**
 * CallOffer: ring the callee's online devices ({@link CallTable#offer}).
 * Session: a non-zero call id, not to oneself, a blob within the limit (else INVALID_FIELD, a strike); at most
 * {@code switchboard.calls.per.minute} offers a user (RATE_LIMITED).
 * Route: every device of the callee (UNKNOWN_USER if none), whether the callee blocked the caller, and the message id
 * a missed-call record takes if the call cannot ring.
 * Delivery: the call table rings, or answers busy, unavailable or an Error.
 */
final class CallOfferFlow extends Flow
{
    private static final long MINUTE_NS = TimeUnit.MINUTES.toNanos(1);

    private final CallOfferDecoder sessionOffer = new CallOfferDecoder();
    private final CallOfferDecoder routeOffer = new CallOfferDecoder();
    private final CallOfferDecoder deliveryOffer = new CallOfferDecoder();
    /** Session step only. */
    private final FixedWindowQuota perMinute;
    private final int maxSdpLength;
    private long nextSweepNs;

    CallOfferFlow(final CallContext ctx)
    {
        super(AFTER_LOGIN, true);
        perMinute = new FixedWindowQuota(MINUTE_NS, ctx.perMinute());
        maxSdpLength = ctx.maxSdpLength();
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final CallOfferDecoder offer = event.frame.decode(sessionOffer);
        if (0 == offer.callId() || offer.toUserId() == session.userId || offer.sdpLength() > maxSdpLength)
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }
        final long nowNs = stage.nanoClock.nanoTime();
        if (nowNs - nextSweepNs >= 0)
        {
            nextSweepNs = nowNs + MINUTE_NS;
            perMinute.sweep(nowNs);
        }
        if (!perMinute.tryTake(session.userId, 1, nowNs))
        {
            stage.counters.increment(RingCounters.RATE_LIMITED);
            stage.refuse(event, ErrorCode.RATE_LIMITED);
        }
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final long toUserId = event.frame.decode(routeOffer).toUserId();
        final Recipients recipients = event.recipients;
        if (0 == stage.addAllDevices(recipients, toUserId))
        {
            stage.refuse(event, ErrorCode.UNKNOWN_USER);
            return;
        }
        recipients.targetUserId = toUserId;
        recipients.blocked = stage.isBlocked(toUserId, event.caller.userId);
        recipients.messageId = stage.messageIds.next(event.timestampMs);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final InboundFrame frame = event.frame;
        final CallOfferDecoder offer = frame.decode(deliveryOffer);
        stage.calls.offer(
            event,
            offer.callId(),
            offer.media(),
            frame.buffer,
            offer.limit() + CallOfferDecoder.sdpHeaderLength(),
            offer.sdpLength());
    }
}
