package dev.switchboard.client.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This run's conversations, one per peer user: the last message and the incoming messages not yet marked read.
 * Written by the input thread (sends, reads) and the client's I/O thread (deliveries).
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
     * A summary for {@code /chats}.
     */
    record Summary(long peerUserId, String lastLine, long lastAtMs, int unread)
    {
    }

    private static final class Conversation
    {
        private final List<Unread> unread = new ArrayList<>();
        private String lastLine;
        private long lastAtMs;
        private long order;
    }

    private final Map<Long, Conversation> byPeer = new LinkedHashMap<>();
    private long activity;

    synchronized void outgoing(final long peerUserId, final String line, final long atMs)
    {
        touch(peerUserId, line, atMs);
    }

    synchronized void incoming(
        final long peerUserId, final String line, final long atMs, final long messageId, final int fromDeviceId)
    {
        touch(peerUserId, line, atMs).unread.add(new Unread(messageId, peerUserId, fromDeviceId));
    }

    /**
     * Take the unread messages of a conversation: the caller marks them read.
     */
    synchronized List<Unread> takeUnread(final long peerUserId)
    {
        final Conversation conversation = byPeer.get(peerUserId);
        if (null == conversation)
        {
            return List.of();
        }
        final List<Unread> unread = new ArrayList<>(conversation.unread);
        conversation.unread.clear();
        return unread;
    }

    /**
     * Most recently active first.
     */
    synchronized List<Summary> summaries()
    {
        final List<Map.Entry<Long, Conversation>> entries = new ArrayList<>(byPeer.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<Long, Conversation> entry) -> entry.getValue().order)
            .reversed());
        final List<Summary> summaries = new ArrayList<>();
        for (final Map.Entry<Long, Conversation> entry : entries)
        {
            final Conversation conversation = entry.getValue();
            summaries.add(new Summary(
                entry.getKey(), conversation.lastLine, conversation.lastAtMs, conversation.unread.size()));
        }
        return summaries;
    }

    private Conversation touch(final long peerUserId, final String line, final long atMs)
    {
        final Conversation conversation = byPeer.computeIfAbsent(peerUserId, (ignore) -> new Conversation());
        conversation.lastLine = line;
        conversation.lastAtMs = atMs;
        conversation.order = ++activity;
        return conversation;
    }
}
