package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.ErrorCode;

/**
 * CallAnswer from a ringing device. Session: the blob within the limit (else INVALID_FIELD, a strike). Delivery: the
 * first answer wins ({@link CallTable#answer}).
 */
final class CallAnswerFlow extends Flow
{
    private final CallAnswerDecoder sessionAnswer = new CallAnswerDecoder();
    private final CallAnswerDecoder deliveryAnswer = new CallAnswerDecoder();
    private final int maxSdpLength;

    CallAnswerFlow(final CallContext ctx)
    {
        super(AFTER_LOGIN, true);
        maxSdpLength = ctx.maxSdpLength();
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        if (event.frame.decode(sessionAnswer).sdpLength() > maxSdpLength)
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.calls.answer(event, event.frame.decode(deliveryAnswer).callId());
    }
}
