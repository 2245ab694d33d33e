package dev.switchboard.journal;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The per-recipient queues of undelivered records and the live data they account to each segment.
 * <p>
 * Owner thread only. Queues are pooled, so a recipient seen before costs no allocation.
 */
final class RecipientIndex
{
    private final SegmentLog log;
    private final int maxRecordsPerRecipient;
    private final long maxBytesPerRecipient;
    private final AtomicCounter liveEntries;
    private final AtomicCounter liveBytes;
    private final AtomicCounter recipients;
    private final AtomicCounter queueFull;
    private final Long2ObjectHashMap<RecipientQueue> queueByRecipient = new Long2ObjectHashMap<>();
    private final ArrayDeque<RecipientQueue> queuePool = new ArrayDeque<>();
    private boolean wasStopped;

    RecipientIndex(
        final SegmentLog log,
        final int maxRecordsPerRecipient,
        final long maxBytesPerRecipient,
        final JournalCounters counters)
    {
        this.log = log;
        this.maxRecordsPerRecipient = maxRecordsPerRecipient;
        this.maxBytesPerRecipient = maxBytesPerRecipient;
        this.liveEntries = counters.liveEntries;
        this.liveBytes = counters.liveBytes;
        this.recipients = counters.recipients;
        this.queueFull = counters.queueFull;
    }

    /** Record bytes of a message shared out between its recipients, rounded up. */
    static int chargeOf(final int recipientCount, final int payloadLength)
    {
        final int aligned = RecordDescriptor.aligned(RecordDescriptor.messageLength(recipientCount, payloadLength));
        return (aligned + recipientCount - 1) / recipientCount;
    }

    long liveEntries()
    {
        return liveEntries.getPlain();
    }

    long liveBytes()
    {
        return liveBytes.getPlain();
    }

    int recipientCount()
    {
        return queueByRecipient.size();
    }

    RecipientQueue queue(final long key)
    {
        return queueByRecipient.get(key);
    }

    RecipientQueue queueOf(final long userId, final int deviceId)
    {
        return RecordDescriptor.isValidRecipient(userId, deviceId) ?
            queueByRecipient.get(RecordDescriptor.recipientKey(userId, deviceId)) : null;
    }

    /** {@link Journal#OK}, {@link Journal#OUT_OF_ORDER} or {@link Journal#QUEUE_FULL} (counted) for a new record. */
    int check(final RecipientQueue queue, final long messageId, final int length)
    {
        if (null == queue)
        {
            return length > maxBytesPerRecipient ? countQueueFull() : Journal.OK;
        }
        if (messageId <= queue.lastMessageId())
        {
            return Journal.OUT_OF_ORDER;
        }
        if (queue.count() >= maxRecordsPerRecipient || queue.bytes() + length > maxBytesPerRecipient)
        {
            return countQueueFull();
        }
        return Journal.OK;
    }

    /**
     * Puts the keys of the recipients that may take a new record into keys, each checked once.
     *
     * @return how many were put, or 0 when allOrNothing and any was refused.
     */
    int accept(
        final long[] userIds,
        final int[] deviceIds,
        final int recipientCount,
        final long messageId,
        final int length,
        final boolean allOrNothing,
        final long[] keys)
    {
        int accepted = 0;
        for (int i = 0; i < recipientCount; i++)
        {
            final long userId = userIds[i];
            final int deviceId = deviceIds[i];
            if (RecordDescriptor.isValidRecipient(userId, deviceId))
            {
                final long key = RecordDescriptor.recipientKey(userId, deviceId);
                if (Journal.OK == check(queueByRecipient.get(key), messageId, length))
                {
                    keys[accepted++] = key;
                    continue;
                }
            }
            if (allOrNothing)
            {
                return 0;
            }
        }
        return accepted;
    }

    /**
     * Adds an entry for each key to the record they share at the position.
     *
     * @return how many were added: a recipient named twice is held once (the record still names it twice, which
     * recovery tolerates).
     */
    int addAll(
        final long[] keys,
        final int keyCount,
        final long messageId,
        final long position,
        final long timestampMs,
        final int payloadLength)
    {
        final int charge = chargeOf(keyCount, payloadLength);
        int added = 0;
        for (int i = 0; i < keyCount; i++)
        {
            final long key = keys[i];
            final RecipientQueue queue = queueByRecipient.get(key);
            if (null == queue || queue.lastMessageId() < messageId)
            {
                add(queue, key, messageId, position, timestampMs, payloadLength, charge);
                added++;
            }
        }
        return added;
    }

    /** Adds an entry above every id the recipient holds; queue is the recipient's, or null when it has none. */
    void add(
        final RecipientQueue queue,
        final long key,
        final long messageId,
        final long position,
        final long timestampMs,
        final int payloadLength,
        final int charge)
    {
        (null == queue ? newQueue(key) : queue).add(messageId, position, timestampMs, payloadLength, charge);
        account(position, charge);
    }

