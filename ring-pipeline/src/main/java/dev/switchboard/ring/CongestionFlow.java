package dev.switchboard.ring;

/**
 * A logged-in connection's output backed up at the edge (pause its deliveries; the journal holds them) or drained
 * (resume, draining what it missed).
 */
final class CongestionFlow extends Flow
{
    CongestionFlow()
    {
        super(ANYONE, false);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        if (null != session && session.isAuthenticated())
        {
            event.caller.set(session.userId, session.deviceId);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        if (!event.caller.isKnown())
        {
            return;
        }
        final DeviceDelivery delivery = stage.delivery(event.caller.userId, event.caller.deviceId);
        if (null != delivery && delivery.connectionId == event.connectionId)
        {
            delivery.paused = event.congested;
            if (!delivery.paused && delivery.behind)
            {
                stage.drain(delivery);
            }
        }
    }
}
