package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.CallAnswerEncoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupEncoder;
import dev.switchboard.codec.sbe.CallIceCandidateEncoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallOfferEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.TurnCredentialsRequestEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the call requests a client sends, {@link Sofh} header included, at an offset of the write buffer; used on
 * the I/O thread only.
 */
final class CallFrameWriter
{
    /** Bytes of a call frame besides its blob: framing, SBE header, the largest block, the length prefix. */
    static final int FRAME_OVERHEAD = 64;

    private static final int MESSAGE_OFFSET = Sofh.HEADER_LENGTH;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final CallOfferEncoder offerEncoder = new CallOfferEncoder();
    private final CallAnswerEncoder answerEncoder = new CallAnswerEncoder();
    private final CallIceCandidateEncoder iceEncoder = new CallIceCandidateEncoder();
    private final CallHangupEncoder hangupEncoder = new CallHangupEncoder();
    private final TurnCredentialsRequestEncoder turnEncoder = new TurnCredentialsRequestEncoder();

    int callOffer(
        final MutableDirectBuffer buffer,
        final int offset,
        final long callId,
        final long toUserId,
        final CallMedia media,
        final byte[] sdp)
    {
        offerEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .callId(callId)
            .toUserId(toUserId)
            .media(media)
            .putSdp(sdp, 0, sdp.length);
        return frame(buffer, offset, offerEncoder.encodedLength());
    }

    int callAnswer(final MutableDirectBuffer buffer, final int offset, final long callId, final byte[] sdp)
    {
        answerEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .callId(callId)
            .putSdp(sdp, 0, sdp.length);
        return frame(buffer, offset, answerEncoder.encodedLength());
    }

    int callIceCandidate(
        final MutableDirectBuffer buffer, final int offset, final long callId, final int sequence, final byte[] blob)
    {
        iceEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .callId(callId)
            .sequence(sequence)
            .putCandidate(blob, 0, blob.length);
        return frame(buffer, offset, iceEncoder.encodedLength());
    }

    int callHangup(final MutableDirectBuffer buffer, final int offset, final long callId, final CallEndReason reason)
    {
        hangupEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .callId(callId)
            .reason(reason);
        return frame(buffer, offset, hangupEncoder.encodedLength());
    }

    int turnCredentialsRequest(final MutableDirectBuffer buffer, final int offset, final long requestId)
    {
        turnEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).requestId(requestId);
        return frame(buffer, offset, turnEncoder.encodedLength());
    }

    private static int frame(final MutableDirectBuffer buffer, final int offset, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, offset, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
