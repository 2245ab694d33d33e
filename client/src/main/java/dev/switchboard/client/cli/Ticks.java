package dev.switchboard.client.cli;

import dev.switchboard.codec.sbe.ReceiptType;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The tick state of messages sent in this run, so each message shows sent, delivered and read once each and in that
 * order however many devices answer. A group message counts members instead: delivered to how many of them, read by
 * how many, summarised as one line per change. Bounded: the oldest messages are forgotten first.
 */
final class Ticks
{
    static final int NONE = 0;
    static final int SENT = 1;
    static final int DELIVERED = 2;
    static final int READ = 3;

    private static final int CAPACITY = 10_000;

    private final Map<Long, Integer> stateByClientMsgId = bounded();
    private final Map<Long, Long> clientMsgIdByMessageId = bounded();
    private final Map<Long, GroupTicks> groupTicksByClientMsgId = bounded();

    /**
     * Which members of a group a message was sent to, and which of them have received and read it.
     */
    private static final class GroupTicks
    {
        private final Set<Long> recipients;
        private final Set<Long> delivered = new HashSet<>();
        private final Set<Long> read = new HashSet<>();

        private GroupTicks(final Set<Long> recipients)
        {
            this.recipients = recipients;
        }
    }

    synchronized void sending(final long clientMsgId)
    {
        stateByClientMsgId.put(clientMsgId, NONE);
    }

    /**
     * A group message going to these members (the group's members but the sender).
     */
    synchronized void sendingToGroup(final long clientMsgId, final Set<Long> recipientUserIds)
    {
        stateByClientMsgId.put(clientMsgId, NONE);
        groupTicksByClientMsgId.put(clientMsgId, new GroupTicks(new HashSet<>(recipientUserIds)));
    }

    /**
     * Whether a message id is one of this run's group messages.
     */
    synchronized boolean isGroupMessage(final long messageId)
    {
        final Long clientMsgId = clientMsgIdByMessageId.get(messageId);
        return null != clientMsgId && groupTicksByClientMsgId.containsKey(clientMsgId);
    }

    /**
     * A member's receipt for a group message: the new summary to show, or null when it changes nothing (another
     * device of a member already counted, the sender's own devices, someone no longer a recipient).
     */
    synchronized String groupReceipt(final long messageId, final long fromUserId, final ReceiptType type)
    {
        final Long clientMsgId = clientMsgIdByMessageId.get(messageId);
        final GroupTicks ticks = null == clientMsgId ? null : groupTicksByClientMsgId.get(clientMsgId);
        if (null == ticks || !ticks.recipients.contains(fromUserId))
        {
            return null;
        }
        // A read copy was delivered, whether or not its delivered receipt came first.
        boolean changed = ticks.delivered.add(fromUserId);
        if (ReceiptType.READ == type)
        {
            changed |= ticks.read.add(fromUserId);
        }
        return changed ? summary(ticks.delivered.size(), ticks.read.size(), ticks.recipients.size()) : null;
    }

    /**
     * {@code ✓ delivered 2/5}, {@code ✓✓ delivered to all 5/5, read 1/5}, {@code ✓✓ read by all 5/5}.
     */
    static String summary(final int delivered, final int read, final int recipients)
    {
        if (read == recipients)
        {
            return ChatOutput.TICK_READ + " by all " + read + "/" + recipients;
        }
        final String readPart = read > 0 ? ", read " + read + "/" + recipients : "";
        if (delivered == recipients)
        {
            return ChatOutput.TICK_DELIVERED + " to all " + delivered + "/" + recipients + readPart;
        }
        return ChatOutput.TICK_SENT.charAt(0) + " delivered " + delivered + "/" + recipients + readPart;
    }

    /**
     * The server holds the send; false if it was already reported.
     */
    synchronized boolean sent(final long clientMsgId, final long messageId)
    {
        clientMsgIdByMessageId.put(messageId, clientMsgId);
        return raise(clientMsgId, SENT);
    }

    /**
     * The clientMsgId the receipt raises to a new tick, or -1 when it adds nothing (a second device's receipt,
     * delivered after read) or names a message sent before this run.
     */
    synchronized long receipt(final long messageId, final ReceiptType type)
    {
        final Long clientMsgId = clientMsgIdByMessageId.get(messageId);
        if (null == clientMsgId)
        {
            return -1;
        }
        return raise(clientMsgId, ReceiptType.READ == type ? READ : DELIVERED) ? clientMsgId : -1;
    }

    /**
     * The clientMsgId of a message sent in this run, or -1.
     */
    synchronized long clientMsgId(final long messageId)
    {
        final Long clientMsgId = clientMsgIdByMessageId.get(messageId);
        return null == clientMsgId ? -1 : clientMsgId;
    }

    synchronized boolean knows(final long messageId)
    {
        return clientMsgIdByMessageId.containsKey(messageId);
    }

    synchronized int state(final long clientMsgId)
    {
        return stateByClientMsgId.getOrDefault(clientMsgId, NONE);
    }

    private boolean raise(final long clientMsgId, final int state)
    {
        final int current = stateByClientMsgId.getOrDefault(clientMsgId, NONE);
        if (state <= current)
        {
            return false;
        }
        stateByClientMsgId.put(clientMsgId, state);
        return true;
    }

    private static <K, V> Map<K, V> bounded()
    {
        return new LinkedHashMap<>()
        {
            protected boolean removeEldestEntry(final Map.Entry<K, V> eldest)
            {
                return size() > CAPACITY;
            }
        };
    }
}
