package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.journal.Journal;
import org.agrona.DirectBuffer;

/**
 * The delivery stage's side of groups: one record in the journal for every device of a fan-out (the payload once,
 * 8 bytes per device), then the copies to the devices online. Reads what the route stage left in the
 * {@link GroupHandoff} into arrays sized once for the largest fan-out; allocates nothing per message or member.
 */
final class GroupFanOut
{
    private final DeliveryStage stage;
    private final GroupHandoff handoff;
    private final long[] userIds;
    private final int[] deviceIds;

    GroupFanOut(final DeliveryStage stage, final GroupHandoff handoff, final int maxDevices)
    {
        this.stage = stage;
        this.handoff = handoff;
        userIds = new long[maxDevices];
        deviceIds = new int[maxDevices];
    }

    /**
     * Copy the first count devices of the event's claim out of the handoff.
     */
    private int load(final GroupSlot slot, final int count)
    {
        final long[] fromUserIds = handoff.userIds;
        final int[] fromDeviceIds = handoff.deviceIds;
        final int mask = handoff.deviceMask();
        final long from = slot.devicesFrom;
        for (int i = 0; i < count; i++)
        {
            final int index = (int)((from + i) & mask);
            userIds[i] = fromUserIds[index];
            deviceIds[i] = fromDeviceIds[index];
        }
        return count;
    }

    /**
     * Answer a group change with its GroupInfo (if it has one), then journal and deliver its events.
     */
    void deliverChange(final RingEvent event)
    {
        final GroupSlot slot = event.group;
        final DirectBuffer frames = handoff.frames;
        if (slot.infoLength > 0)
        {
            stage.send(event.pollerIndex, event.connectionId, frames, slot.framesOffset, slot.infoLength);
        }
        final int eventOffset = slot.framesOffset + RingEvent.align(slot.infoLength);
        if (slot.eventLength > 0)
        {
            store(event, load(slot, slot.deviceCount), event.recipients.messageId, DeliveryStage.KIND_GROUP_EVENT,
                frames, eventOffset, slot.eventLength);
        }
        if (slot.handOnLength > 0)
        {
            store(event, load(slot, slot.memberDeviceCount), slot.handOnMessageId, DeliveryStage.KIND_GROUP_EVENT,
                frames, eventOffset + RingEvent.align(slot.eventLength), slot.handOnLength);
        }
    }

    /**
     * Journal a group message once for every device the route stage resolved, then deliver it to those online.
     *
     * @return false if nothing could be stored for any of them: the caller answers QUEUE_FULL or INTERNAL_ERROR.
     */
    boolean storeMessage(
        final RingEvent event, final long messageId, final DirectBuffer frame, final int offset, final int length)
    {
        final int count = load(event.group, event.group.deviceCount);
        final int result = store(event, count, messageId, DeliveryStage.KIND_MESSAGE, frame, offset, length);
        if (result < 0 || (count > 0 && result == count))
        {
            final ErrorCode code = result >= 0 ? ErrorCode.QUEUE_FULL : ErrorCode.INTERNAL_ERROR;
            final int errorLength =
                stage.encoders.error(stage.ackScratch, event.frame.requestId, event.frame.templateId, code);
            stage.send(event.pollerIndex, event.connectionId, stage.ackScratch, errorLength);
            return false;
        }
        stage.counters.increment(RingCounters.GROUP_MESSAGES_STORED);
        return true;
    }

    /**
     * Relay a frame, never stored, to every device of the event's claim that is online and not backed up.
     */
    void relay(final RingEvent event, final DirectBuffer frame, final int length)
    {
        final int count = load(event.group, event.group.deviceCount);
        for (int i = 0; i < count; i++)
        {
            final DeviceDelivery delivery = stage.delivery(userIds[i], deviceIds[i]);
            if (null != delivery && !delivery.paused)
            {
                stage.send(delivery.pollerIndex, delivery.connectionId, frame, length);
            }
        }
    }

    /**
     * One journal record for the first count devices loaded; each device whose queue took it gets it now if online.
     *
     * @return the devices refused (their queues full), or a negative journal code when none was stored.
     */
    private int store(
        final RingEvent event,
        final int count,
        final long messageId,
        final int kind,
        final DirectBuffer frame,
        final int offset,
        final int length)
    {
        if (0 == count)
        {
            return 0;
        }
        final Caller caller = event.caller;
        final Journal journal = stage.journal;
        final int refused = journal.appendToMany(
            userIds, deviceIds, count, messageId, caller.userId, caller.deviceId, event.frame.requestId,
            event.timestampMs, kind, frame, offset, length);
        if (refused < 0)
        {
            stage.counters.increment(RingCounters.QUEUE_FULL);
            return refused;
        }
        if (refused > 0)
        {
            stage.counters.add(RingCounters.GROUP_COPIES_REFUSED, refused);
        }
        for (int i = 0; i < count; i++)
        {
            // a device whose queue was full gets nothing now either: its copy would have no journal entry to ack
            if (0 == refused || journal.holds(userIds[i], deviceIds[i], messageId))
            {
                stage.deliverLive(userIds[i], deviceIds[i], messageId, frame, offset, length);
            }
        }
        return refused;
    }
}
