package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.journal.Journal;

/**
 * Send: an opaque payload to every device of a user, or one device.
 * Route: resolve the devices, take a message id, note a block, make the recipient the sender's contact.
 * Delivery: answer a resend with the stored id; else journal one Deliver per device (all or none), hold the SENT
 * ack for the group commit, and deliver to the devices online.
 */
final class SendFlow extends Flow
{
    private final SendDecoder routeSend = new SendDecoder();
    private final SendDecoder deliverySend = new SendDecoder();

    SendFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.frame.decode(routeSend);
        final long toUserId = routeSend.to().userId();
        final long userId = event.caller.userId;
        if (stage.resolve(event, toUserId, routeSend.to().deviceId()))
        {
            event.recipients.messageId = stage.messageIds.next(event.timestampMs);
            if (stage.isBlocked(toUserId, userId))
            {
                event.recipients.blocked = true; // one tick for the sender, nothing for the blocker
            }
            else
            {
                stage.addContact(userId, toUserId, event.timestampMs);
            }
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final InboundFrame frame = event.frame;
        final SendDecoder send = frame.decode(deliverySend);
        final long clientMsgId = send.clientMsgId();
        final Caller caller = event.caller;
        final Recipients recipients = event.recipients;
        final Journal journal = stage.journal;

        if (stage.answerResend(event, clientMsgId))
        {
            return;
        }

        if (recipients.blocked)
        {
            // The recipient blocked the sender: one tick, as for any message, and nothing stored or delivered.
            stage.counters.increment(RingCounters.MESSAGES_BLOCKED);
            stage.sent(event, clientMsgId, recipients.messageId);
            return;
        }

        final int frameLength = stage.encoders.deliver(
            stage.scratch,
            recipients.messageId,
            event.timestampMs,
            caller.userId,
            caller.deviceId,
            0,
            frame.buffer,
            send.limit() + SendDecoder.payloadHeaderLength(),
            send.payloadLength());

        final int result = journal.appendToAll(
            recipients.userIds,
            recipients.deviceIds,
            recipients.count,
            recipients.messageId,
            caller.userId,
            caller.deviceId,
            clientMsgId,
            event.timestampMs,
            DeliveryStage.KIND_MESSAGE,
            stage.scratch,
            0,
            frameLength);

        if (Journal.OK != result)
        {
            // Nothing stored (for any device, or one would miss what the others get): no tick, and no dedupe entry,
            // so the client's resend is tried afresh.
            stage.counters.increment(RingCounters.QUEUE_FULL);
            final ErrorCode code = Journal.QUEUE_FULL == result ? ErrorCode.QUEUE_FULL : ErrorCode.INTERNAL_ERROR;
            final int length = stage.encoders.error(stage.ackScratch, clientMsgId, frame.templateId, code);
            stage.send(event.pollerIndex, event.connectionId, stage.ackScratch, length);
            return;
        }

        stage.counters.increment(RingCounters.MESSAGES_STORED);
        stage.sent(event, clientMsgId, recipients.messageId);
        for (int i = 0; i < recipients.count; i++)
        {
            stage.deliverLive(
                recipients.userIds[i], recipients.deviceIds[i], recipients.messageId, stage.scratch, frameLength);
        }
        stage.recordSendToDeliverTime(frame);
    }
}
