package dev.switchboard.journal;

import org.agrona.DirectBuffer;

import static dev.switchboard.journal.RecordDescriptor.SEGMENT_HEADER_LENGTH;

/**
 * The journal's append path: checks a message against the payload cap and each recipient's queue, writes one record
 * for the recipients accepted, indexes it for each of them and counts it. Answers in the {@link Journal} result codes.
 * <p>
 * Owner thread only. The accepted keys go into one scratch array, grown to the largest fan-out seen and then reused.
 */
final class JournalAppender
{
    private final int maxPayloadLength;
    private final SegmentLog log;
    private final RecipientIndex index;
    private final JournalCounters counters;
    private long[] acceptedKeys = new long[64];

    JournalAppender(
        final int maxPayloadLength, final SegmentLog log, final RecipientIndex index, final JournalCounters counters)
    {
        this.maxPayloadLength = maxPayloadLength;
        this.log = log;
        this.index = index;
        this.counters = counters;
    }

    /** See {@link Journal#append}. */
    int append(
        final long recipientUserId,
        final int recipientDeviceId,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (length < 0 || length > maxPayloadLength || offset < 0)
        {
            return Journal.PAYLOAD_TOO_LARGE;
        }
        if (!RecordDescriptor.isValidRecipient(recipientUserId, recipientDeviceId))
        {
            return Journal.INVALID_RECIPIENT;
        }
        final long key = RecordDescriptor.recipientKey(recipientUserId, recipientDeviceId);
        final RecipientQueue queue = index.queue(key);
        final int check = index.check(queue, messageId, length);
        if (Journal.OK != check)
        {
            return check;
        }

        acceptedKeys[0] = key;
        final long position = log.writeMessage(
            acceptedKeys, 1, messageId, senderUserId, senderDeviceId, correlationId, timestampMs, kind,
            payload, offset, length);
        // writes move no queue in or out of the index, so the one looked up above still holds
        index.add(queue, key, messageId, position, timestampMs, length, RecipientIndex.chargeOf(1, length));
        afterAppend(1, length);
        return Journal.OK;
    }

    /** See {@link Journal#appendToAll}. */
    int appendToAll(
        final long[] recipientUserIds,
        final int[] recipientDeviceIds,
        final int recipientCount,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        final int refused = appendShared(
            recipientUserIds, recipientDeviceIds, recipientCount, messageId, senderUserId, senderDeviceId,
            correlationId, timestampMs, kind, payload, offset, length, true);
        return refused > 0 ? Journal.QUEUE_FULL : refused;
    }

    /** See {@link Journal#appendToMany}. */
    int appendToMany(
        final long[] recipientUserIds,
        final int[] recipientDeviceIds,
        final int recipientCount,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        return appendShared(
            recipientUserIds, recipientDeviceIds, recipientCount, messageId, senderUserId, senderDeviceId,
            correlationId, timestampMs, kind, payload, offset, length, false);
    }

    /**
     * One record shared by the recipients accepted; with allOrNothing, any refusal leaves nothing written and counts
     * the whole call as refused.
     */
    private int appendShared(
        final long[] recipientUserIds,
        final int[] recipientDeviceIds,
        final int recipientCount,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int offset,
        final int length,
        final boolean allOrNothing)
    {
        if (length < 0 || length > maxPayloadLength || offset < 0)
        {
            return Journal.PAYLOAD_TOO_LARGE;
        }
        if (recipientCount <= 0)
        {
            return 0;
        }
        if (RecordDescriptor.aligned(RecordDescriptor.messageLength(recipientCount, length)) >
            log.segmentLength() - SEGMENT_HEADER_LENGTH)
        {
            return Journal.RECORD_TOO_LARGE;
        }
        if (acceptedKeys.length < recipientCount)
        {
            acceptedKeys = new long[Math.max(recipientCount, acceptedKeys.length * 2)];
        }

        final int accepted = index.accept(
            recipientUserIds, recipientDeviceIds, recipientCount, messageId, length, allOrNothing, acceptedKeys);
        if (accepted <= 0)
        {
            return recipientCount;
        }
        final long position = log.writeMessage(
            acceptedKeys, accepted, messageId, senderUserId, senderDeviceId, correlationId, timestampMs, kind,
            payload, offset, length);
        final int added = index.addAll(acceptedKeys, accepted, messageId, position, timestampMs, length);
        afterAppend(accepted, length);
        return recipientCount - added;
    }

    private void afterAppend(final int keyCount, final int payloadLength)
    {
        log.afterWrite();
        counters.appends.incrementRelease();
        counters.bytesAppended.getAndAddRelease(
            RecordDescriptor.aligned(RecordDescriptor.messageLength(keyCount, payloadLength)));
    }
}
