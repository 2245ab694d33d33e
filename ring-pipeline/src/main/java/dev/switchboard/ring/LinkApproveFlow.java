package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LinkApproveDecoder;
import dev.switchboard.codec.sbe.LinkDeviceDecoder;
import dev.switchboard.state.Devices;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * LinkApprove, from the primary: its user approves or declines the device a LinkRequest named.
 * Session: on approval the device is added to the account (or found, if its key already is) and the primary gets
 * RequestAck, or DEVICE_LIMIT; on a decline RequestAck. Refused NOT_PRIMARY from a linked device, CODE_EXPIRED when
 * no such link is waiting (expired, answered, another account's), UNKNOWN_DEVICE when the new device's connection is
 * gone. Delivery: a new device's journal queue is emptied (it gets only what is sent from now on) and the device is
 * answered VerifyAck, to log in next, or Error LINK_DECLINED or DEVICE_LIMIT.
 */
final class LinkApproveFlow extends Flow
{
    private final LinkApproveDecoder decoder = new LinkApproveDecoder();
    private final FrameEncoders deliveryEncoders = new FrameEncoders();
    private final UnsafeBuffer deliveryScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final DeviceQueues queues = new DeviceQueues();

    LinkApproveFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final Caller caller = event.caller;
        final InboundFrame frame = event.frame;
        frame.decode(decoder);
        if (Devices.PRIMARY_DEVICE_ID != caller.deviceId)
        {
            stage.refuse(event, ErrorCode.NOT_PRIMARY);
            return;
        }
        final DeviceLink link = stage.links.offered(caller.userId, decoder.linkId(), stage.nanoClock.nanoTime());
        if (null == link)
        {
            stage.refuse(event, ErrorCode.CODE_EXPIRED);
            return;
        }
        stage.links.remove(link);
        final Session newDevice = stage.sessionByConnection.get(link.newConnectionId);
        if (null == newDevice || Session.STATE_NEW != newDevice.state)
        {
            stage.refuse(event, ErrorCode.UNKNOWN_DEVICE);
            return;
        }

        event.link = link;
        if (1 != decoder.approve())
        {
            link.refusal = ErrorCode.LINK_DECLINED;
            event.reply.requestAck(stage.encoders, frame);
            return;
        }

        final int existing = stage.devices.deviceWithKey(caller.userId, link.loginKey);
        if (existing > 0)
        {
            link.deviceId = existing; // already one of the account's devices: nothing is added, nothing emptied
            event.reply.requestAck(stage.encoders, frame);
            return;
        }
        final int deviceId = stage.devices.deviceCount(caller.userId) < stage.devices.maxDevicesPerAccount() ?
            stage.devices.addDevice(caller.userId, link.loginKey, link.registrationId) : Devices.DEVICE_LIMIT;
        if (deviceId <= 0)
        {
            link.refusal = ErrorCode.DEVICE_LIMIT;
            stage.counters.increment(RingCounters.REQUESTS_REJECTED);
            event.reply.error(stage.encoders, frame, ErrorCode.DEVICE_LIMIT);
            return;
        }
        link.deviceId = -deviceId; // negative: new, its queue is emptied first
        stage.counters.increment(RingCounters.DEVICES_LINKED);
        event.reply.requestAck(stage.encoders, frame);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final DeviceLink link = event.link;
        final int length;
        if (null != link.refusal)
        {
            length = deliveryEncoders.error(
                deliveryScratch, link.linkDeviceRequestId, LinkDeviceDecoder.TEMPLATE_ID, link.refusal);
        }
        else
        {
            final int deviceId = Math.abs(link.deviceId);
            if (link.deviceId < 0)
            {
                // a device of this id that was unlinked may have left records behind: none of them is for this one
                queues.clear(stage.journal, link.userId, deviceId);
            }
            length = deliveryEncoders.verifyAck(deliveryScratch, link.linkDeviceRequestId, link.userId, deviceId);
        }
        stage.send(link.newPollerIndex, link.newConnectionId, deliveryScratch, length);
    }
}
