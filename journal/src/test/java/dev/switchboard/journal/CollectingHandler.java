package dev.switchboard.journal;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what a journal hands over, for assertions.
 */
final class CollectingHandler implements RecordHandler
{
    final List<Long> recipientUserIds = new ArrayList<>();
    final List<Integer> recipientDeviceIds = new ArrayList<>();
    final List<Long> messageIds = new ArrayList<>();
    final List<Long> senderUserIds = new ArrayList<>();
    final List<Integer> senderDeviceIds = new ArrayList<>();
    final List<Long> correlationIds = new ArrayList<>();
    final List<Long> timestamps = new ArrayList<>();
    final List<Integer> kinds = new ArrayList<>();
    final List<String> payloads = new ArrayList<>();
    private final int stopAfter;

    CollectingHandler()
    {
        this(Integer.MAX_VALUE);
    }

    CollectingHandler(final int stopAfter)
    {
        this.stopAfter = stopAfter;
    }

    public boolean onRecord(
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
        recipientUserIds.add(recipientUserId);
        recipientDeviceIds.add(recipientDeviceId);
        messageIds.add(messageId);
        senderUserIds.add(senderUserId);
        senderDeviceIds.add(senderDeviceId);
        correlationIds.add(correlationId);
        timestamps.add(timestampMs);
        kinds.add(kind);
        payloads.add(buffer.getStringWithoutLengthAscii(offset, length));
        return messageIds.size() < stopAfter;
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
