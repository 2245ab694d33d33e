package dev.switchboard.journal;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.util.ArrayList;

import static dev.switchboard.journal.RecordDescriptor.CORRELATION_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.CRC_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.DELETE_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.DELETE_MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.DELETE_RECIPIENT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.KIND_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.POSITION_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENTS_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENT_COUNT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.SENDER_DEVICE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SENDER_USER_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TIMESTAMP_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_DELETE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_MESSAGE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_PADDING;

/**
 * The segments in use, oldest first, and the tail records are written to.
 * <p>
 * Owner thread only. A write that fills the tail swaps to the segment the {@link SegmentAgent} made ready meanwhile
 * (asked for with the first write into the tail, so the agent has a whole segment's time); only when none is ready
 * is one created inline, and counted. Forcing happens in
 * {@link #force()} (the batch sync point) and, under {@link SyncPolicy#ALWAYS}, after each write; a roll forces
 * nothing. Reclaimed segments go to the agent, which unmaps and deletes them.
 */
final class SegmentLog
{
    private final File dataDir;
    private final int segmentLength;
    private final SyncPolicy syncPolicy;
    private final JournalCounters counters;
    private final SegmentAgent agent;

    private final ArrayList<Segment> segments = new ArrayList<>();
    private final Int2ObjectHashMap<Segment> segmentByIndex = new Int2ObjectHashMap<>();
    // segments rolled past since the last force, still holding unforced bytes
    private final ArrayList<Segment> rolledUnforced = new ArrayList<>();
    private Segment tail;
    private int tailOffset;
    private long maxMessageId;
    private boolean isNextRequested;
    private boolean isDirectoryUnforced;
    private boolean hasUnforcedCopies;
    private boolean isReclaimHeld;

    SegmentLog(
        final File dataDir,
        final int segmentLength,
        final SyncPolicy syncPolicy,
        final JournalCounters counters,
        final SegmentAgent agent)
    {
        this.dataDir = dataDir;
        this.segmentLength = segmentLength;
        this.syncPolicy = syncPolicy;
        this.counters = counters;
        this.agent = agent;
    }

    SyncPolicy syncPolicy()
    {
        return syncPolicy;
    }

    int segmentLength()
    {
        return segmentLength;
    }

    int segmentCount()
    {
        return segments.size();
    }

    Segment segmentAt(final int i)
    {
        return segments.get(i);
    }

    Segment tail()
    {
        return tail;
    }

    long maxMessageId()
    {
        return maxMessageId;
    }

    void noteMessageId(final long messageId)
    {
        if (messageId > maxMessageId)
        {
            maxMessageId = messageId;
            counters.maxMessageId.setRelease(messageId);
        }
    }

    Segment segmentOf(final int index)
    {
        // most entries point into the tail or the segment before it
        final Segment current = tail;
        return current.index == index ? current : segmentByIndex.get(index);
    }

    /** Recovery: adds a segment found on disk as the newest. */
    void addRecovered(final Segment segment)
    {
        addSegment(segment);
    }

    /** Recovery: where the next record goes in the newest segment, or a first segment when none was found. */
    void recoveredTail(final int offset)
    {
        if (null == tail)
        {
            addSegment(Segment.create(dataDir, 0, segmentLength, maxMessageId));
            tailOffset = SEGMENT_HEADER_LENGTH;
            if (SyncPolicy.NONE != syncPolicy)
            {
                tail.forceAll();
                SegmentAgent.syncDirectory(dataDir);
            }
        }
        else
        {
            tailOffset = offset;
        }
        agent.wrote(tail.index, tailOffset);
    }

