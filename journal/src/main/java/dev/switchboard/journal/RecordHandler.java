package dev.switchboard.journal;

import org.agrona.DirectBuffer;

/**
 * Receives journal records handed over by {@link Journal#read} and {@link Journal#forEachRecord}.
 * <p>
 * The buffer is a view of the mapped segment: copy what must outlive the call, and do not append to or delete
 * from the journal inside the call.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * One undelivered record for one recipient.
     *
     * @return false to stop the iteration.
     */
    boolean onRecord(
        long recipientUserId,
        int recipientDeviceId,
        long messageId,
        long senderUserId,
        int senderDeviceId,
        long correlationId,
        long timestampMs,
        int kind,
        DirectBuffer buffer,
        int offset,
        int length);
}
