package dev.switchboard.ring;

import dev.switchboard.codec.sbe.SendGroupDecoder;

/**
 * SendGroup: one opaque payload (encrypted once by the client) to every member of a group.
 * Route: the group must exist and the caller be a member; resolve every member's devices and the caller's other
 * devices, leaving out members who blocked the caller; take a message id. Delivery: answer a resend with the stored
 * id; else encode one Deliver (groupId set) and journal it once for every device, hold the SENT ack for the group
 * commit, and deliver to the devices online. Each copy's DeliverAck and ReadMark earn the sender a receipt, as 1:1.
 */
final class SendGroupFlow extends Flow
{
    private final SendGroupDecoder routeSend = new SendGroupDecoder();
    private final SendGroupDecoder deliverySend = new SendGroupDecoder();

    SendGroupFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final GroupRouter groups = stage.groups;
        event.frame.decode(routeSend);
        if (!groups.load(event, routeSend.groupId()) || groups.callerIndex(event) < 0 || !groups.begin(event, false))
        {
            return;
        }
        final long callerUserId = event.caller.userId;
        groups.addMemberDevices(event, callerUserId, event.caller.deviceId, callerUserId);
        event.recipients.messageId = stage.messageIds.next(event.timestampMs);
        groups.end(event);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final InboundFrame frame = event.frame;
        final SendGroupDecoder send = frame.decode(deliverySend);
        final long clientMsgId = send.clientMsgId();
        final Caller caller = event.caller;
        final long messageId = event.recipients.messageId;
        if (stage.answerResend(event, clientMsgId))
        {
            return;
        }

        final int frameLength = stage.encoders.deliver(
            stage.scratch,
            messageId,
            event.timestampMs,
            caller.userId,
            caller.deviceId,
            send.groupId(),
            frame.buffer,
            send.limit() + SendGroupDecoder.payloadHeaderLength(),
            send.payloadLength());

        // Nothing stored for any member: no tick, and no dedupe entry, so the client's resend is tried afresh.
        if (stage.groupFanOut.storeMessage(event, messageId, stage.scratch, 0, frameLength))
        {
            stage.sent(event, clientMsgId, messageId);
            stage.recordSendToDeliverTime(frame);
        }
    }
}
