package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

import static dev.switchboard.journal.RecordDescriptor.CRC_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.DELETE_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.POSITION_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENTS_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENT_COUNT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_DELETE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_MESSAGE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_PADDING;

/**
 * Checks that the bytes at an offset of a segment are a whole, uncorrupted record written at that very place.
 */
final class RecordScanner
{
    private RecordScanner()
    {
    }

    /** Length of the valid record at the offset, or 0 if there is none. */
    static int validRecordLength(final Segment segment, final int offset)
    {
        final int length = plausibleRecordLength(segment, offset);
        if (0 == length)
        {
            return 0;
        }
        final int type = segment.buffer.getInt(offset + TYPE_OFFSET);
        final int crc = segment.computeCrc(offset, RecordDescriptor.crcLength(type, length));
        return crc == segment.buffer.getInt(offset + CRC_OFFSET) ? length : 0;
    }

    /** Length of the record at the offset if its shape and position check out, without its checksum; else 0. */
    static int plausibleRecordLength(final Segment segment, final int offset)
    {
        final UnsafeBuffer buffer = segment.buffer;
        final int capacity = segment.length;
        if (offset + HEADER_LENGTH > capacity)
        {
            return 0;
        }
        final int length = buffer.getIntVolatile(offset + LENGTH_OFFSET);
        if (length < HEADER_LENGTH || length > capacity - offset)
        {
            return 0;
        }
        final int type = buffer.getInt(offset + TYPE_OFFSET);
        if (!hasValidShape(buffer, offset, length, type, capacity))
        {
            return 0;
        }
        return buffer.getLong(offset + POSITION_OFFSET) == RecordDescriptor.position(segment.index, offset) ?
            length : 0;
    }

    private static boolean hasValidShape(
        final UnsafeBuffer buffer, final int offset, final int length, final int type, final int capacity)
    {
        switch (type)
        {
            case TYPE_MESSAGE:
            {
                if (length < RECIPIENTS_OFFSET)
                {
                    return false;
                }
                final int recipientCount = buffer.getInt(offset + RECIPIENT_COUNT_OFFSET);
                final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET);
                return recipientCount > 0 && recipientCount <= (length - RECIPIENTS_OFFSET) / 8 &&
                    payloadLength >= 0 && RecordDescriptor.messageLength(recipientCount, payloadLength) == length;
            }
            case TYPE_DELETE:
                return DELETE_LENGTH == length;
            case TYPE_PADDING:
                return offset + length == capacity;
            default:
                return false;
        }
    }

    /** End of the last non-zero 8-byte word in [from, to), or from when all are zero. */
    static int lastNonZeroEnd(final Segment segment, final int from, final int to)
    {
        final UnsafeBuffer buffer = segment.buffer;
        int end = from;
        for (int i = from; i + 8 <= to; i += 8)
        {
            if (0 != buffer.getLong(i))
            {
                end = i + 8;
            }
        }
        return end;
    }
}
