package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.TypingState;

/**
 * Callbacks from a {@link SwitchboardClient}, all on its I/O thread: do not block in them.
 */
public interface ClientListener
{
    /**
     * The server journal holds a send (one tick); its pending copy has been removed from the store.
     */
    default void onSent(final long clientMsgId, final long messageId, final long timestampMs)
    {
    }

    /**
     * A message for this device, handed once; it is acknowledged to the server when this returns, or throws. A group
     * message has {@link IncomingMessage#groupId()} set.
     */
    default void onMessage(final IncomingMessage message)
    {
    }

    /**
     * A delivered or read receipt for a message this device sent.
     */
    default void onReceipt(
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType receiptType,
        final long timestampMs)
    {
    }

    /**
     * The server refused something no future was waiting for, e.g. a send (requestId is then its clientMsgId).
     */
    default void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
    }

    default void onConnected()
    {
    }

    default void onDisconnected()
    {
    }

    /**
     * Logged in (again, after a reconnect); the server holds this many undelivered messages and receipts.
     */
    default void onLoggedIn(final int pendingCount)
    {
    }

    /**
     * A subscribed user's presence: once at subscribe, then on every change; lastSeenMs is 0 when hidden or unknown.
     */
    default void onPresence(final long userId, final PresenceState state, final long lastSeenMs)
    {
    }

    /**
     * A user's device started composing or paused; the server never stores these.
     */
    default void onTyping(final long fromUserId, final int fromDeviceId, final TypingState state)
    {
    }

    /**
     * A change to a group this user belongs to (or has just left or been removed from), handed once; the client's
     * stored copy of the group already reflects it. Acknowledged to the server when this returns, or throws.
     */
    default void onGroupEvent(final GroupEvent event)
    {
    }

    /**
     * A member's device started composing in a group, or paused; the server never stores these.
     */
    default void onGroupTyping(
        final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
    {
    }

    /**
     * The server holds fewer than its low-stock threshold of this device's one-time prekeys: upload more.
     */
    default void onPreKeyStock(final int preKeyCount)
    {
    }

    /**
     * On the primary: a new device offered this account's link code. Compare {@link LinkRequest#fingerprintText()}
     * with what the new device shows, then answer with {@link SwitchboardClient#approveLink(long, boolean)}.
     */
    default void onLinkRequest(final LinkRequest request)
    {
    }

    /**
     * With end-to-end encryption on: a delivery that did not decrypt (tampered, no session, not an envelope). It is
     * still acknowledged; later messages are unaffected.
     */
    default void onDecryptFailed(final IncomingMessage message, final String reason)
    {
    }

    /**
     * On a new device: its link code was accepted and the primary was asked; show the fingerprint, which the primary
     * shows too. The answer completes {@link SwitchboardClient#linkDevice(String)} within waitSeconds.
     */
    default void onLinkPending(final String fingerprint, final long waitSeconds)
    {
    }

    /**
     * With end-to-end encryption on: a contact device's identity key changed (its safety number with it).
     */
    default void onIdentityKeyChanged(final long userId, final int deviceId)
    {
    }

    /**
     * With end-to-end encryption on: another device of this user sent a message to {@code toUserId}; the message
     * holds the decrypted payload.
     */
    default void onSentCopy(final long toUserId, final IncomingMessage message)
    {
    }

    /**
     * A contact's device has a new identity key (a reinstall): its security code changed; verify it again.
     */
    default void onIdentityChanged(final long userId, final int deviceId, final long timestampMs)
    {
    }

    /**
     * A call rings this device: answer it with {@link SwitchboardClient#answer}, or {@link SwitchboardClient#decline}
     * it. {@code sdp} is the caller's offer: unsealed when end-to-end encryption is on, as sent when it is off.
     */
    default void onIncomingCall(
        final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] sdp)
    {
    }

    /**
     * A call this device placed rings on that many of the callee's devices.
     */
    default void onCallRinging(final long callId, final int devices)
    {
    }

    /**
     * A call this device placed was answered: connected. {@code sdp} is the callee's answer (unsealed when end-to-end
     * encryption is on).
     */
    default void onCallAnswered(final long callId, final byte[] sdp)
    {
    }

    /**
     * An ICE candidate from the other party, in the order it sent them.
     */
    default void onCallIceCandidate(final long callId, final int sequence, final byte[] candidate)
    {
    }

    /**
     * A call ended, with why: ENDED (hung up), DECLINED, BUSY, TIMEOUT (nobody answered), FAILED (a party lost its
     * connection, or this client was not logged in), ANSWERED_ELSEWHERE (another of this user's devices took it) or
     * UNAVAILABLE (no device of the callee online). Refusals of call requests come to {@link #onError} with the call
     * id as request id.
     */
    default void onCallEnded(final long callId, final CallEndReason reason)
    {
    }

    /**
     * A call this user missed, handed once; acknowledged to the server when this returns, or throws.
     */
    default void onMissedCall(final MissedCall call)
    {
    }

    /**
     * With end-to-end encryption on: a call's signaling did not unseal and was not shown. A tampered or foreign offer
     * or answer, or an incoming call whose key never came, ends the call FAILED (this device drops out); a tampered
     * ICE candidate is dropped and the call goes on.
     */
    default void onCallUnsealable(final long callId, final String reason)
    {
    }
}
