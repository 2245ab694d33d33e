package dev.switchboard.ring;

import dev.switchboard.codec.sbe.TypingDecoder;
import dev.switchboard.state.DeviceKeys;

/**
 * Typing: composing or paused, relayed to the recipient's online devices only; never stored, never answered.
 * Session: at most {@link #TYPING_PER_SECOND} per connection, the rest dropped. Route: unknown recipients and
 * blockers are dropped silently, else every device of the user or the one named. Delivery: a TypingUpdate to each
 * device online and not paused.
 */
final class TypingFlow extends Flow
{
    /** Typing notices relayed per connection per second; more are dropped silently. */
    static final int TYPING_PER_SECOND = 5;

    private final TypingDecoder routeTyping = new TypingDecoder();
    private final TypingDecoder deliveryTyping = new TypingDecoder();

    TypingFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        admit(event, session, stage);
    }

    /**
     * Count a typing notice, 1:1 or group, against the connection's budget; past it the notice is dropped.
     */
    static void admit(final RingEvent event, final Session session, final SessionStage stage)
    {
        final long nowNs = stage.nanoClock.nanoTime();
        if (nowNs - session.typingWindowStartNs >= SessionStage.RATE_WINDOW_NS)
        {
            session.typingWindowStartNs = nowNs;
            session.typingInWindow = 0;
        }
        if (++session.typingInWindow > TYPING_PER_SECOND)
        {
            event.endFlow();
        }
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.frame.decode(routeTyping);
        final long toUserId = routeTyping.to().userId();
        final int toDeviceId = routeTyping.to().deviceId();
        if (!stage.accounts.exists(toUserId) || stage.isBlocked(toUserId, event.caller.userId))
        {
            event.endFlow();
            return;
        }
        if (0 == toDeviceId)
        {
            stage.addAllDevices(event.recipients, toUserId);
        }
        else if (toDeviceId <= DeviceKeys.MAX_DEVICE_ID)
        {
            event.recipients.add(toUserId, toDeviceId);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        event.frame.decode(deliveryTyping);
        final int length = stage.encoders.typingUpdate(
            stage.scratch, event.caller.userId, event.caller.deviceId, deliveryTyping.state());
        final Recipients recipients = event.recipients;
        for (int i = 0; i < recipients.count; i++)
        {
            final DeviceDelivery delivery = stage.delivery(recipients.userIds[i], recipients.deviceIds[i]);
            if (null != delivery && !delivery.paused)
            {
                stage.send(delivery.pollerIndex, delivery.connectionId, stage.scratch, length);
            }
        }
    }
}
