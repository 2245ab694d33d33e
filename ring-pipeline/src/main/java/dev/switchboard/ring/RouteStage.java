package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.state.Accounts;
import dev.switchboard.state.Devices;

/**
 * Stage 2: resolves who a message or receipt is for (every device of a user, or one device) and gives every
 * journal-bound event its server message id, in ring order. Reads accounts and devices, writes nothing shared.
 */
final class RouteStage implements EventHandler<RingEvent>
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final SendDecoder send = new SendDecoder();
    private final ReadMarkDecoder readMark = new ReadMarkDecoder();
    private final FrameEncoders encoders = new FrameEncoders();
    private final int[] deviceIds = new int[DeviceKeys.MAX_DEVICE_ID + 1];
    private final Accounts accounts;
    private final Devices devices;
    private final MessageIds messageIds;
    private final RingCounters counters;

    RouteStage(final RingContext ctx, final long highestMessageIdInUse)
    {
        accounts = ctx.state().newAccounts();
        devices = ctx.state().newDevices();
        messageIds = new MessageIds(highestMessageIdInUse);
        counters = ctx.counters();
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        switch (event.action)
        {
            case RingEvent.ACTION_SEND:
                onSend(event);
                break;

            case RingEvent.ACTION_DELIVER_ACK:
                // The id a DELIVERED receipt will take if the acked record turns out to be a message.
                event.messageId = messageIds.next(event.timestampMs);
                break;

            case RingEvent.ACTION_READ_MARK:
                onReadMark(event);
                break;

            default:
                break;
        }
    }

    private void onSend(final RingEvent event)
    {
        header.wrap(event.frame, Sofh.HEADER_LENGTH);
        send.wrap(
            event.frame,
            Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(),
            header.version());
        if (resolve(event, send.to().userId(), send.to().deviceId()))
        {
            event.messageId = messageIds.next(event.timestampMs);
        }
    }

    private void onReadMark(final RingEvent event)
    {
        header.wrap(event.frame, Sofh.HEADER_LENGTH);
        readMark.wrap(
            event.frame,
            Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(),
            header.version());
        if (resolve(event, readMark.sender().userId(), readMark.sender().deviceId()))
        {
            event.messageId = messageIds.next(event.timestampMs);
        }
    }

    private boolean resolve(final RingEvent event, final long userId, final int deviceId)
    {
        if (!accounts.exists(userId))
        {
            refuse(event, ErrorCode.UNKNOWN_USER);
            return false;
        }

        if (0 == deviceId)
        {
            final int count = devices.deviceIds(userId, deviceIds);
            for (int i = 0; i < count; i++)
            {
                event.addRecipient(userId, deviceIds[i]);
            }
            if (0 == count)
            {
                refuse(event, ErrorCode.UNKNOWN_DEVICE);
                return false;
            }
        }
        else if (deviceId <= DeviceKeys.MAX_DEVICE_ID && devices.exists(userId, deviceId))
        {
            event.addRecipient(userId, deviceId);
        }
        else
        {
            refuse(event, ErrorCode.UNKNOWN_DEVICE);
            return false;
        }

        return true;
    }

    private void refuse(final RingEvent event, final ErrorCode code)
    {
        counters.increment(RingCounters.UNKNOWN_RECIPIENTS);
        event.action = RingEvent.ACTION_NONE;
        event.recipientCount = 0;
        event.responseLength = encoders.error(event.response, event.requestId, event.templateId, code);
    }
}
