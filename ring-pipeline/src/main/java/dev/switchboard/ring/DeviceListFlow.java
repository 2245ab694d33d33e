package dev.switchboard.ring;

import dev.switchboard.codec.sbe.DeviceListEncoder;
import dev.switchboard.state.Devices;

/**
 * DeviceListRequest: the devices of the caller's own account, in device id order, with which is the primary, which
 * is online and when each was last seen. Answered on the session stage, which writes devices and presence.
 */
final class DeviceListFlow extends Flow
{
    private final LinkEncoders encoders = new LinkEncoders();
    private final int[] deviceIds = new int[dev.switchboard.state.DeviceKeys.MAX_DEVICE_ID + 1];

    DeviceListFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final long userId = event.caller.userId;
        final int count = stage.devices.deviceIds(userId, deviceIds);
        final DeviceListEncoder.DevicesEncoder devices =
            encoders.deviceList(event.reply.buffer, event.frame.requestId, count);
        for (int i = 0; i < count; i++)
        {
            final int deviceId = deviceIds[i];
            devices.next()
                .deviceId(deviceId)
                .registrationId(Math.max(0, stage.devices.registrationId(userId, deviceId)))
                .primary((short)(Devices.PRIMARY_DEVICE_ID == deviceId ? 1 : 0))
                .online((short)(stage.presence.isOnline(userId, deviceId) ? 1 : 0))
                .lastSeenMs(stage.presence.lastSeenMs(userId, deviceId));
        }
        event.reply.length = encoders.endDeviceList(event.reply.buffer);
    }
}
