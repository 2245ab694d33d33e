package dev.switchboard.ring;

import dev.switchboard.codec.sbe.GroupInfoRequestDecoder;

/**
 * GroupInfoRequest: a group's members, roles, name and version, for its members only.
 * Route: encode the GroupInfo from the table as the requests before this one left it. Delivery: send it.
 */
final class GroupInfoRequestFlow extends Flow
{
    private final GroupInfoRequestDecoder request = new GroupInfoRequestDecoder();

    GroupInfoRequestFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final GroupRouter groups = stage.groups;
        event.frame.decode(request);
        if (groups.load(event, request.groupId()) && groups.callerIndex(event) >= 0 && groups.begin(event, true))
        {
            groups.encodeInfo(event);
            groups.end(event);
        }
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.groupFanOut.deliverChange(event);
    }
}
