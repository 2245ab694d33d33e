package dev.switchboard.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.util.Arrays;

import static dev.switchboard.journal.RecordDescriptor.DELETE_MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.DELETE_RECIPIENT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENTS_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENT_COUNT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.TIMESTAMP_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_MESSAGE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_PADDING;

/**
 * The start-up scan: rebuilds the index from the segment files, oldest first, and says what it found in a
 * {@link RecoveryReport}.
 * <p>
 * Every record is checked (shape, position, CRC32C); a bad one loses only itself. A torn record at the end of the
 * newest segment in use is zeroed. A segment made ready ahead of need and never written is removed.
 */
final class JournalRecovery
{
    private final File dataDir;
    private final SegmentLog log;
    private final RecipientIndex index;
    private final RecoveryReport report;

    JournalRecovery(final File dataDir, final SegmentLog log, final RecipientIndex index, final RecoveryReport report)
    {
        this.dataDir = dataDir;
        this.log = log;
        this.index = index;
        this.report = report;
    }

    void recover(final long cutoffMs)
    {
        final long startNs = System.nanoTime();
        final int[] indices = listSegmentIndices();
        final int last = lastUsedSegment(indices);
        int tailOffset = SEGMENT_HEADER_LENGTH;
        for (int i = 0; i <= last; i++)
        {
            final File file = new File(dataDir, Segment.fileName(indices[i]));
            if (file.length() < SEGMENT_HEADER_LENGTH + HEADER_LENGTH)
            {
                // a segment whose creation was cut short holds nothing
                IoUtil.deleteIfExists(file);
                report.invalidSegments++;
                continue;
            }
            final Segment segment = Segment.open(file, indices[i]);
            log.addRecovered(segment);
            report.segments++;
            if (segment.hasValidHeader())
            {
                log.noteMessageId(segment.headerMaxMessageId());
            }
            else if (i == last)
            {
                segment.writeHeader(log.maxMessageId());
            }
            tailOffset = scanSegment(segment, cutoffMs, i == last);
        }
        log.recoveredTail(tailOffset);
        report.liveEntries = index.liveEntries();
        report.maxMessageId = log.maxMessageId();
        report.durationNs = System.nanoTime() - startNs;
    }

    /** Removes trailing segments prepared ahead of need and never written; returns the newest one left. */
    private int lastUsedSegment(final int[] indices)
    {
        int last = indices.length - 1;
        while (last > 0)
        {
            final File file = new File(dataDir, Segment.fileName(indices[last]));
            if (file.length() < SEGMENT_HEADER_LENGTH + HEADER_LENGTH)
            {
                // a segment whose creation was cut short holds nothing
                report.invalidSegments++;
            }
            else
            {
                final Segment segment = Segment.open(file, indices[last]);
                final boolean isUnused = segment.isUnusedPrepared();
                segment.close();
                if (!isUnused)
                {
                    break;
                }
                report.unusedSegments++;
            }
            IoUtil.deleteIfExists(file);
            last--;
        }
        return last;
    }

    private int[] listSegmentIndices()
    {
        final String[] names = dataDir.list();
        if (null == names)
        {
            throw new IllegalStateException("cannot list journal folder " + dataDir);
        }
        int count = 0;
        final int[] indices = new int[names.length];
        for (final String name : names)
        {
            if (Segment.isSpareName(name) || Segment.isTemporaryName(name))
            {
                // a retired segment kept for reuse, or one being prepared, when the process stopped: never read
                IoUtil.deleteIfExists(new File(dataDir, name));
                continue;
            }
            final int segmentIndex = Segment.parseIndex(name);
            if (segmentIndex >= 0)
            {
                indices[count++] = segmentIndex;
            }
        }
        final int[] found = Arrays.copyOf(indices, count);
        Arrays.sort(found);
        return found;
    }

    /** Applies every good record of a segment to the index; returns the end of the last good record. */
    private int scanSegment(final Segment segment, final long cutoffMs, final boolean isTail)
    {
        int offset = SEGMENT_HEADER_LENGTH;
        int goodEnd = offset;
        while (offset + HEADER_LENGTH <= segment.length)
        {
            final int length = RecordScanner.validRecordLength(segment, offset);
            if (0 == length)
            {
                // not a record here: step on and look for the next good one, so one bad record loses only itself
                offset += RecordDescriptor.ALIGNMENT;
                continue;
            }
            noteSkipped(segment, goodEnd, offset);
            final int type = segment.buffer.getInt(offset + TYPE_OFFSET);
            if (TYPE_PADDING == type)
            {
                goodEnd = segment.length;
                break;
            }
            if (TYPE_MESSAGE == type)
            {
                recoverMessage(segment, offset, cutoffMs);
            }
            else
            {
                recoverDelete(segment, offset);
            }
            offset += RecordDescriptor.aligned(length);
            goodEnd = offset;
        }

        final int dirtyEnd = RecordScanner.lastNonZeroEnd(segment, goodEnd, segment.length);
        if (dirtyEnd > goodEnd)
        {
            if (isTail)
            {
                report.tornTailBytes += dirtyEnd - goodEnd;
                segment.buffer.setMemory(goodEnd, dirtyEnd - goodEnd, (byte)0);
                segment.markDirty(goodEnd, dirtyEnd);
            }
            else
            {
                report.corruptRegions++;
                report.corruptBytes += dirtyEnd - goodEnd;
            }
        }
        return goodEnd;
    }

    private void noteSkipped(final Segment segment, final int from, final int to)
    {
        if (to > from && RecordScanner.lastNonZeroEnd(segment, from, to) > from)
        {
            report.corruptRegions++;
            report.corruptBytes += to - from;
        }
    }

    private void recoverMessage(final Segment segment, final int offset, final long cutoffMs)
    {
        final UnsafeBuffer buffer = segment.buffer;
        report.messageRecords++;
        final long messageId = buffer.getLong(offset + MESSAGE_ID_OFFSET);
        log.noteMessageId(messageId);
        final long timestampMs = buffer.getLong(offset + TIMESTAMP_OFFSET);
        if (timestampMs < cutoffMs)
        {
            report.expiredRecords++;
            return;
        }

        final long position = RecordDescriptor.position(segment.index, offset);
        final int recipientCount = buffer.getInt(offset + RECIPIENT_COUNT_OFFSET);
        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET);
        final int charge = RecipientIndex.chargeOf(recipientCount, payloadLength);
        for (int i = 0; i < recipientCount; i++)
        {
            final long key = buffer.getLong(offset + RECIPIENTS_OFFSET + (i * 8));
            // a copy moved forward by compaction before the original's segment was reclaimed replaces the original
            if (key >= 0 && index.recover(key, messageId, position, timestampMs, payloadLength, charge))
            {
                report.supersededCopies++;
            }
        }
    }

    private void recoverDelete(final Segment segment, final int offset)
    {
        final UnsafeBuffer buffer = segment.buffer;
        report.deleteRecords++;
        final RecipientQueue queue = index.queue(buffer.getLong(offset + DELETE_RECIPIENT_OFFSET));
        final int at = null == queue ? -1 : queue.find(buffer.getLong(offset + DELETE_MESSAGE_ID_OFFSET));
        if (at < 0)
        {
            report.orphanDeletes++;
            return;
        }
        index.remove(queue, at);
    }
}
