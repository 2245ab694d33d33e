package dev.switchboard.ring;

/**
 * SENT acks held until the end of a batch, after the journal's group commit, so one tick never goes out for a
 * message the journal could still lose under the configured sync policy; an ack the edge could not take (its queue
 * full) stays here and is sent at the next flush. Primitive arrays, no allocation.
 */
final class PendingSentAcks
{
    private final int[] pollerIndexes;
    private final long[] connectionIds;
    private final long[] clientMsgIds;
    private final long[] messageIds;
    private final long[] timestampsMs;
    private int size;

    PendingSentAcks(final int capacity)
    {
        pollerIndexes = new int[capacity];
        connectionIds = new long[capacity];
        clientMsgIds = new long[capacity];
        messageIds = new long[capacity];
        timestampsMs = new long[capacity];
    }

    boolean isFull()
    {
        return size == pollerIndexes.length;
    }

    void add(
        final int pollerIndex,
        final long connectionId,
        final long clientMsgId,
        final long messageId,
        final long timestampMs)
    {
        pollerIndexes[size] = pollerIndex;
        connectionIds[size] = connectionId;
        clientMsgIds[size] = clientMsgId;
        messageIds[size] = messageId;
        timestampsMs[size] = timestampMs;
        size++;
    }

    int size()
    {
        return size;
    }

    int pollerIndex(final int i)
    {
        return pollerIndexes[i];
    }

    long connectionId(final int i)
    {
        return connectionIds[i];
    }

    long clientMsgId(final int i)
    {
        return clientMsgIds[i];
    }

    long messageId(final int i)
    {
        return messageIds[i];
    }

    long timestampMs(final int i)
    {
        return timestampsMs[i];
    }

    void clear()
    {
        size = 0;
    }

    /**
     * Keep entry {@code from} at position {@code to} (to <= from), for compacting the entries that could not be sent.
     */
    void move(final int from, final int to)
    {
        pollerIndexes[to] = pollerIndexes[from];
        connectionIds[to] = connectionIds[from];
        clientMsgIds[to] = clientMsgIds[from];
        messageIds[to] = messageIds[from];
        timestampsMs[to] = timestampsMs[from];
    }

    void truncate(final int newSize)
    {
        size = newSize;
    }
}
