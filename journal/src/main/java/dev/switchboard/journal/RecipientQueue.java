package dev.switchboard.journal;

import java.util.Arrays;

/**
 * One recipient's undelivered records, ordered by message id, in parallel primitive arrays.
 * <p>
 * Entries live in [head, end); an acknowledged entry in the middle becomes a tombstone (position -1) so the ids
 * stay sorted for binary search; tombstones at either end are trimmed at once and the rest squeezed out when the
 * arrays fill. Pooled by the journal, so a steady recipient never allocates.
 */
final class RecipientQueue
{
    static final long TOMBSTONE = -1;
    private static final int INITIAL_CAPACITY = 16;

    long recipientKey;
    private int head;
    private int end;
    private int count;
    private long bytes;
    private long[] messageIds = new long[INITIAL_CAPACITY];
    private long[] positions = new long[INITIAL_CAPACITY];
    private long[] timestamps = new long[INITIAL_CAPACITY];
    private int[] payloadLengths = new int[INITIAL_CAPACITY];
    private int[] charges = new int[INITIAL_CAPACITY];

    void reset(final long recipientKey)
    {
        this.recipientKey = recipientKey;
        head = 0;
        end = 0;
        count = 0;
        bytes = 0;
    }

    int count()
    {
        return count;
    }

    long bytes()
    {
        return bytes;
    }

    /** Highest id held, or {@link Long#MIN_VALUE} when empty. */
    long lastMessageId()
    {
        return end > head ? messageIds[end - 1] : Long.MIN_VALUE;
    }

    int head()
    {
        return head;
    }

    int end()
    {
        return end;
    }

    long messageId(final int index)
    {
        return messageIds[index];
    }

    long position(final int index)
    {
        return positions[index];
    }

    long timestampMs(final int index)
    {
        return timestamps[index];
    }

    int charge(final int index)
    {
        return charges[index];
    }

    boolean isLive(final int index)
    {
        return TOMBSTONE != positions[index];
    }

    void movePosition(final int index, final long position, final int charge)
    {
        positions[index] = position;
        charges[index] = charge;
    }

    /** Appends an entry whose id is above every id held. */
    void add(final long messageId, final long position, final long timestampMs, final int payloadLength,
        final int charge)
    {
        if (end == messageIds.length)
        {
            makeRoom();
        }
        set(end++, messageId, position, timestampMs, payloadLength, charge);
        count++;
        bytes += payloadLength;
    }

    /** Inserts an entry at its place by id; recovery only, where moved copies arrive after newer records. */
    void insert(final long messageId, final long position, final long timestampMs, final int payloadLength,
        final int charge)
    {
        if (end == head || messageId > messageIds[end - 1])
        {
            add(messageId, position, timestampMs, payloadLength, charge);
            return;
        }
        if (end == messageIds.length)
        {
            makeRoom();
        }
        final int found = Arrays.binarySearch(messageIds, head, end, messageId);
        if (found >= 0)
        {
            // a tombstone with this id: bring it back in place
            set(found, messageId, position, timestampMs, payloadLength, charge);
            count++;
            bytes += payloadLength;
            return;
        }
        final int at = -(found + 1);
        final int tail = end - at;
        System.arraycopy(messageIds, at, messageIds, at + 1, tail);
        System.arraycopy(positions, at, positions, at + 1, tail);
        System.arraycopy(timestamps, at, timestamps, at + 1, tail);
        System.arraycopy(payloadLengths, at, payloadLengths, at + 1, tail);
        System.arraycopy(charges, at, charges, at + 1, tail);
        end++;
        set(at, messageId, position, timestampMs, payloadLength, charge);
        count++;
        bytes += payloadLength;
    }

    /** Index of the live entry for this id, or -1. */
    int find(final long messageId)
    {
        if (end == head || messageId > messageIds[end - 1] || messageId < messageIds[head])
        {
            return -1;
        }
        if (messageId == messageIds[head])
        {
            // acknowledgements mostly come oldest first
            return head;
        }
        final int index = Arrays.binarySearch(messageIds, head, end, messageId);
        return index >= 0 && TOMBSTONE != positions[index] ? index : -1;
    }

    /** Index of the first entry, live or not, whose id is above the given one. */
    int firstAfter(final long afterMessageId)
    {
        if (end == head || afterMessageId < messageIds[head])
        {
            return head;
        }
        final int index = Arrays.binarySearch(messageIds, head, end, afterMessageId);
        return index >= 0 ? index + 1 : -(index + 1);
    }

    /** Removes a live entry, trimming tombstones left at either end. */
    void remove(final int index)
    {
        positions[index] = TOMBSTONE;
        count--;
        bytes -= payloadLengths[index];
        while (head < end && TOMBSTONE == positions[head])
        {
            head++;
        }
        while (end > head && TOMBSTONE == positions[end - 1])
        {
            end--;
        }
        if (head == end)
        {
            head = 0;
            end = 0;
        }
    }

    private void set(final int index, final long messageId, final long position, final long timestampMs,
        final int payloadLength, final int charge)
    {
        messageIds[index] = messageId;
        positions[index] = position;
        timestamps[index] = timestampMs;
        payloadLengths[index] = payloadLength;
        charges[index] = charge;
    }

    private void makeRoom()
    {
        final int capacity = messageIds.length;
        if (capacity - count >= capacity / 4)
        {
            squeeze();
        }
        else
        {
            final int newCapacity = capacity * 2;
            messageIds = Arrays.copyOf(messageIds, newCapacity);
            positions = Arrays.copyOf(positions, newCapacity);
            timestamps = Arrays.copyOf(timestamps, newCapacity);
            payloadLengths = Arrays.copyOf(payloadLengths, newCapacity);
            charges = Arrays.copyOf(charges, newCapacity);
        }
    }

    private void squeeze()
    {
        int to = 0;
        for (int from = head; from < end; from++)
        {
            if (TOMBSTONE != positions[from])
            {
                if (to != from)
                {
                    set(to, messageIds[from], positions[from], timestamps[from], payloadLengths[from], charges[from]);
                }
                to++;
            }
        }
        head = 0;
        end = to;
    }
}
