package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.UnlinkDecoder;
import dev.switchboard.state.Devices;
import dev.switchboard.state.KeyDirectory;

/**
 * Unlink(deviceId): the primary removes a linked device, or a linked device removes itself.
 * Session: the device is logged out (its connection closed after the answer), its presence, device slot (login key,
 * push token) and key-directory entry removed, so it can no longer log in and senders no longer fetch its keys;
 * answered RequestAck. Refused PRIMARY_DEVICE for the primary (it is replaced by verifying the phone number on a new
 * install), NOT_PRIMARY for another device from a linked one, UNKNOWN_DEVICE for a device the account does not have.
 * Delivery: its deliveries stop and its journal queue is emptied.
 */
final class UnlinkFlow extends Flow
{
    private final UnlinkDecoder decoder = new UnlinkDecoder();
    private final RingContext ctx;
    private final DeviceQueues queues = new DeviceQueues();
    private KeyDirectory keys;

    UnlinkFlow(final RingContext ctx)
    {
        super(AFTER_LOGIN, true);
        this.ctx = ctx;
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        if (null == keys)
        {
            keys = ctx.state().newKeyDirectory(); // made on the session stage's thread, its only user
        }
        final Caller caller = event.caller;
        event.frame.decode(decoder);
        final int deviceId = decoder.deviceId();
        if (Devices.PRIMARY_DEVICE_ID == deviceId)
        {
            stage.refuse(event, ErrorCode.PRIMARY_DEVICE);
            return;
        }
        if (deviceId != caller.deviceId && Devices.PRIMARY_DEVICE_ID != caller.deviceId)
        {
            stage.refuse(event, ErrorCode.NOT_PRIMARY);
            return;
        }
        if (!stage.devices.exists(caller.userId, deviceId))
        {
            stage.refuse(event, ErrorCode.UNKNOWN_DEVICE);
            return;
        }

        DeviceQueues.logOut(stage, event, caller.userId, deviceId);
        stage.presence.remove(caller.userId, deviceId);
        stage.devices.removeDevice(caller.userId, deviceId);
        keys.remove(caller.userId, deviceId);
        stage.counters.increment(RingCounters.DEVICES_UNLINKED);
        event.recipients.add(caller.userId, deviceId);
        event.reply.requestAck(stage.encoders, event.frame);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final long userId = event.recipients.userIds[0];
        final int deviceId = event.recipients.deviceIds[0];
        final long connectionId = DeviceQueues.loggedOutConnection(event);
        if (SessionStage.NO_CONNECTION != connectionId)
        {
            stage.deviceGone(userId, deviceId, connectionId);
        }
        queues.clear(stage.journal, userId, deviceId);
    }
}
