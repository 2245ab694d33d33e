package dev.switchboard.ring;

import dev.switchboard.codec.sbe.GroupTypingDecoder;

/**
 * GroupTyping: composing or paused, relayed to the group's members online; never stored, never answered.
 * Session: the same per-connection budget as {@link TypingFlow}, the rest dropped. Route: an unknown group or a
 * caller not a member is dropped silently; else every member's devices but the caller's, leaving out members who
 * blocked the caller. Delivery: a GroupTypingUpdate to each of those online and not backed up.
 */
final class GroupTypingFlow extends Flow
{
    private final GroupTypingDecoder routeTyping = new GroupTypingDecoder();
    private final GroupTypingDecoder deliveryTyping = new GroupTypingDecoder();

    GroupTypingFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        TypingFlow.admit(event, session, stage);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final GroupRouter groups = stage.groups;
        event.frame.decode(routeTyping);
        final long callerUserId = event.caller.userId;
        if (!groups.find(routeTyping.groupId()) || groups.record.indexOf(callerUserId) < 0)
        {
            event.endFlow();
            return;
        }
        if (!groups.begin(event, false))
        {
            event.reply.reset(); // never answered: dropped when the handoff is full
            return;
        }
        groups.addMemberDevices(event, callerUserId, event.caller.deviceId, callerUserId);
        groups.end(event);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        event.frame.decode(deliveryTyping);
        final int length = stage.encoders.groupTypingUpdate(
            stage.scratch,
            deliveryTyping.groupId(),
            event.caller.userId,
            event.caller.deviceId,
            deliveryTyping.state());
        stage.groupFanOut.relay(event, stage.scratch, length);
    }
}
