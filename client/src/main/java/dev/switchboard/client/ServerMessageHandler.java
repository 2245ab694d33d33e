package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.TypingState;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * Receives validated server frames from a {@link ServerMessageAdapter}; buffers are valid only during the call.
 */
public interface ServerMessageHandler
{
    default void onRegisterAck(final long requestId, final long codeTtlSeconds)
    {
    }

    default void onVerifyAck(final long requestId, final long userId, final int deviceId)
    {
    }

    default void onLoginChallenge(final long requestId, final DirectBuffer nonce, final int offset, final int length)
    {
    }

    default void onLoginAck(
        final long requestId, final long userId, final int deviceId, final long serverTimeMs, final long pendingCount)
    {
    }

    default void onSentAck(final long clientMsgId, final long messageId, final long timestampMs)
    {
    }

    default void onDeliver(
        final long messageId,
        final long timestampMs,
        final long fromUserId,
        final int fromDeviceId,
        final long groupId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
    }

    default void onReceipt(
        final long messageId,
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType receiptType,
        final long timestampMs)
    {
    }

    default void onPing(final long timestampNs)
    {
    }

    default void onPong(final long timestampNs)
    {
    }

    default void onRequestAck(final long requestId, final int templateId)
    {
    }

    /**
     * The server is shutting down and closes the connection: reconnect no sooner than the hint.
     */
    default void onGoodbye(final long retryAfterMs)
    {
    }

    /**
     * An Error frame; an unknown code arrives as {@link ErrorCode#NULL_VAL}.
     */
    default void onError(final long requestId, final int templateId, final ErrorCode code, final String detail)
    {
    }

    /**
     * A user's presence: the answer to a subscribe, then each change; lastSeenMs is 0 when hidden or unknown.
     */
    default void onPresenceUpdate(final long userId, final PresenceState state, final long lastSeenMs)
    {
    }

    /**
     * A user's device is composing or has paused.
     */
    default void onTypingUpdate(final long fromUserId, final int fromDeviceId, final TypingState state)
    {
    }

    /**
     * The registered numbers of a ContactLookup, in the server's order; the arrays are the handler's to keep.
     */
    default void onContactLookupResult(final long requestId, final long[] userIds, final String[] phones)
    {
    }

    /**
     * A group's state: the answer to a create, update or info request.
     */
    default void onGroupInfo(final long requestId, final GroupInfo group)
    {
    }

    /**
     * A change to a group this user belongs to; acknowledge it with DeliverAck as a delivery.
     */
    default void onGroupEvent(final GroupEvent event)
    {
    }

    /**
     * A member's device is composing in a group, or has paused.
     */
    default void onGroupTypingUpdate(
        final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
    {
    }

    /**
     * An upload ticket for the media service, the answer to a MediaTicketRequest; the ticket array is the handler's.
     */
    default void onMediaTicket(
        final long requestId, final long maxBytes, final long expiresAtMs, final int mediaPort, final byte[] ticket)
    {
    }

    /**
     * LinkCode: the one-time link code a LinkStart asked for.
     */
    default void onLinkCode(final long requestId, final long codeTtlSeconds, final String code)
    {
    }

    /**
     * One device's keys answering a KeyBundleFetch; a fetch for every device gets several, back to back.
     */
    default void onKeyBundle(final long requestId, final KeyBundle bundle)
    {
    }

    /**
     * LinkPending: the code a LinkDevice offered is good; the primary was asked and answers within waitSeconds.
     */
    default void onLinkPending(final long requestId, final long waitSeconds, final byte[] fingerprint)
    {
    }

    /**
     * This device's one-time prekeys on the server run low.
     */
    default void onPreKeyStock(final long preKeyCount)
    {
    }

    /**
     * LinkRequest, on the primary: a new device offered this account's code.
     */
    default void onLinkRequest(final LinkRequest request)
    {
    }

    /**
     * DeviceList: the devices of this account.
     */
    default void onDeviceList(final long requestId, final List<LinkedDevice> devices)
    {
    }

    /**
     * IdentityChanged: a contact's device has a new identity key; journaled, to be acknowledged.
     */
    default void onIdentityChanged(final long messageId, final long timestampMs, final long userId, final int deviceId)
    {
    }

    /**
     * A call rings this device; the sealed session description is in the buffer.
     */
    default void onCallIncoming(
        final long callId,
        final long timestampMs,
        final long fromUserId,
        final int fromDeviceId,
        final CallMedia media,
        final DirectBuffer sdp,
        final int offset,
        final int length)
    {
    }

    /**
     * This device's offer rings that many devices of the callee.
     */
    default void onCallRinging(final long callId, final int devices)
    {
    }

    /**
     * The callee answered this device's call.
     */
    default void onCallAnswer(final long callId, final DirectBuffer sdp, final int offset, final int length)
    {
    }

    /**
     * An ICE candidate from the other party of a call.
     */
    default void onCallIceCandidate(
        final long callId, final int sequence, final DirectBuffer candidate, final int offset, final int length)
    {
    }

    /**
     * A call ended: hung up, declined, busy, timed out, failed, answered elsewhere or unavailable.
     */
    default void onCallHangup(final long callId, final CallEndReason reason)
    {
    }

    /**
     * A missed-call record; acknowledge it with DeliverAck as a delivery.
     */
    default void onMissedCall(final MissedCall call)
    {
    }

    /**
     * The answer to a TurnCredentialsRequest.
     */
    default void onTurnCredentials(final long requestId, final TurnCredentials credentials)
    {
    }
}
