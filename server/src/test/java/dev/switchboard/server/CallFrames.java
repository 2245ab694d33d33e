package dev.switchboard.server;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallAnswerEncoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupDecoder;
import dev.switchboard.codec.sbe.CallHangupEncoder;
import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.CallIceCandidateEncoder;
import dev.switchboard.codec.sbe.CallIncomingDecoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallOfferEncoder;
import dev.switchboard.codec.sbe.CallRingingDecoder;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.MissedCallDecoder;
import dev.switchboard.codec.sbe.TurnCredentialsDecoder;
import dev.switchboard.codec.sbe.TurnCredentialsRequestEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

import java.io.IOException;
import java.util.Arrays;

/**
 * Call frames for system tests over a {@link TestConnection}: encoded by hand, written raw, and decoded back.
 */
final class CallFrames
{
    private static final int BODY = Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;

    private CallFrames()
    {
    }

    static void offer(
        final TestConnection connection, final long callId, final long toUserId, final CallMedia media,
        final byte[] sdp) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BODY + 32 + sdp.length]);
        final CallOfferEncoder encoder = new CallOfferEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(callId)
            .toUserId(toUserId)
            .media(media);
        encoder.putSdp(sdp, 0, sdp.length);
        write(connection, buffer, encoder.encodedLength());
    }

    static void answer(final TestConnection connection, final long callId, final byte[] sdp) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BODY + 16 + sdp.length]);
        final CallAnswerEncoder encoder = new CallAnswerEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(callId);
        encoder.putSdp(sdp, 0, sdp.length);
        write(connection, buffer, encoder.encodedLength());
    }

    static void ice(final TestConnection connection, final long callId, final int sequence, final byte[] candidate)
        throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BODY + 16 + candidate.length]);
        final CallIceCandidateEncoder encoder = new CallIceCandidateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(callId)
            .sequence(sequence);
        encoder.putCandidate(candidate, 0, candidate.length);
        write(connection, buffer, encoder.encodedLength());
    }

    static void hangup(final TestConnection connection, final long callId, final CallEndReason reason)
        throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BODY + 16]);
        final CallHangupEncoder encoder = new CallHangupEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(callId)
            .reason(reason);
        write(connection, buffer, encoder.encodedLength());
    }

    static void turnCredentialsRequest(final TestConnection connection, final long requestId) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BODY + 8]);
        final TurnCredentialsRequestEncoder encoder = new TurnCredentialsRequestEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId);
        write(connection, buffer, encoder.encodedLength());
    }

    static CallRingingDecoder expectRinging(final TestConnection connection) throws IOException
    {
        return decode(connection.expect(CallRingingDecoder.TEMPLATE_ID), new CallRingingDecoder());
    }

    static CallIncomingDecoder expectIncoming(final TestConnection connection) throws IOException
    {
        return decode(connection.expect(CallIncomingDecoder.TEMPLATE_ID), new CallIncomingDecoder());
    }

    static CallAnswerDecoder expectAnswer(final TestConnection connection) throws IOException
    {
        return decode(connection.expect(CallAnswerDecoder.TEMPLATE_ID), new CallAnswerDecoder());
    }

    static CallIceCandidateDecoder expectIce(final TestConnection connection) throws IOException
    {
        return decode(connection.expect(CallIceCandidateDecoder.TEMPLATE_ID), new CallIceCandidateDecoder());
    }

    static CallEndReason expectHangup(final TestConnection connection, final long callId) throws IOException
    {
        final CallHangupDecoder hangup =
            decode(connection.expect(CallHangupDecoder.TEMPLATE_ID), new CallHangupDecoder());
        if (hangup.callId() != callId)
        {
            throw new AssertionError("hangup of call " + hangup.callId() + ", expected " + callId);
        }
        return hangup.reason();
    }

    static MissedCallDecoder expectMissedCall(final TestConnection connection) throws IOException
    {
        return decode(connection.expect(MissedCallDecoder.TEMPLATE_ID), new MissedCallDecoder());
    }

    static TurnCredentialsDecoder expectTurnCredentials(final TestConnection connection) throws IOException
    {
        return decode(connection.expect(TurnCredentialsDecoder.TEMPLATE_ID), new TurnCredentialsDecoder());
    }

    static ErrorDecoder expectError(final TestConnection connection) throws IOException
    {
        return decode(connection.expect(ErrorDecoder.TEMPLATE_ID), new ErrorDecoder());
    }

    static byte[] sdp(final CallIncomingDecoder incoming)
    {
        final byte[] bytes = new byte[incoming.sdpLength()];
        incoming.getSdp(bytes, 0, bytes.length);
        return bytes;
    }

    static byte[] sdp(final CallAnswerDecoder answer)
    {
        final byte[] bytes = new byte[answer.sdpLength()];
        answer.getSdp(bytes, 0, bytes.length);
        return bytes;
    }

    static byte[] candidate(final CallIceCandidateDecoder ice)
    {
        final byte[] bytes = new byte[ice.candidateLength()];
        ice.getCandidate(bytes, 0, bytes.length);
        return bytes;
    }

    private static <T extends MessageDecoderFlyweight> T decode(final TestConnection.Frame frame, final T decoder)
    {
        decoder.wrap(frame.buffer, BODY, frame.blockLength, frame.version);
        return decoder;
    }

    private static void write(final TestConnection connection, final UnsafeBuffer buffer, final int bodyLength)
        throws IOException
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        connection.writeRaw(Arrays.copyOf(buffer.byteArray(), Sofh.HEADER_LENGTH + messageLength));
    }
}
