package dev.switchboard.client;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.TypingState;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every callback for tests to assert on.
 */
final class RecordingListener implements ClientListener
{
    record Sent(long clientMsgId, long messageId)
    {
    }

    record Receipt(long originalMessageId, long fromUserId, int fromDeviceId, ReceiptType type, long timestampMs)
    {
    }

    record Error(ErrorCode code, long requestId, int templateId, String detail)
    {
    }

    record Presence(long userId, PresenceState state, long lastSeenMs)
    {
    }

    record Typing(long fromUserId, int fromDeviceId, TypingState state)
    {
    }

    record GroupTyping(long groupId, long fromUserId, int fromDeviceId, TypingState state)
    {
    }

    final BlockingQueue<GroupEvent> groupEvents = new LinkedBlockingQueue<>();
    final BlockingQueue<GroupTyping> groupTyping = new LinkedBlockingQueue<>();
    final BlockingQueue<Presence> presence = new LinkedBlockingQueue<>();
    final BlockingQueue<Typing> typing = new LinkedBlockingQueue<>();
    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Receipt> receipts = new LinkedBlockingQueue<>();
    final BlockingQueue<Error> errors = new LinkedBlockingQueue<>();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger disconnected = new AtomicInteger();
    final AtomicInteger loggedIn = new AtomicInteger();

    public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
    {
        sent.add(new Sent(clientMsgId, messageId));
    }

    public void onMessage(final IncomingMessage message)
    {
        messages.add(message);
    }

    public void onReceipt(
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType receiptType,
        final long timestampMs)
    {
        receipts.add(new Receipt(originalMessageId, fromUserId, fromDeviceId, receiptType, timestampMs));
    }

    public void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
        errors.add(new Error(code, requestId, templateId, detail));
    }

    public void onConnected()
    {
        connected.incrementAndGet();
    }

    public void onDisconnected()
    {
        disconnected.incrementAndGet();
    }

    public void onLoggedIn(final int pendingCount)
    {
        loggedIn.incrementAndGet();
    }

    public void onPresence(final long userId, final PresenceState state, final long lastSeenMs)
    {
        presence.add(new Presence(userId, state, lastSeenMs));
    }

    public void onTyping(final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        typing.add(new Typing(fromUserId, fromDeviceId, state));
    }

    public void onGroupEvent(final GroupEvent event)
    {
        groupEvents.add(event);
    }

    public void onGroupTyping(
        final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        groupTyping.add(new GroupTyping(groupId, fromUserId, fromDeviceId, state));
    }
}