    /** Recovery: adds an entry at its place by id, or moves it to the newer copy a compaction left. */
    boolean recover(
        final long key,
        final long messageId,
        final long position,
        final long timestampMs,
        final int payloadLength,
        final int charge)
    {
        RecipientQueue queue = queueByRecipient.get(key);
        if (null == queue)
        {
            queue = newQueue(key);
        }
        final int index = queue.find(messageId);
        if (index < 0)
        {
            queue.insert(messageId, position, timestampMs, payloadLength, charge);
            account(position, charge);
            return false;
        }
        if (queue.position(index) == position)
        {
            return false;
        }
        move(queue, index, position, charge);
        return true;
    }

    /** Points an entry at a copy of its record; the charge is the copy's share. */
    void move(final RecipientQueue queue, final int index, final long position, final int charge)
    {
        unaccount(queue, index);
        queue.movePosition(index, position, charge);
        account(position, charge);
    }

    void remove(final RecipientQueue queue, final int index)
    {
        unaccount(queue, index);
        queue.remove(index);
        if (0 == queue.count())
        {
            queueByRecipient.remove(queue.recipientKey);
            release(queue);
        }
    }

    /**
     * Hands over a recipient's live records with ids above afterMessageId and not older than cutoffMs, oldest first.
     *
     * @return the number handed over, at most limit.
     */
    int read(
        final long userId,
        final int deviceId,
        final long afterMessageId,
        final int limit,
        final long cutoffMs,
        final RecordHandler handler)
    {
        final RecipientQueue queue = queueOf(userId, deviceId);
        if (null == queue || limit <= 0)
        {
            return 0;
        }
        return handOver(queue, queue.firstAfter(afterMessageId), limit, cutoffMs, handler);
    }

    /** Hands every live record not older than cutoffMs over, recipient by recipient; stops when told to. */
    void forEachRecord(final long cutoffMs, final RecordHandler handler)
    {
        for (final RecipientQueue queue : queueByRecipient.values())
        {
            handOver(queue, queue.head(), Integer.MAX_VALUE, cutoffMs, handler);
            if (wasStopped)
            {
                return;
            }
        }
    }

    private int handOver(
        final RecipientQueue queue, final int from, final int limit, final long cutoffMs, final RecordHandler handler)
    {
        final long userId = RecordDescriptor.userId(queue.recipientKey);
        final int deviceId = RecordDescriptor.deviceId(queue.recipientKey);
        wasStopped = false;
        int handed = 0;
        for (int i = from, end = queue.end(); i < end && handed < limit; i++)
        {
            if (queue.isLive(i) && queue.timestampMs(i) >= cutoffMs)
            {
                handed++;
                if (!log.handOver(userId, deviceId, queue.position(i), handler))
                {
                    wasStopped = true;
                    break;
                }
            }
        }
        return handed;
    }

    /** Hands every live entry's position not older than cutoffMs to the visitor. */
    void forEachPosition(final long cutoffMs, final PositionVisitor visitor)
    {
        for (final RecipientQueue queue : queueByRecipient.values())
        {
            for (int i = queue.head(), end = queue.end(); i < end; i++)
            {
                if (queue.isLive(i) && queue.timestampMs(i) >= cutoffMs)
                {
                    visitor.onPosition(queue.position(i));
                }
            }
        }
    }

    /** Drops every entry older than cutoffMs; returns how many. */
    int expire(final long cutoffMs)
    {
        int expired = 0;
        final Iterator<RecipientQueue> iterator = queueByRecipient.values().iterator();
        while (iterator.hasNext())
        {
            final RecipientQueue queue = iterator.next();
            for (int i = queue.head(); i < queue.end(); i++)
            {
                if (queue.isLive(i) && queue.timestampMs(i) < cutoffMs)
                {
                    unaccount(queue, i);
                    queue.remove(i);
                    expired++;
                }
            }
            if (0 == queue.count())
            {
                iterator.remove();
                release(queue);
            }
        }
        return expired;
    }

    /** Receives positions from {@link #forEachPosition}. */
    @FunctionalInterface
    interface PositionVisitor
    {
        void onPosition(long position);
    }

    private RecipientQueue newQueue(final long key)
    {
        RecipientQueue queue = queuePool.poll();
        if (null == queue)
        {
            queue = new RecipientQueue();
        }
        queue.reset(key);
        queueByRecipient.put(key, queue);
        recipients.setRelease(queueByRecipient.size());
        return queue;
    }

    private void release(final RecipientQueue queue)
    {
        queuePool.push(queue);
        recipients.setRelease(queueByRecipient.size());
    }

    private int countQueueFull()
    {
        queueFull.incrementRelease();
        return Journal.QUEUE_FULL;
    }

    private void account(final long position, final int charge)
    {
        final Segment segment = log.segmentOf(RecordDescriptor.segmentIndex(position));
        segment.liveRefs++;
        segment.liveBytes += charge;
        liveEntries.incrementRelease();
        liveBytes.getAndAddRelease(charge);
    }

    private void unaccount(final RecipientQueue queue, final int index)
    {
        final Segment segment = log.segmentOf(RecordDescriptor.segmentIndex(queue.position(index)));
        final int charge = queue.charge(index);
        segment.liveRefs--;
        segment.liveBytes -= charge;
        liveEntries.decrementRelease();
        liveBytes.getAndAddRelease(-charge);
    }
}
