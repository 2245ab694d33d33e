package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;

/**
 * PresenceSubscribe: answer with the target's presence now and on every change (see {@link PresenceFeed}).
 * Route: the target must exist; a target that blocked the caller shows as hidden, which the caller cannot tell from
 * a privacy setting.
 */
final class PresenceSubscribeFlow extends Flow
{
    private final PresenceSubscribeDecoder subscribe = new PresenceSubscribeDecoder();

    PresenceSubscribeFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.frame.decode(subscribe);
        final long targetUserId = subscribe.userId();
        if (!stage.accounts.exists(targetUserId))
        {
            stage.refuse(event, ErrorCode.UNKNOWN_USER);
            return;
        }
        event.recipients.targetUserId = targetUserId;
        event.recipients.blocked = stage.isBlocked(targetUserId, event.caller.userId);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.presenceFeed.subscribe(event);
    }
}
