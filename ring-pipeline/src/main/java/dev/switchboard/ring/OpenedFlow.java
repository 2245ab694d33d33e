package dev.switchboard.ring;

/**
 * A connection was accepted: its session starts, not logged in.
 */
final class OpenedFlow extends Flow
{
    OpenedFlow()
    {
        super(ANYONE, false);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        stage.sessionByConnection.put(
            event.connectionId, new Session(event.pollerIndex, event.connectionId, event.remoteAddress));
    }
}
