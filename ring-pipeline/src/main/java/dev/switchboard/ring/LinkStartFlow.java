package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.state.Devices;

/**
 * LinkStart, from the primary: a one-time link code for its account ({@link DeviceLinks}), answered LinkCode; any
 * earlier link of the account still in progress is dropped. Refused NOT_PRIMARY from a linked device and
 * DEVICE_LIMIT when the account has no room for another device.
 */
final class LinkStartFlow extends Flow
{
    private final LinkEncoders encoders = new LinkEncoders();

    LinkStartFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final Caller caller = event.caller;
        if (Devices.PRIMARY_DEVICE_ID != caller.deviceId)
        {
            stage.refuse(event, ErrorCode.NOT_PRIMARY);
            return;
        }
        if (stage.devices.deviceCount(caller.userId) >= stage.devices.maxDevicesPerAccount())
        {
            stage.refuse(event, ErrorCode.DEVICE_LIMIT);
            return;
        }
        final DeviceLink link = stage.links.start(caller.userId, stage.nanoClock.nanoTime());
        event.reply.length = encoders.linkCode(
            event.reply.buffer, event.frame.requestId, stage.links.ttlSeconds(), link.code);
    }
}
