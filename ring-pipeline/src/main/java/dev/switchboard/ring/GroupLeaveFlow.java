package dev.switchboard.ring;

import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupLeaveDecoder;
import dev.switchboard.state.GroupRecord;

/**
 * GroupLeave: any member leaves; answered with a RequestAck (the leaver is no longer a member, so no GroupInfo).
 * Route: remove the caller; when it was the last admin, the oldest remaining member (first in join order) becomes
 * admin, told by a second GroupEvent (PROMOTE_ADMINS, actor user 0: the server); the last member out removes the
 * group. Delivery: answer, then journal and deliver the LEAVE event to the remaining members' devices and the
 * leaver's other devices, and the hand-on event to the remaining members' devices.
 */
final class GroupLeaveFlow extends Flow
{
    private final GroupLeaveDecoder leave = new GroupLeaveDecoder();

    GroupLeaveFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final GroupRouter groups = stage.groups;
        event.frame.decode(leave);
        if (!groups.load(event, leave.groupId()))
        {
            return;
        }
        final int callerIndex = groups.callerIndex(event);
        if (callerIndex < 0 || !groups.begin(event, true))
        {
            return;
        }

        final long callerUserId = event.caller.userId;
        final GroupRecord record = groups.record;
        final boolean wasAdmin = GroupRecord.ADMIN == record.role(callerIndex);
        record.removeAt(callerIndex);
        final boolean handOn = wasAdmin && record.memberCount() > 0 && 0 == record.adminCount();
        if (0 == record.memberCount())
        {
            groups.remove(event.group.groupId);
            record.bumpVersion();
        }
        else if (handOn)
        {
            record.bumpVersion(); // the leave's version; the hand-on takes the next, written once below
        }
        else if (!groups.commit(event))
        {
            return;
        }

        groups.addMemberDevices(event, callerUserId, event.caller.deviceId, 0);
        groups.markMemberDevices(event);
        groups.addDevices(event, callerUserId, callerUserId, event.caller.deviceId);
        groups.startNamed();
        groups.named[groups.namedCount++] = callerUserId;
        groups.encodeEvent(event, GroupChange.LEAVE);
        if (handOn)
        {
            record.role(0, GroupRecord.ADMIN);
            if (!groups.commit(event))
            {
                return;
            }
            groups.encodeHandOn(event, record.memberUserId(0));
        }
        event.reply.requestAck(stage.encoders, event.frame);
        groups.end(event);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.groupFanOut.deliverChange(event);
    }
}
