package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.TypingState;

/**
 * A {@link ClientListener} that passes every callback on to another: the base of the SDK's listeners that stand
 * between the connection and the application (media references taken out, end-to-end decryption), which override
 * only what they change. A callback added to {@link ClientListener} is added here, so no such listener can leave it
 * to the interface's empty default and lose it without a trace ({@code ListenerForwardingTest} checks).
 */
abstract class ForwardingClientListener implements ClientListener
{
    /** Where every callback not overridden goes. */
    protected final ClientListener delegate;

    ForwardingClientListener(final ClientListener delegate)
    {
        this.delegate = delegate;
    }

    public void onMessage(final IncomingMessage message)
    {
        delegate.onMessage(message);
    }

    public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
    {
        delegate.onSent(clientMsgId, messageId, timestampMs);
    }

    public void onReceipt(
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType type,
        final long timestampMs)
    {
        delegate.onReceipt(originalMessageId, fromUserId, fromDeviceId, type, timestampMs);
    }

    public void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
        delegate.onError(code, requestId, templateId, detail);
    }

    public void onConnected()
    {
        delegate.onConnected();
    }

    public void onDisconnected()
    {
        delegate.onDisconnected();
    }

    public void onLoggedIn(final int pendingCount)
    {
        delegate.onLoggedIn(pendingCount);
    }

    public void onPresence(final long userId, final PresenceState state, final long lastSeenMs)
    {
        delegate.onPresence(userId, state, lastSeenMs);
    }

    public void onTyping(final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        delegate.onTyping(fromUserId, fromDeviceId, state);
    }

    public void onGroupEvent(final GroupEvent event)
    {
        delegate.onGroupEvent(event);
    }

    public void onGroupTyping(
        final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        delegate.onGroupTyping(groupId, fromUserId, fromDeviceId, state);
    }

    public void onPreKeyStock(final int preKeyCount)
    {
        delegate.onPreKeyStock(preKeyCount);
    }

    public void onLinkRequest(final LinkRequest request)
    {
        delegate.onLinkRequest(request);
    }

    public void onDecryptFailed(final IncomingMessage message, final String reason)
    {
        delegate.onDecryptFailed(message, reason);
    }

    public void onLinkPending(final String fingerprint, final long waitSeconds)
    {
        delegate.onLinkPending(fingerprint, waitSeconds);
    }

    public void onIdentityKeyChanged(final long userId, final int deviceId)
    {
        delegate.onIdentityKeyChanged(userId, deviceId);
    }

    public void onSentCopy(final long toUserId, final IncomingMessage message)
    {
        delegate.onSentCopy(toUserId, message);
    }

    public void onIdentityChanged(final long userId, final int deviceId, final long timestampMs)
    {
        delegate.onIdentityChanged(userId, deviceId, timestampMs);
    }

    public void onIncomingCall(
        final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] sdp)
    {
        delegate.onIncomingCall(callId, fromUserId, fromDeviceId, media, sdp);
    }

    public void onCallRinging(final long callId, final int devices)
    {
        delegate.onCallRinging(callId, devices);
    }

    public void onCallAnswered(final long callId, final byte[] sdp)
    {
        delegate.onCallAnswered(callId, sdp);
    }

    public void onCallIceCandidate(final long callId, final int sequence, final byte[] candidate)
    {
        delegate.onCallIceCandidate(callId, sequence, candidate);
    }

    public void onCallEnded(final long callId, final CallEndReason reason)
    {
        delegate.onCallEnded(callId, reason);
    }

    public void onMissedCall(final MissedCall call)
    {
        delegate.onMissedCall(call);
    }

    public void onCallUnsealable(final long callId, final String reason)
    {
        delegate.onCallUnsealable(callId, reason);
    }
}
