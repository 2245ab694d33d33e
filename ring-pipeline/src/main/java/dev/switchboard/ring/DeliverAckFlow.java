package dev.switchboard.ring;

import dev.switchboard.codec.sbe.DeliverAckDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.journal.RecordHandler;
import org.agrona.DirectBuffer;

/**
 * DeliverAck: the device holds a Deliver or Receipt. Not rate limited: acks are bounded by what was delivered, and a
 * device draining a backlog acks fast.
 * Route: the id a DELIVERED receipt will take if the acked record turns out to be a message.
 * Delivery: delete the journal copy, open the device's window, journal DELIVERED for the message's sender, refill.
 */
final class DeliverAckFlow extends Flow
{
    private final DeliverAckDecoder deliverAck = new DeliverAckDecoder();

    private final RecordHandler ackHandler = this::onAckedRecord;
    private long ackedMessageId;
    private boolean ackFound;
    private int ackedKind;
    private long ackedSenderUserId;
    private int ackedSenderDeviceId;

    DeliverAckFlow()
    {
        super(AFTER_LOGIN, false);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.recipients.messageId = stage.messageIds.next(event.timestampMs);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        event.frame.decode(deliverAck);
        final long messageId = deliverAck.messageId();
        final long userId = event.caller.userId;
        final int deviceId = event.caller.deviceId;

        ackedMessageId = messageId;
        ackFound = false;
        stage.journal.read(userId, deviceId, messageId - 1, 1, ackHandler);
        if (!ackFound || !stage.journal.delete(userId, deviceId, messageId))
        {
            stage.counters.increment(RingCounters.UNKNOWN_ACKS);
            return;
        }
        stage.counters.increment(RingCounters.ACKS);

        final DeviceDelivery delivery = stage.delivery(userId, deviceId);
        if (null != delivery && delivery.connectionId == event.connectionId && messageId <= delivery.cursor)
        {
            delivery.inFlight = Math.max(0, delivery.inFlight - 1);
            delivery.lastProgressNs = stage.nanoClock.nanoTime();
        }

        if (DeliveryStage.KIND_MESSAGE == ackedKind && 0 != ackedSenderUserId)
        {
            stage.storeReceipt(event, ackedSenderUserId, ackedSenderDeviceId, messageId, ReceiptType.DELIVERED);
        }

        if (null != delivery && delivery.behind)
        {
            stage.drain(delivery);
        }
    }

    private boolean onAckedRecord(
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
        if (messageId == ackedMessageId)
        {
            ackFound = true;
            ackedKind = kind;
            ackedSenderUserId = senderUserId;
            ackedSenderDeviceId = senderDeviceId;
        }
        return false;
    }
}
