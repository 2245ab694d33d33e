package dev.switchboard.journal;

import org.agrona.BitUtil;

/**
 * Byte layout of segment files and the records in them.
 * <p>
 * A segment starts with a header, then records, each aligned to 8 bytes:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Record Length (unaligned, bytes)              |
 *  +---------------------------------------------------------------+
 *  |           CRC32C of bytes [8, crc end) of the record          |
 *  +---------------------------------------------------------------+
 *  |                          Record Type                          |
 *  +---------------------------------------------------------------+
 *  |                 Recipient Count (message) or 0                |
 *  +---------------------------------------------------------------+
 *  |          Position: segment index (high) | offset (low)        |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                              Body                            ...
 * </pre>
 * The position is part of the checksummed bytes, so a record copied elsewhere (inside a payload, say) never
 * passes as a record when recovery resynchronises after corruption. The length is written last, with release
 * semantics, so a record whose length is zero was never finished.
 * <p>
 * Message body: messageId, senderUserId, correlationId, timestampMs (longs), senderDeviceId, kind,
 * payloadLength (ints), 4 bytes pad, recipientCount packed recipient keys (longs), the payload.
 * Delete body: recipient key, messageId. Padding fills the rest of a segment; only its header is checksummed.
 */
final class RecordDescriptor
{
    static final int ALIGNMENT = 8;

    static final long SEGMENT_MAGIC = 0x4C4E524A42535753L; // "SWSBJRNL" little-endian
    static final int SEGMENT_VERSION = 1;
    static final int SEGMENT_MAGIC_OFFSET = 0;
    static final int SEGMENT_VERSION_OFFSET = 8;
    static final int SEGMENT_LENGTH_OFFSET = 12;
    static final int SEGMENT_INDEX_OFFSET = 16;
    static final int SEGMENT_MAX_MESSAGE_ID_OFFSET = 24;
    static final int SEGMENT_HEADER_LENGTH = 64;

    static final int TYPE_MESSAGE = 1;
    static final int TYPE_DELETE = 2;
    static final int TYPE_PADDING = 3;

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int TYPE_OFFSET = 8;
    static final int RECIPIENT_COUNT_OFFSET = 12;
    static final int POSITION_OFFSET = 16;
    static final int HEADER_LENGTH = 24;

    static final int MESSAGE_ID_OFFSET = HEADER_LENGTH;
    static final int SENDER_USER_ID_OFFSET = MESSAGE_ID_OFFSET + 8;
    static final int CORRELATION_ID_OFFSET = SENDER_USER_ID_OFFSET + 8;
    static final int TIMESTAMP_OFFSET = CORRELATION_ID_OFFSET + 8;
    static final int SENDER_DEVICE_ID_OFFSET = TIMESTAMP_OFFSET + 8;
    static final int KIND_OFFSET = SENDER_DEVICE_ID_OFFSET + 4;
    static final int PAYLOAD_LENGTH_OFFSET = KIND_OFFSET + 4;
    static final int RECIPIENTS_OFFSET = PAYLOAD_LENGTH_OFFSET + 8;

    static final int DELETE_RECIPIENT_OFFSET = HEADER_LENGTH;
    static final int DELETE_MESSAGE_ID_OFFSET = DELETE_RECIPIENT_OFFSET + 8;
    static final int DELETE_LENGTH = DELETE_MESSAGE_ID_OFFSET + 8;

    static final int MAX_DEVICE_ID = 15;
    static final long MAX_USER_ID = (1L << 59) - 1;

    private RecordDescriptor()
    {
    }

    static int messageLength(final int recipientCount, final int payloadLength)
    {
        return RECIPIENTS_OFFSET + (recipientCount * 8) + payloadLength;
    }

    static int payloadOffset(final int recipientCount)
    {
        return RECIPIENTS_OFFSET + (recipientCount * 8);
    }

    static int aligned(final int length)
    {
        return BitUtil.align(length, ALIGNMENT);
    }

    static int minSegmentLength(final int maxPayloadLength)
    {
        // room for the header, one single-recipient message of the largest payload and a trailing padding record
        return SEGMENT_HEADER_LENGTH + aligned(messageLength(1, maxPayloadLength)) + HEADER_LENGTH;
    }

    static long position(final int segmentIndex, final int offset)
    {
        return ((long)segmentIndex << 32) | (offset & 0xFFFF_FFFFL);
    }

    static int segmentIndex(final long position)
    {
        return (int)(position >>> 32);
    }

    static int offset(final long position)
    {
        return (int)position;
    }

    static boolean isValidRecipient(final long userId, final int deviceId)
    {
        return userId >= 0 && userId <= MAX_USER_ID && deviceId >= 0 && deviceId <= MAX_DEVICE_ID;
    }

    static long recipientKey(final long userId, final int deviceId)
    {
        return (userId << 4) | deviceId;
    }

    static long userId(final long recipientKey)
    {
        return recipientKey >>> 4;
    }

    static int deviceId(final long recipientKey)
    {
        return (int)(recipientKey & MAX_DEVICE_ID);
    }

    static int crcLength(final int type, final int length)
    {
        return TYPE_PADDING == type ? HEADER_LENGTH : length;
    }
}
