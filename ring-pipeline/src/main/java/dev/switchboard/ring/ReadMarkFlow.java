package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.ReceiptType;

/**
 * ReadMark: the user has seen a message. Route: resolve the sender's devices, take a message id.
 * Delivery: journal a READ receipt for each and deliver it to those online.
 */
final class ReadMarkFlow extends Flow
{
    private final ReadMarkDecoder routeReadMark = new ReadMarkDecoder();
    private final ReadMarkDecoder deliveryReadMark = new ReadMarkDecoder();

    ReadMarkFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.frame.decode(routeReadMark);
        if (stage.resolve(event, routeReadMark.sender().userId(), routeReadMark.sender().deviceId()))
        {
            event.recipients.messageId = stage.messageIds.next(event.timestampMs);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        event.frame.decode(deliveryReadMark);
        final long originalMessageId = deliveryReadMark.messageId();
        final Recipients recipients = event.recipients;
        for (int i = 0; i < recipients.count; i++)
        {
            stage.storeReceipt(
                event, recipients.userIds[i], recipients.deviceIds[i], originalMessageId, ReceiptType.READ);
        }
    }
}
