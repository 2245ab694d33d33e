package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PushTokenUpdateDecoder;

/**
 * PushTokenUpdate: the device's push token for its platform, or none (an empty token clears it). Acknowledged.
 */
final class PushTokenFlow extends Flow
{
    private final PushTokenUpdateDecoder update = new PushTokenUpdateDecoder();
    private final byte[] token = new byte[255];

    PushTokenFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(update);
        final int length = update.getToken(token, 0, update.tokenLength());
        if (0 == length)
        {
            stage.devices.clearPushToken(session.userId, session.deviceId);
        }
        else if (!stage.devices.pushToken(
            session.userId, session.deviceId, (byte)update.platformRaw(), token, 0, length))
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }
        event.reply.requestAck(stage.encoders, frame);
    }
}
