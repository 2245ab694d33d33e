package dev.switchboard.ring;

/**
 * Logout: the device goes offline, its deliveries stop, and the connection is acknowledged and closed.
 */
final class LogoutFlow extends Flow
{
    LogoutFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        stage.deviceOffline(session, event.timestampMs);
        session.state = Session.STATE_NEW;
        event.reply.requestAck(stage.encoders, event.frame);
        event.reply.closeAfterSend = true;
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.deviceGone(event.caller.userId, event.caller.deviceId, event.connectionId);
    }
}
