package dev.switchboard.client.cli;

import dev.switchboard.client.ClientListener;
import dev.switchboard.client.IncomingMessage;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.TypingState;

import java.util.HashSet;
import java.util.Set;

/**
 * Turns the client's callbacks into chat lines and conversation state; runs on the client's I/O thread.
 */
final class ChatEvents implements ClientListener
{
    private final ChatOutput output;
    private final ContactBook contacts;
    private final Conversations conversations;
    private final Ticks ticks;
    private final Set<Long> typingUsers = new HashSet<>();
    private volatile long currentPeer = -1;
    private volatile boolean leaving;
    private int logins;

    ChatEvents(
        final ChatOutput output, final ContactBook contacts, final Conversations conversations, final Ticks ticks)
    {
        this.output = output;
        this.contacts = contacts;
        this.conversations = conversations;
        this.ticks = ticks;
    }

    /**
     * The contact whose presence is shown; -1 for none.
     */
    void currentPeer(final long userId)
    {
        currentPeer = userId;
    }

    /**
     * The session is logging out: the connection closing is expected, not news.
     */
    void leaving()
    {
        leaving = true;
    }

    public void onMessage(final IncomingMessage message)
    {
        final ChatPayload payload = ChatPayload.decode(message.payload());
        final long from = message.fromUserId();
        if (null != payload.senderPhone())
        {
            contacts.claimed(from, payload.senderPhone());
        }
        final String label = contacts.label(from);
        final String text = 0 == message.groupId() ?
            label + ": " + payload.text() :
            label + " in group " + Long.toUnsignedString(message.groupId()) + ": " + payload.text();
        final long atMs = 0 == message.timestampMs() ? System.currentTimeMillis() : message.timestampMs();
        synchronized (typingUsers)
        {
            // The message ends the typing it announced.
            typingUsers.remove(from);
        }
        conversations.incoming(from, text, atMs, message.messageId(), message.fromDeviceId());
        output.stamped(atMs, text);
    }

    public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
    {
        if (ticks.sent(clientMsgId, messageId))
        {
            output.tick(System.currentTimeMillis(), name(clientMsgId), ChatOutput.TICK_SENT);
        }
    }

    public void onReceipt(
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType receiptType,
        final long timestampMs)
    {
        final String tick = ReceiptType.READ == receiptType ? ChatOutput.TICK_READ : ChatOutput.TICK_DELIVERED;
        if (!ticks.knows(originalMessageId))
        {
            // Sent in an earlier run: no local name for it.
            output.tick(System.currentTimeMillis(), "message " + Long.toUnsignedString(originalMessageId), tick);
            return;
        }
        final long clientMsgId = ticks.receipt(originalMessageId, receiptType);
        if (clientMsgId >= 0)
        {
            output.tick(System.currentTimeMillis(), name(clientMsgId), tick);
        }
    }

    public void onPresence(final long userId, final PresenceState state, final long lastSeenMs)
    {
        if (userId != currentPeer)
        {
            return;
        }
        final String label = contacts.label(userId);
        switch (state)
        {
            case ONLINE -> output.line(label + " is online");
            case HIDDEN -> output.line(label + " last seen hidden");
            default -> output.line(0 == lastSeenMs ?
                label + " is offline" :
                label + " last seen " + output.lastSeen(lastSeenMs, System.currentTimeMillis()));
        }
    }

    public void onTyping(final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        if (!contacts.knows(fromUserId))
        {
            // A first message's typing notice outruns the message that tells us the sender's number.
            return;
        }
        final boolean changed;
        synchronized (typingUsers)
        {
            changed = TypingState.COMPOSING == state ? typingUsers.add(fromUserId) : typingUsers.remove(fromUserId);
        }
        if (changed)
        {
            final String label = contacts.label(fromUserId);
            output.line(TypingState.COMPOSING == state ? label + " is typing..." : label + " stopped typing");
        }
    }

    public void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
        final String suffix = null == detail || detail.isEmpty() ? "" : " (" + detail + ")";
        if (SendDecoder.TEMPLATE_ID == templateId)
        {
            output.problem(name(requestId) + " not sent: " + code + suffix);
        }
        else
        {
            output.problem("server refused a request: " + code + suffix);
        }
    }

    public void onDisconnected()
    {
        if (leaving)
        {
            return;
        }
        output.problem("disconnected from the server, reconnecting");
    }

    public void onLoggedIn(final int pendingCount)
    {
        if (++logins > 1)
        {
            output.line("reconnected");
        }
    }

    static String name(final long clientMsgId)
    {
        return "#" + Long.toUnsignedString(clientMsgId);
    }
}
