package dev.switchboard.edge;

/**
 * Connections waiting on one kind of deadline, in deadline order. Every deadline of a queue is the time it was set
 * plus one fixed duration, and a poller's clock only moves forward, so appending keeps the order: adding, removing and
 * finding what expired are O(1), and a cycle looks only at the head, never at every connection.
 */
final class DeadlineQueue
{
    /** A connection's place in at most one queue at a time; allocated once per connection and kind, then reused. */
    static final class Entry
    {
        final Connection connection;
        DeadlineQueue queue;
        Entry previous;
        Entry next;
        long deadlineNs;

        Entry(final Connection connection)
        {
            this.connection = connection;
        }

        boolean isQueued()
        {
            return null != queue;
        }
    }

    private final long durationNs;
    private Entry head;
    private Entry tail;
    private int size;

    DeadlineQueue(final long durationNs)
    {
        this.durationNs = durationNs;
    }

    long durationNs()
    {
        return durationNs;
    }

    /**
     * Set the entry's deadline to {@code nowNs} plus this queue's duration, moving it from whichever queue held it.
     */
    void schedule(final Entry entry, final long nowNs)
    {
        if (null != entry.queue)
        {
            entry.queue.remove(entry);
        }
        entry.deadlineNs = nowNs + durationNs;
        entry.queue = this;
        entry.previous = tail;
        entry.next = null;
        if (null == tail)
        {
            head = entry;
        }
        else
        {
            tail.next = entry;
        }
        tail = entry;
        size++;
    }

    /**
     * Take the entry out of this queue; nothing happens if it is in none.
     */
    void remove(final Entry entry)
    {
        if (this != entry.queue)
        {
            return;
        }
        final Entry previous = entry.previous;
        final Entry next = entry.next;
        if (null == previous)
        {
            head = next;
        }
        else
        {
            previous.next = next;
        }
        if (null == next)
        {
            tail = previous;
        }
        else
        {
            next.previous = previous;
        }
        entry.queue = null;
        entry.previous = null;
        entry.next = null;
        size--;
    }

    /**
     * Remove and return the first entry whose deadline has passed, or null when none has.
     */
    Entry pollExpired(final long nowNs)
    {
        final Entry first = head;
        if (null == first || nowNs - first.deadlineNs < 0)
        {
            return null;
        }
        remove(first);

        return first;
    }

    /** The head's deadline if earlier than {@code deadlineNs} (compared as times relative to {@code nowNs}). */
    long earliest(final long deadlineNs, final long nowNs)
    {
        final Entry first = head;

        return null != first && first.deadlineNs - nowNs < deadlineNs - nowNs ? first.deadlineNs : deadlineNs;
    }

    int size()
    {
        return size;
    }
}
