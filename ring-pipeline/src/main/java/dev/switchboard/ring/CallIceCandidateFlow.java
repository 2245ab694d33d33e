package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.ErrorCode;

/**
 * CallIceCandidate from a party. Session: the blob within the limit (else INVALID_FIELD, a strike). Delivery: relayed
 * to the other party, within the call's candidate budget ({@link CallTable#iceCandidate}).
 */
final class CallIceCandidateFlow extends Flow
{
    private final CallIceCandidateDecoder sessionCandidate = new CallIceCandidateDecoder();
    private final CallIceCandidateDecoder deliveryCandidate = new CallIceCandidateDecoder();
    private final int maxSdpLength;

    CallIceCandidateFlow(final CallContext ctx)
    {
        super(AFTER_LOGIN, true);
        maxSdpLength = ctx.maxSdpLength();
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final CallIceCandidateDecoder candidate = event.frame.decode(sessionCandidate);
        if (candidate.candidateLength() > maxSdpLength)
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.calls.iceCandidate(event, event.frame.decode(deliveryCandidate).callId());
    }
}
