package dev.switchboard.client.cli;

import dev.switchboard.client.ClientListener;
import dev.switchboard.client.GroupEvent;
import dev.switchboard.client.GroupInfo;
import dev.switchboard.client.IncomingMessage;
import dev.switchboard.client.LinkRequest;
import dev.switchboard.client.MissedCall;
import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupDecoder;
import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallOfferDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SendGroupDecoder;
import dev.switchboard.codec.sbe.TypingState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Set<List<Long>> typingInGroups = new HashSet<>();
    private final Map<Long, String> groupNames = new ConcurrentHashMap<>();
    private volatile long selfUserId;
    private volatile int selfDeviceId;
    private volatile long currentPeer = -1;
    private volatile boolean leaving;
    private int logins;
    /** Linked devices and identity changes. */
    final LinkEvents links;

    private volatile CallConsole calls;

    ChatEvents(
        final ChatOutput output, final ContactBook contacts, final Conversations conversations, final Ticks ticks)
    {
        this.output = output;
        this.contacts = contacts;
        this.conversations = conversations;
        this.ticks = ticks;
        links = new LinkEvents(output, contacts);
    }

    public void onLinkRequest(final LinkRequest request)
    {
        links.onLinkRequest(request);
    }

    public void onLinkPending(final String fingerprint, final long waitSeconds)
    {
        links.onLinkPending(fingerprint, waitSeconds);
    }

    public void onIdentityChanged(final long userId, final int deviceId, final long timestampMs)
    {
        links.onIdentityChanged(userId, deviceId, timestampMs);
    }

    /**
     * Where call callbacks go.
     */
    void calls(final CallConsole calls)
    {
        this.calls = calls;
    }

    /**
     * The contact whose presence is shown; -1 for none.
     */
    void currentPeer(final long userId)
    {
        currentPeer = userId;
    }

    /**
     * This device, to show its user as "you" in group lines and to know its own changes.
     */
    void self(final long userId, final int deviceId)
    {
        selfUserId = userId;
        selfDeviceId = deviceId;
    }

    /**
     * Groups known from the store or a request's answer, so their messages show a name.
     */
    void knownGroups(final List<GroupInfo> groups)
    {
        for (final GroupInfo group : groups)
        {
            groupNames.put(group.groupId(), group.name());
        }
    }

    /**
     * The name shown for a group: its last known name, else {@code group:<id>}.
     */
    String groupLabel(final long groupId)
    {
        final String name = groupNames.get(groupId);
        return null != name ? name : "group:" + Long.toUnsignedString(groupId);
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
        final long groupId = message.groupId();
        final long atMs = 0 == message.timestampMs() ? System.currentTimeMillis() : message.timestampMs();
        synchronized (typingUsers)
        {
            // The message ends the typing it announced.
            typingUsers.remove(from);
            typingInGroups.remove(List.of(groupId, from));
        }
        final String text = label + ": " + payload.text();
        if (0 == groupId)
        {
            conversations.incoming(from, text, atMs, message.messageId(), message.fromDeviceId());
            output.stamped(atMs, text);
        }
        else
        {
            conversations.incomingGroup(groupId, from, text, atMs, message.messageId(), message.fromDeviceId());
            output.stamped(atMs, "[" + groupLabel(groupId) + "] " + text);
        }
    }

    public void onDecryptFailed(final IncomingMessage message, final String reason)
    {
        output.problem("a message from " + contacts.label(message.fromUserId()) + " could not be decrypted (" +
            reason + ")");
    }

    public void onIdentityKeyChanged(final long userId, final int deviceId)
    {
        final String label = contacts.label(userId);
        output.line("! the security code with " + label + " changed (device " + deviceId + "): /verify " + label);
    }

    public void onSentCopy(final long toUserId, final IncomingMessage message)
    {
        final long atMs = 0 == message.timestampMs() ? System.currentTimeMillis() : message.timestampMs();
        output.stamped(atMs, "you (device " + message.fromDeviceId() + ") -> " + contacts.label(toUserId) + ": " +
            ChatPayload.decode(message.payload()).text());
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
        if (ticks.isGroupMessage(originalMessageId))
        {
            final String summary = ticks.groupReceipt(originalMessageId, fromUserId, receiptType);
            final long clientMsgId = ticks.clientMsgId(originalMessageId);
            if (null != summary && clientMsgId >= 0)
            {
                output.tick(System.currentTimeMillis(), name(clientMsgId), summary);
            }
            return;
        }
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

    public void onGroupTyping(
        final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
    {
        final boolean changed;
        synchronized (typingUsers)
        {
            final List<Long> key = List.of(groupId, fromUserId);
            changed = TypingState.COMPOSING == state ? typingInGroups.add(key) : typingInGroups.remove(key);
        }
        if (changed)
        {
            final String label = contacts.label(fromUserId);
            output.line(TypingState.COMPOSING == state ?
                label + " is typing in " + groupLabel(groupId) + "..." :
                label + " stopped typing in " + groupLabel(groupId));
        }
    }

    public void onGroupEvent(final GroupEvent event)
    {
        if (event.actorUserId() == selfUserId && event.actorDeviceId() == selfDeviceId)
        {
            // This device's own change, already shown when the server answered it.
            groupNames.put(event.groupId(), event.name());
            return;
        }
        show(event);
    }

    /**
     * A change this device made and the server accepted: shown as the event other members get.
     */
    void ownChange(final GroupChange change, final GroupInfo group, final List<Long> named)
    {
        show(new GroupEvent(0, System.currentTimeMillis(), group.groupId(), group.version(), change, selfUserId,
            selfDeviceId, named, group.name()));
    }

    private void show(final GroupEvent event)
    {
        final String previousName = groupLabel(event.groupId());
        groupNames.put(event.groupId(), event.name());
        final String line = describe(event, previousName);
        final long atMs = 0 == event.timestampMs() ? System.currentTimeMillis() : event.timestampMs();
        conversations.groupEvent(event.groupId(), line, atMs);
        output.stamped(atMs, line);
    }

    /**
     * One line for a group change: {@code +15550001 added +15550002 to Family}.
     */
    String describe(final GroupEvent event, final String previousName)
    {
        final String actor = person(event.actorUserId());
        final String group = event.name();
        final List<Long> named = new ArrayList<>(event.memberUserIds());
        return switch (event.change())
        {
            case CREATE ->
            {
                named.remove(event.actorUserId());
                yield actor + " created " + group + (named.isEmpty() ? "" : " with " + people(named));
            }
            case ADD_MEMBERS -> actor + " added " + people(named) + " to " + group;
            case REMOVE_MEMBERS -> actor + " removed " + people(named) + " from " + group;
            case PROMOTE_ADMINS -> 0 == event.actorUserId() ?
                people(named) + " now admin of " + group :
                actor + " made " + people(named) + " admin of " + group;
            case DEMOTE_ADMINS -> actor + " made " + people(named) + " no longer admin of " + group;
            case RENAME -> actor + " renamed " + previousName + " to " + group;
            case LEAVE -> people(named) + " left " + group;
            default -> actor + " changed " + group;
        };
    }

    private String people(final List<Long> userIds)
    {
        final StringBuilder text = new StringBuilder();
        for (final long userId : userIds)
        {
            text.append(text.length() > 0 ? ", " : "").append(person(userId));
        }
        return text.toString();
    }

    private String person(final long userId)
    {
        if (0 == userId)
        {
            return "the server";
        }
        return userId == selfUserId ? "you" : contacts.label(userId);
    }

    public void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
        final String suffix = null == detail || detail.isEmpty() ? "" : " (" + detail + ")";
        if (SendDecoder.TEMPLATE_ID == templateId || SendGroupDecoder.TEMPLATE_ID == templateId)
        {
            output.problem(name(requestId) + " not sent: " + code + suffix);
        }
        else if (null != calls && isCallRequest(templateId))
        {
            calls.onRefused(requestId, code);
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

    public void onIncomingCall(
        final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] sdp)
    {
        if (null != calls)
        {
            calls.onIncomingCall(callId, fromUserId, media);
        }
    }

    public void onCallRinging(final long callId, final int devices)
    {
        if (null != calls)
        {
            calls.onCallRinging(callId, devices);
        }
    }

    public void onCallAnswered(final long callId, final byte[] sdp)
    {
        if (null != calls)
        {
            calls.onCallAnswered(callId);
        }
    }

    public void onCallEnded(final long callId, final CallEndReason reason)
    {
        if (null != calls)
        {
            calls.onCallEnded(callId, reason);
        }
    }

    public void onCallUnsealable(final long callId, final String reason)
    {
        // Not shown as signaling: a caller's failed answer also ends the call, which the call console prints.
        output.problem("a call's signaling could not be unsealed (" + reason + ")");
    }

    public void onMissedCall(final MissedCall call)
    {
        if (null != calls)
        {
            calls.onMissedCall(call);
        }
    }

    private static boolean isCallRequest(final int templateId)
    {
        return CallOfferDecoder.TEMPLATE_ID == templateId || CallAnswerDecoder.TEMPLATE_ID == templateId ||
            CallIceCandidateDecoder.TEMPLATE_ID == templateId || CallHangupDecoder.TEMPLATE_ID == templateId;
    }
}
