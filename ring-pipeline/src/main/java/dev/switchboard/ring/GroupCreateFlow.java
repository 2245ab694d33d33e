package dev.switchboard.ring;

import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateDecoder;
import dev.switchboard.state.GroupRecord;

/**
 * GroupCreate: a new group of the caller, its admin, and the members listed, in that join order.
 * Route: check the list (registered users, each once, the caller's own entry skipped, the group no larger than the
 * limit) and the name (1..254 bytes), take a group id, write the group, encode the GroupInfo answer and a CREATE
 * GroupEvent naming every member. Delivery: answer, then journal and deliver the event to every member's devices
 * but the caller's.
 */
final class GroupCreateFlow extends Flow
{
    private final GroupCreateDecoder create = new GroupCreateDecoder();

    GroupCreateFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final GroupRouter groups = stage.groups;
        final long callerUserId = event.caller.userId;
        event.frame.decode(create);

        groups.startNamed();
        groups.addNamed(event, callerUserId);
        final GroupCreateDecoder.MembersDecoder members = create.members();
        while (members.hasNext())
        {
            final long userId = members.next().userId();
            if (userId != callerUserId && !groups.addNamed(event, userId))
            {
                return;
            }
        }
        final int nameLength = create.nameLength();
        if (!groups.checkName(event, nameLength) || !groups.begin(event, true))
        {
            return;
        }

        final GroupRecord record = groups.record;
        record.clear();
        create.getName(record.name(), 0, nameLength);
        record.nameLength(nameLength);
        for (int i = 0; i < groups.namedCount; i++)
        {
            record.add(groups.named[i], 0 == i ? GroupRecord.ADMIN : GroupRecord.MEMBER);
        }
        event.group.groupId = groups.table.nextGroupId();
        if (!groups.commit(event))
        {
            return;
        }

        groups.addMemberDevices(event, callerUserId, event.caller.deviceId, 0);
        groups.markMemberDevices(event);
        groups.encodeInfo(event);
        groups.encodeEvent(event, GroupChange.CREATE);
        groups.end(event);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.groupFanOut.deliverChange(event);
    }
}
