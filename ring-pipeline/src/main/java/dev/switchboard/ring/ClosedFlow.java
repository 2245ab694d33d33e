package dev.switchboard.ring;

/**
 * A connection is gone: its session ends, its device goes offline unless it already logged in elsewhere, its
 * presence subscriptions end and its deliveries stop.
 */
final class ClosedFlow extends Flow
{
    ClosedFlow()
    {
        super(ANYONE, false);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        stage.sessionByConnection.remove(event.connectionId);
        if (null != session && session.isAuthenticated())
        {
            event.caller.set(session.userId, session.deviceId);
            stage.deviceOffline(session, event.timestampMs);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.presenceFeed.connectionClosed(event.connectionId);
        if (event.caller.isKnown())
        {
            stage.deviceGone(event.caller.userId, event.caller.deviceId, event.connectionId);
        }
    }
}
