package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallHangupDecoder;

/**
 * CallHangup from a party. Route: the message id a missed-call record takes if the call never connected.
 * Delivery: the call ends for both parties ({@link CallTable#hangup}).
 */
final class CallHangupFlow extends Flow
{
    private final CallHangupDecoder deliveryHangup = new CallHangupDecoder();

    CallHangupFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.recipients.messageId = stage.messageIds.next(event.timestampMs);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final CallHangupDecoder hangup = event.frame.decode(deliveryHangup);
        stage.calls.hangup(event, hangup.callId(), hangup.reason());
    }
}
