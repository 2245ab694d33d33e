package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupDecoder;
import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.CallIncomingDecoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallRingingDecoder;
import dev.switchboard.codec.sbe.MissedCallDecoder;
import dev.switchboard.codec.sbe.TurnCredentialsDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes the server's call frames for a {@link ServerMessageAdapter}, checking every length against the frame's end
 * and every enum, and hands them to the {@link ServerMessageHandler}.
 */
final class CallMessageAdapter
{
    private static final CallMedia[] MEDIA = CallMedia.values();
    private static final CallEndReason[] REASONS = CallEndReason.values();

    private final ServerMessageHandler handler;
    private final CallIncomingDecoder incoming = new CallIncomingDecoder();
    private final CallRingingDecoder ringing = new CallRingingDecoder();
    private final CallAnswerDecoder answer = new CallAnswerDecoder();
    private final CallIceCandidateDecoder ice = new CallIceCandidateDecoder();
    private final CallHangupDecoder hangup = new CallHangupDecoder();
    private final MissedCallDecoder missedCall = new MissedCallDecoder();
    private final TurnCredentialsDecoder turnCredentials = new TurnCredentialsDecoder();

    CallMessageAdapter(final ServerMessageHandler handler)
    {
        this.handler = handler;
    }

    static boolean isCallTemplate(final int templateId)
    {
        switch (templateId)
        {
            case CallIncomingDecoder.TEMPLATE_ID:
            case CallRingingDecoder.TEMPLATE_ID:
            case CallAnswerDecoder.TEMPLATE_ID:
            case CallIceCandidateDecoder.TEMPLATE_ID:
            case CallHangupDecoder.TEMPLATE_ID:
            case MissedCallDecoder.TEMPLATE_ID:
            case TurnCredentialsDecoder.TEMPLATE_ID:
                return true;
            default:
                return false;
        }
    }

    /**
     * @return false when the frame is malformed.
     */
    boolean dispatch(
        final int templateId,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version,
        final int end)
    {
        switch (templateId)
        {
            case CallIncomingDecoder.TEMPLATE_ID:
            {
                if (blockLength < CallIncomingDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                incoming.wrap(buffer, offset, blockLength, version);
                final CallMedia media = media(incoming.mediaRaw());
                final int length = varLength(buffer, incoming.limit(), end);
                if (length < 0 || null == media)
                {
                    return false;
                }
                handler.onCallIncoming(incoming.callId(), incoming.timestampMs(), incoming.from().userId(),
                    incoming.from().deviceId(), media, buffer, incoming.limit() + 2, length);
                return true;
            }
            case CallRingingDecoder.TEMPLATE_ID:
                if (blockLength < CallRingingDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                ringing.wrap(buffer, offset, blockLength, version);
                handler.onCallRinging(ringing.callId(), ringing.devices());
                return true;
            case CallAnswerDecoder.TEMPLATE_ID:
            {
                if (blockLength < CallAnswerDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                answer.wrap(buffer, offset, blockLength, version);
                final int length = varLength(buffer, answer.limit(), end);
                if (length < 0)
                {
                    return false;
                }
                handler.onCallAnswer(answer.callId(), buffer, answer.limit() + 2, length);
                return true;
            }
            case CallIceCandidateDecoder.TEMPLATE_ID:
            {
                if (blockLength < CallIceCandidateDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                ice.wrap(buffer, offset, blockLength, version);
                final int length = varLength(buffer, ice.limit(), end);
                if (length < 0)
                {
                    return false;
                }
                handler.onCallIceCandidate(ice.callId(), (int)ice.sequence(), buffer, ice.limit() + 2, length);
                return true;
            }
            case CallHangupDecoder.TEMPLATE_ID:
            {
                if (blockLength < CallHangupDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                hangup.wrap(buffer, offset, blockLength, version);
                final CallEndReason reason = reason(hangup.reasonRaw());
                if (null == reason)
                {
                    return false;
                }
                handler.onCallHangup(hangup.callId(), reason);
                return true;
            }
            case MissedCallDecoder.TEMPLATE_ID:
            {
                if (blockLength < MissedCallDecoder.BLOCK_LENGTH)
                {
                    return false;
                }
                missedCall.wrap(buffer, offset, blockLength, version);
                final CallMedia media = media(missedCall.mediaRaw());
                final CallEndReason reason = reason(missedCall.reasonRaw());
                if (null == media || null == reason)
                {
                    return false;
                }
                handler.onMissedCall(new MissedCall(missedCall.messageId(), missedCall.timestampMs(),
                    missedCall.callId(), missedCall.from().userId(), missedCall.from().deviceId(), media, reason));
                return true;
            }
            case TurnCredentialsDecoder.TEMPLATE_ID:
                return onTurnCredentials(buffer, offset, blockLength, version, end);
            default:
                return true;
        }
    }

    private boolean onTurnCredentials(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < TurnCredentialsDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        turnCredentials.wrap(buffer, offset, blockLength, version);
        final long requestId = turnCredentials.requestId();
        final int ttlSeconds = (int)turnCredentials.ttlSeconds();
        int at = turnCredentials.limit();
        if (at + 1 > end || at + 1 + (buffer.getByte(at) & 0xFF) > end)
        {
            return false;
        }
        final String username = turnCredentials.username();
        at = turnCredentials.limit();
        if (at + 1 > end || at + 1 + (buffer.getByte(at) & 0xFF) > end)
        {
            return false;
        }
        final String password = turnCredentials.password();
        final int urisLength = varLength(buffer, turnCredentials.limit(), end);
        if (urisLength < 0)
        {
            return false;
        }
        final byte[] uris = new byte[urisLength];
        turnCredentials.getUris(uris, 0, urisLength);
        final String joined = new String(uris, StandardCharsets.UTF_8).trim();
        final List<String> list = joined.isEmpty() ? List.of() : Arrays.asList(joined.split(" "));
        handler.onTurnCredentials(requestId, new TurnCredentials(username, password, List.copyOf(list), ttlSeconds));
        return true;
    }

    /**
     * @return the media of a raw value, or null for one this client does not know (the generated getter throws).
     */
    private static CallMedia media(final short raw)
    {
        for (final CallMedia media : MEDIA)
        {
            if (CallMedia.NULL_VAL != media && media.value() == raw)
            {
                return media;
            }
        }
        return null;
    }

    private static CallEndReason reason(final short raw)
    {
        for (final CallEndReason reason : REASONS)
        {
            if (CallEndReason.NULL_VAL != reason && reason.value() == raw)
            {
                return reason;
            }
        }
        return null;
    }

    /**
     * @return the length of the uint16-prefixed var data at {@code at}, or -1 when it runs past the frame's end.
     */
    private static int varLength(final DirectBuffer buffer, final int at, final int end)
    {
        if (at + 2 > end)
        {
            return -1;
        }
        final int length = buffer.getShort(at, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return at + 2 + length > end ? -1 : length;
    }
}
