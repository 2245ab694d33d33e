package dev.switchboard.client.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This run's conversations, one per peer user and one per group: the last line and the incoming messages not yet
 * marked read. Written by the input thread (sends, reads) and the client's I/O thread (deliveries, group events).
 */
final class Conversations
{
    /**
     * An incoming message to mark read later.
     */
    record Unread(long messageId, long fromUserId, int fromDeviceId)
    {
    }

    /**
     * A summary for {@code /chats}: a 1:1 chat has groupId 0, a group chat peerUserId 0.
     */
    record Summary(long peerUserId, long groupId, String lastLine, long lastAtMs, int unread)
    {
    }

    private record Key(long peerUserId, long groupId)
    {
    }

    private static final class Conversation
    {
        private final List<Unread> unread = new ArrayList<>();
        private String lastLine;
        private long lastAtMs;
        private long order;
    }

    private final Map<Key, Conversation> byKey = new LinkedHashMap<>();
    private long activity;

    synchronized void outgoing(final long peerUserId, final String line, final long atMs)
    {
        touch(new Key(peerUserId, 0), line, atMs);
    }

    synchronized void incoming(
        final long peerUserId, final String line, final long atMs, final long messageId, final int fromDeviceId)
    {
        touch(new Key(peerUserId, 0), line, atMs).unread.add(new Unread(messageId, peerUserId, fromDeviceId));
    }

    synchronized void outgoingGroup(final long groupId, final String line, final long atMs)
    {
        touch(new Key(0, groupId), line, atMs);
    }

    synchronized void incomingGroup(
        final long groupId,
        final long fromUserId,
        final String line,
        final long atMs,
        final long messageId,
        final int fromDeviceId)
    {
        touch(new Key(0, groupId), line, atMs).unread.add(new Unread(messageId, fromUserId, fromDeviceId));
    }

    /**
     * A change to the group, shown as its last line; nothing to mark read.
     */
    synchronized void groupEvent(final long groupId, final String line, final long atMs)
    {
        touch(new Key(0, groupId), line, atMs);
    }

    /**
     * Take the unread messages of a conversation: the caller marks them read.
     */
    synchronized List<Unread> takeUnread(final long peerUserId)
    {
        return take(new Key(peerUserId, 0));
    }

    /**
     * Take the unread messages of a group chat: the caller marks them read, each to its sender.
     */
    synchronized List<Unread> takeUnreadGroup(final long groupId)
    {
        return take(new Key(0, groupId));
    }

    /**
     * Most recently active first.
     */
    synchronized List<Summary> summaries()
    {
        final List<Map.Entry<Key, Conversation>> entries = new ArrayList<>(byKey.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<Key, Conversation> entry) -> entry.getValue().order)
            .reversed());
        final List<Summary> summaries = new ArrayList<>();
        for (final Map.Entry<Key, Conversation> entry : entries)
        {
            final Conversation conversation = entry.getValue();
            summaries.add(new Summary(
                entry.getKey().peerUserId(),
                entry.getKey().groupId(),
                conversation.lastLine,
                conversation.lastAtMs,
                conversation.unread.size()));
        }
        return summaries;
    }

    private List<Unread> take(final Key key)
    {
        final Conversation conversation = byKey.get(key);
        if (null == conversation)
        {
            return List.of();
        }
        final List<Unread> unread = new ArrayList<>(conversation.unread);
        conversation.unread.clear();
        return unread;
    }

    private Conversation touch(final Key key, final String line, final long atMs)
    {
        final Conversation conversation = byKey.computeIfAbsent(key, (ignore) -> new Conversation());
        conversation.lastLine = line;
        conversation.lastAtMs = atMs;
        conversation.order = ++activity;
        return conversation;
    }
}
