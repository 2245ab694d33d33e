package dev.switchboard.ring;

import dev.switchboard.codec.sbe.PresenceUnsubscribeDecoder;

/**
 * PresenceUnsubscribe: stop presence updates for the target; acknowledged whether or not there was a subscription.
 */
final class PresenceUnsubscribeFlow extends Flow
{
    private final PresenceUnsubscribeDecoder unsubscribe = new PresenceUnsubscribeDecoder();

    PresenceUnsubscribeFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.frame.decode(unsubscribe);
        event.recipients.targetUserId = unsubscribe.userId();
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.presenceFeed.unsubscribe(event);
    }
}
