package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.CallAnswerEncoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupEncoder;
import dev.switchboard.codec.sbe.CallIceCandidateEncoder;
import dev.switchboard.codec.sbe.CallIncomingEncoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallRingingEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.MissedCallEncoder;
import dev.switchboard.codec.sbe.TurnCredentialsEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's call frames through the client's adapter: decoded to the handler, or counted as rejected when a length
 * runs past the frame or an enum is unknown.
 */
class CallMessageAdapterTest
{
    private final List<String> events = new ArrayList<>();
    private final ServerMessageHandler handler = new ServerMessageHandler()
    {
        public void onCallIncoming(
            final long callId,
            final long timestampMs,
            final long fromUserId,
            final int fromDeviceId,
            final CallMedia media,
            final DirectBuffer sdp,
            final int offset,
            final int length)
        {
            events.add("incoming " + callId + " " + fromUserId + "/" + fromDeviceId + " " + media + " " +
                sdp.getStringWithoutLengthUtf8(offset, length));
        }

        public void onCallRinging(final long callId, final int devices)
        {
            events.add("ringing " + callId + " " + devices);
        }

        public void onCallAnswer(final long callId, final DirectBuffer sdp, final int offset, final int length)
        {
            events.add("answer " + callId + " " + sdp.getStringWithoutLengthUtf8(offset, length));
        }

        public void onCallIceCandidate(
            final long callId, final int sequence, final DirectBuffer candidate, final int offset, final int length)
        {
            events.add("ice " + callId + " " + sequence + " " + candidate.getStringWithoutLengthUtf8(offset, length));
        }

        public void onCallHangup(final long callId, final CallEndReason reason)
        {
            events.add("hangup " + callId + " " + reason);
        }

        public void onMissedCall(final MissedCall call)
        {
            events.add("missed " + call);
        }

        public void onTurnCredentials(final long requestId, final TurnCredentials credentials)
        {
            events.add("turn " + requestId + " " + credentials);
        }
    };
    private final ServerMessageAdapter adapter = new ServerMessageAdapter(handler);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    @Test
    void shouldDispatchEveryCallFrame()
    {
        final CallIncomingEncoder incoming = new CallIncomingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(5)
            .timestampMs(1);
        incoming.from().userId(3).deviceId(2);
        incoming.media(CallMedia.VIDEO).putSdp(bytes("offer"), 0, 5);
        adapter.onFrame(buffer, 0, frame(incoming.encodedLength()));

        adapter.onFrame(buffer, 0, frame(new CallRingingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(5).devices((short)2).encodedLength()));
        adapter.onFrame(buffer, 0, frame(new CallAnswerEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(5).putSdp(bytes("answer"), 0, 6).encodedLength()));
        adapter.onFrame(buffer, 0, frame(new CallIceCandidateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(5).sequence(4).putCandidate(bytes("cand"), 0, 4).encodedLength()));
        adapter.onFrame(buffer, 0, frame(new CallHangupEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(5).reason(CallEndReason.ANSWERED_ELSEWHERE).encodedLength()));

        final MissedCallEncoder missed = new MissedCallEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(90)
            .timestampMs(2)
            .callId(6);
        missed.from().userId(3).deviceId(1);
        missed.media(CallMedia.AUDIO).reason(CallEndReason.TIMEOUT);
        adapter.onFrame(buffer, 0, frame(missed.encodedLength()));

        final byte[] uris = bytes("turn:a:3478 turns:b:5349");
        adapter.onFrame(buffer, 0, frame(new TurnCredentialsEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(8).ttlSeconds(60).username("100:3").password("cGFzcw==").putUris(uris, 0, uris.length)
            .encodedLength()));

        assertEquals(List.of(
            "incoming 5 3/2 VIDEO offer",
            "ringing 5 2",
            "answer 5 answer",
            "ice 5 4 cand",
            "hangup 5 ANSWERED_ELSEWHERE",
            "missed MissedCall[messageId=90, timestampMs=2, callId=6, fromUserId=3, fromDeviceId=1, media=AUDIO, " +
                "reason=TIMEOUT]",
            "turn 8 TurnCredentials[username=100:3, password=cGFzcw==, uris=[turn:a:3478, turns:b:5349], " +
                "ttlSeconds=60]"), events);
        assertEquals(0, adapter.rejectedFrames());
    }

    @Test
    void shouldRejectABlobPastTheFrameEndAndAnUnknownEnum()
    {
        final CallAnswerEncoder answer = new CallAnswerEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(5)
            .putSdp(new byte[100], 0, 100);
        adapter.onFrame(buffer, 0, frame(answer.encodedLength()) - 1);

        final CallHangupEncoder hangup = new CallHangupEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .callId(5);
        buffer.putByte(Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + 8, (byte)99);
        adapter.onFrame(buffer, 0, frame(hangup.encodedLength()));

        assertTrue(events.isEmpty(), events.toString());
        assertEquals(2, adapter.rejectedFrames());
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private int frame(final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
