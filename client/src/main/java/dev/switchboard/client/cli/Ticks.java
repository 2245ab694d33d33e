package dev.switchboard.client.cli;

import dev.switchboard.codec.sbe.ReceiptType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tick state of messages sent in this run, so each message shows sent, delivered and read once each and in that
 * order however many devices answer. Bounded: the oldest messages are forgotten first.
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

    synchronized void sending(final long clientMsgId)
    {
        stateByClientMsgId.put(clientMsgId, NONE);
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