    /** Writes a message record for the keys; returns its position. */
    long writeMessage(
        final long[] keys,
        final int keyCount,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final int recordLength = RecordDescriptor.messageLength(keyCount, payloadLength);
        final int offset = reserve(recordLength);
        final UnsafeBuffer buffer = tail.buffer;
        buffer.putInt(offset + TYPE_OFFSET, TYPE_MESSAGE);
        buffer.putInt(offset + RECIPIENT_COUNT_OFFSET, keyCount);
        buffer.putLong(offset + POSITION_OFFSET, RecordDescriptor.position(tail.index, offset));
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId);
        buffer.putLong(offset + SENDER_USER_ID_OFFSET, senderUserId);
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampMs);
        buffer.putInt(offset + SENDER_DEVICE_ID_OFFSET, senderDeviceId);
        buffer.putInt(offset + KIND_OFFSET, kind);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET + 4, 0);
        for (int i = 0; i < keyCount; i++)
        {
            buffer.putLong(offset + RECIPIENTS_OFFSET + (i * 8), keys[i]);
        }
        buffer.putBytes(offset + RecordDescriptor.payloadOffset(keyCount), payload, payloadOffset, payloadLength);
        commit(offset, recordLength, TYPE_MESSAGE);
        noteMessageId(messageId);
        return RecordDescriptor.position(tail.index, offset);
    }

    /** Writes a delete record for one recipient's copy of a message. */
    void writeDelete(final long key, final long messageId)
    {
        final int offset = reserve(DELETE_LENGTH);
        final UnsafeBuffer buffer = tail.buffer;
        buffer.putInt(offset + TYPE_OFFSET, TYPE_DELETE);
        buffer.putInt(offset + RECIPIENT_COUNT_OFFSET, 0);
        buffer.putLong(offset + POSITION_OFFSET, RecordDescriptor.position(tail.index, offset));
        buffer.putLong(offset + DELETE_RECIPIENT_OFFSET, key);
        buffer.putLong(offset + DELETE_MESSAGE_ID_OFFSET, messageId);
        commit(offset, DELETE_LENGTH, TYPE_DELETE);
    }

    /** The policy's per-write force: only {@link SyncPolicy#ALWAYS} forces before the write returns. */
    void afterWrite()
    {
        if (SyncPolicy.ALWAYS == syncPolicy)
        {
            forceAll();
        }
    }

    /** Forces everything written since the last force, unless the policy is {@link SyncPolicy#NONE}. */
    void force()
    {
        if (SyncPolicy.NONE != syncPolicy)
        {
            forceAll();
        }
    }

    /** Compaction wrote copies whose originals may go only once the copies are forced. */
    void markCopiesUnforced()
    {
        hasUnforcedCopies = SyncPolicy.NONE != syncPolicy;
    }

    /** Holds reclaim back while compaction reads the head. */
    void holdReclaim(final boolean isHeld)
    {
        isReclaimHeld = isHeld;
    }

    /**
     * Hands the oldest segments that no index entry points into to the agent, oldest first.
     *
     * @return the number handed over.
     */
    int reclaimHeads()
    {
        if (isReclaimHeld || hasUnforcedCopies)
        {
            return 0;
        }
        int reclaimed = 0;
        while (segments.size() > 1)
        {
            final Segment head = segments.get(0);
            if (0 != head.liveRefs || !agent.offerRelease(head))
            {
                break;
            }
            segments.remove(0);
            segmentByIndex.remove(head.index);
            // a segment nothing points into needs no force: its records are delivered, expired or moved on
            rolledUnforced.remove(head);
            reclaimed++;
        }
        if (reclaimed > 0)
        {
            counters.segmentsReclaimed.getAndAddRelease(reclaimed);
            counters.segments.setRelease(segments.size());
        }
        return reclaimed;
    }

    boolean handOver(final long userId, final int deviceId, final long position, final RecordHandler handler)
    {
        final Segment segment = segmentOf(RecordDescriptor.segmentIndex(position));
        final int offset = RecordDescriptor.offset(position);
        final UnsafeBuffer buffer = segment.buffer;
        final int recipientCount = buffer.getInt(offset + RECIPIENT_COUNT_OFFSET);
        return handler.onRecord(
            userId,
            deviceId,
            buffer.getLong(offset + MESSAGE_ID_OFFSET),
            buffer.getLong(offset + SENDER_USER_ID_OFFSET),
            buffer.getInt(offset + SENDER_DEVICE_ID_OFFSET),
            buffer.getLong(offset + CORRELATION_ID_OFFSET),
            buffer.getLong(offset + TIMESTAMP_OFFSET),
            buffer.getInt(offset + KIND_OFFSET),
            buffer,
            offset + RecordDescriptor.payloadOffset(recipientCount),
            buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET));
    }

    /** Sum of the entries accounted to segments. */
    long liveRefs()
    {
        long refs = 0;
        for (int i = 0, size = segments.size(); i < size; i++)
        {
            refs += segments.get(i).liveRefs;
        }
        return refs;
    }

    /** Forces what is pending under the policy and unmaps every segment in use. */
    void close()
    {
        try
        {
            if (null != tail)
            {
                force();
            }
        }
        finally
        {
            for (int i = 0, size = segments.size(); i < size; i++)
            {
                segments.get(i).close();
            }
            segments.clear();
            segmentByIndex.clear();
            rolledUnforced.clear();
        }
    }

    private void forceAll()
    {
        for (int i = 0, size = rolledUnforced.size(); i < size; i++)
        {
            rolledUnforced.get(i).force();
        }
        rolledUnforced.clear();
        tail.force();
        if (isDirectoryUnforced)
        {
            isDirectoryUnforced = false;
            SegmentAgent.syncDirectory(dataDir);
        }
        hasUnforcedCopies = false;
    }

    private void commit(final int offset, final int recordLength, final int type)
    {
        final UnsafeBuffer buffer = tail.buffer;
        buffer.putInt(offset + CRC_OFFSET, tail.computeCrc(offset, RecordDescriptor.crcLength(type, recordLength)));
        // the length goes last: a record is only there once its length is
        buffer.putIntRelease(offset + LENGTH_OFFSET, recordLength);
        final int end = offset + RecordDescriptor.aligned(recordLength);
        tail.markDirty(offset, end);
        tailOffset = end;
        agent.wrote(tail.index, end);
    }

    /** Offset in the tail with room for the record, swapping to the next segment when the tail is full. */
    private int reserve(final int recordLength)
    {
        final int alignedLength = RecordDescriptor.aligned(recordLength);
        if (tailOffset + alignedLength > tail.length)
        {
            roll();
        }
        else if (!isNextRequested)
        {
            isNextRequested = agent.requestNext(tail.index + 1);
        }
        return tailOffset;
    }

    private void roll()
    {
        final Segment old = tail;
        if (old.length - tailOffset >= HEADER_LENGTH)
        {
            final UnsafeBuffer buffer = old.buffer;
            buffer.putInt(tailOffset + TYPE_OFFSET, TYPE_PADDING);
            buffer.putInt(tailOffset + RECIPIENT_COUNT_OFFSET, 0);
            buffer.putLong(tailOffset + POSITION_OFFSET, RecordDescriptor.position(old.index, tailOffset));
            commit(tailOffset, old.length - tailOffset, TYPE_PADDING);
        }
        if (SyncPolicy.NONE != syncPolicy)
        {
            rolledUnforced.add(old);
        }

        int newIndex = old.index + 1;
        Segment next = isNextRequested ? agent.takePrepared() : null;
        if (null != next)
        {
            next.activate(maxMessageId);
        }
        else
        {
            if (isNextRequested && agent.isIndexInUse())
            {
                // the agent is creating that index right now and deletes it when done
                newIndex++;
            }
            next = Segment.create(dataDir, newIndex, segmentLength, maxMessageId);
            isDirectoryUnforced = true;
            counters.segmentsCreatedInline.incrementRelease();
        }
        isNextRequested = false;
        addSegment(next);
        tailOffset = SEGMENT_HEADER_LENGTH;
        reclaimHeads();
    }

    private void addSegment(final Segment segment)
    {
        segments.add(segment);
        segmentByIndex.put(segment.index, segment);
        tail = segment;
        agent.writingTo(segment);
        counters.segments.setRelease(segments.size());
    }
}
