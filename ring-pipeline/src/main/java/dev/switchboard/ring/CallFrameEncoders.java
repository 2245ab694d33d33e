package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupEncoder;
import dev.switchboard.codec.sbe.CallIncomingEncoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallRingingEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.MissedCallEncoder;
import dev.switchboard.codec.sbe.TurnCredentialsEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the call frames the server writes itself, {@link Sofh} header included, at offset 0 of a caller's buffer.
 * (CallAnswer and CallIceCandidate are relayed as the sender framed them.)
 */
final class CallFrameEncoders
{
    private static final int BODY_OFFSET = Sofh.HEADER_LENGTH;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CallIncomingEncoder incoming = new CallIncomingEncoder();
    private final CallRingingEncoder ringing = new CallRingingEncoder();
    private final CallHangupEncoder hangup = new CallHangupEncoder();
    private final MissedCallEncoder missedCall = new MissedCallEncoder();
    private final TurnCredentialsEncoder turnCredentials = new TurnCredentialsEncoder();

    int callIncoming(
        final MutableDirectBuffer buffer,
        final long callId,
        final long timestampMs,
        final long fromUserId,
        final int fromDeviceId,
        final CallMedia media,
        final DirectBuffer sdp,
        final int sdpOffset,
        final int sdpLength)
    {
        incoming.wrapAndApplyHeader(buffer, BODY_OFFSET, header).callId(callId).timestampMs(timestampMs);
        incoming.from().userId(fromUserId).deviceId(fromDeviceId);
        incoming.media(media).putSdp(sdp, sdpOffset, sdpLength);
        return frame(buffer, incoming.encodedLength());
    }

    int callRinging(final MutableDirectBuffer buffer, final long callId, final int devices)
    {
        ringing.wrapAndApplyHeader(buffer, BODY_OFFSET, header).callId(callId).devices((short)devices);
        return frame(buffer, ringing.encodedLength());
    }

    int callHangup(final MutableDirectBuffer buffer, final long callId, final CallEndReason reason)
    {
        hangup.wrapAndApplyHeader(buffer, BODY_OFFSET, header).callId(callId).reason(reason);
        return frame(buffer, hangup.encodedLength());
    }

    int missedCall(
        final MutableDirectBuffer buffer,
        final long messageId,
        final long timestampMs,
        final long callId,
        final long fromUserId,
        final int fromDeviceId,
        final CallMedia media,
        final CallEndReason reason)
    {
        missedCall.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .messageId(messageId)
            .timestampMs(timestampMs)
            .callId(callId);
        missedCall.from().userId(fromUserId).deviceId(fromDeviceId);
        missedCall.media(media).reason(reason);
        return frame(buffer, missedCall.encodedLength());
    }

    int turnCredentials(
        final MutableDirectBuffer buffer,
        final long requestId,
        final int ttlSeconds,
        final byte[] username,
        final int usernameLength,
        final byte[] password,
        final int passwordLength,
        final byte[] uris)
    {
        turnCredentials.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .ttlSeconds(ttlSeconds)
            .putUsername(username, 0, usernameLength)
            .putPassword(password, 0, passwordLength)
            .putUris(uris, 0, uris.length);
        return frame(buffer, turnCredentials.encodedLength());
    }

    private static int frame(final MutableDirectBuffer buffer, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
