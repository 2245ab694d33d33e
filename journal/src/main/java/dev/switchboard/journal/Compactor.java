package dev.switchboard.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import static dev.switchboard.journal.RecordDescriptor.HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENTS_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENT_COUNT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.TYPE_MESSAGE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_PADDING;

/**
 * Frees the oldest segments: reclaims those no entry points into and, when the head pins too much, copies its live
 * records to the tail a step at a time, so a few long-undelivered records never hold old segments.
 * <p>
 * Owner thread, at the batch sync point and on expiry, never inside an append. Segments go oldest first only, so a
 * delete record never outlives the message it deletes. The head is compacted when it is at most half live or the
 * journal as a whole is less than half live; its copies must be forced before it goes, so it is reclaimed at the next
 * sync point after its last copy.
 */
final class Compactor
{
    private final SegmentLog log;
    private final RecipientIndex index;
    private final int stepLength;
    private final AtomicCounter recordsCompacted;
    private final RecordHandler copier = this::onCopy;
    private long[] movedKeys = new long[64];
    private int copyKeyCount;
    private long copiedPosition;
    private Segment compacting;
    private int compactOffset;

    Compactor(final SegmentLog log, final RecipientIndex index, final int stepLength, final JournalCounters counters)
    {
        this.log = log;
        this.index = index;
        this.stepLength = stepLength;
        this.recordsCompacted = counters.recordsCompacted;
    }

    /**
     * Reclaims what it can, then copies up to a step of the head's live records forward.
     *
     * @return the number of segments reclaimed and records copied.
     */
    int doWork()
    {
        int workCount = log.reclaimHeads();
        if (log.segmentCount() > 2 && shouldCompact(log.segmentAt(0)))
        {
            log.holdReclaim(true);
            try
            {
                workCount += compactStep(log.segmentAt(0));
            }
            finally
            {
                log.holdReclaim(false);
            }
        }
        return workCount;
    }

    private boolean shouldCompact(final Segment head)
    {
        // with only head and tail, the head's last records are usually acknowledged before the next roll
        final long usable = (long)(log.segmentCount() - 1) * log.segmentLength();
        return head.liveRefs > 0 && (head.liveBytes * 2 <= head.length || index.liveBytes() * 2 < usable);
    }

    /** Copies live records of the segment from where the last step stopped, about stepLength bytes of them. */
    private int compactStep(final Segment segment)
    {
        if (segment != compacting)
        {
            compacting = segment;
            compactOffset = SEGMENT_HEADER_LENGTH;
        }
        int copied = 0;
        int copiedBytes = 0;
        int offset = compactOffset;
        while (offset + HEADER_LENGTH <= segment.length && segment.liveRefs > 0 && copiedBytes < stepLength)
        {
            // the index only points at checked records, so the walk needs their shape, not their checksum
            final int length = RecordScanner.plausibleRecordLength(segment, offset);
            if (0 == length)
            {
                offset += RecordDescriptor.ALIGNMENT;
                continue;
            }
            final int type = segment.buffer.getInt(offset + TYPE_OFFSET);
            if (TYPE_PADDING == type)
            {
                break;
            }
            if (TYPE_MESSAGE == type && moveLiveRecipients(segment, offset))
            {
                copied++;
                copiedBytes += length;
            }
            offset += RecordDescriptor.aligned(length);
        }
        compactOffset = offset;
        if (copied > 0)
        {
            log.markCopiesUnforced();
            recordsCompacted.getAndAddRelease(copied);
        }
        return copied;
    }

    /** Writes the record handed over again at the tail, for the live recipients found. */
    private boolean onCopy(
        final long recipientUserId,
        final int recipientDeviceId,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        copiedPosition = log.writeMessage(
            movedKeys, copyKeyCount, messageId, senderUserId, senderDeviceId, correlationId, timestampMs, kind,
            buffer, offset, length);
        return true;
    }

    private boolean moveLiveRecipients(final Segment segment, final int offset)
    {
        final UnsafeBuffer buffer = segment.buffer;
        final long position = RecordDescriptor.position(segment.index, offset);
        final long messageId = buffer.getLong(offset + MESSAGE_ID_OFFSET);
        final int recipientCount = buffer.getInt(offset + RECIPIENT_COUNT_OFFSET);
        if (movedKeys.length < recipientCount)
        {
            movedKeys = new long[recipientCount];
        }

        int live = 0;
        for (int i = 0; i < recipientCount; i++)
        {
            final long key = buffer.getLong(offset + RECIPIENTS_OFFSET + (i * 8));
            final RecipientQueue queue = index.queue(key);
            if (null != queue)
            {
                final int at = queue.find(messageId);
                if (at >= 0 && queue.position(at) == position)
                {
                    movedKeys[live++] = key;
                }
            }
        }
        if (0 == live)
        {
            return false;
        }

        copyKeyCount = live;
        log.handOver(0, 0, position, copier);
        final long newPosition = copiedPosition;
        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET);
        final int charge = RecipientIndex.chargeOf(live, payloadLength);
        for (int i = 0; i < live; i++)
        {
            final RecipientQueue queue = index.queue(movedKeys[i]);
            index.move(queue, queue.find(messageId), newPosition, charge);
        }
        return true;
    }
}
