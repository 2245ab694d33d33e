package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupUpdateDecoder;
import dev.switchboard.state.GroupRecord;

/**
 * GroupUpdate, by an admin: add, remove, promote or demote the members listed, or rename.
 * Route: check the request against the group (see {@link #apply}), change the record, bump its version, encode the
 * GroupInfo answer and the GroupEvent naming the members listed. Delivery: answer, then journal and deliver the
 * event to every member's devices but the caller's, the removed members' too.
 */
final class GroupUpdateFlow extends Flow
{
    private final GroupUpdateDecoder update = new GroupUpdateDecoder();

    GroupUpdateFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final GroupRouter groups = stage.groups;
        event.frame.decode(update);
        final GroupChange change = update.change();
        if (!groups.load(event, update.groupId()))
        {
            return;
        }
        final int callerIndex = groups.callerIndex(event);
        if (callerIndex < 0)
        {
            return;
        }
        if (GroupRecord.ADMIN != groups.record.role(callerIndex))
        {
            groups.refuse(event, ErrorCode.NOT_GROUP_ADMIN);
            return;
        }

        groups.startNamed();
        final GroupUpdateDecoder.MembersDecoder members = update.members();
        while (members.hasNext())
        {
            if (!groups.addNamed(event, members.next().userId()))
            {
                return;
            }
        }
        final ErrorCode refusal = apply(groups, change, event.caller.userId);
        if (null != refusal)
        {
            groups.refuse(event, refusal);
            return;
        }
        if (!groups.begin(event, true))
        {
            return;
        }
        if (GroupChange.REMOVE_MEMBERS == change)
        {
            // applied to a copy of the list first, so the removed are told too
            for (int i = 0; i < groups.namedCount; i++)
            {
                groups.addDevices(event, groups.named[i], event.caller.userId, event.caller.deviceId);
            }
            removeNamed(groups);
        }
        if (!groups.commit(event))
        {
            return;
        }
        groups.addMemberDevices(event, event.caller.userId, event.caller.deviceId, 0);
        groups.markMemberDevices(event);
        groups.encodeInfo(event);
        groups.encodeEvent(event, change);
        groups.end(event);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        stage.groupFanOut.deliverChange(event);
    }

    /**
     * Check the change against the group and apply it to the record, but for REMOVE_MEMBERS (applied once the
     * removed members' devices are resolved).
     * <ul>
     *   <li>ADD_MEMBERS: registered users, none a member yet, the group no larger than the limit (GROUP_FULL).</li>
     *   <li>REMOVE_MEMBERS: members, not the caller (who leaves with GroupLeave).</li>
     *   <li>PROMOTE_ADMINS: members not yet admins. DEMOTE_ADMINS: admins, leaving at least one.</li>
     *   <li>RENAME: a name of 1..254 bytes and no members.</li>
     * </ul>
     * A list is never empty but for RENAME; any other change (CREATE, LEAVE) is INVALID_FIELD.
     *
     * @return null when applied, else why refused.
     */
    private ErrorCode apply(final GroupRouter groups, final GroupChange change, final long callerUserId)
    {
        final GroupRecord record = groups.record;
        final long[] named = groups.named;
        final int count = groups.namedCount;
        if (GroupChange.RENAME == change)
        {
            final int nameLength = update.nameLength();
            if (count != 0 || nameLength < 1 || nameLength > GroupRecord.MAX_NAME_LENGTH)
            {
                return ErrorCode.INVALID_FIELD;
            }
            update.getName(record.name(), 0, nameLength);
            record.nameLength(nameLength);
            return null;
        }
        if (0 == count)
        {
            return ErrorCode.INVALID_FIELD;
        }

        switch (change)
        {
            case ADD_MEMBERS:
                for (int i = 0; i < count; i++)
                {
                    if (record.indexOf(named[i]) >= 0)
                    {
                        return ErrorCode.INVALID_FIELD;
                    }
                }
                if (record.memberCount() + count > groups.maxMembers)
                {
                    return ErrorCode.GROUP_FULL;
                }
                for (int i = 0; i < count; i++)
                {
                    record.add(named[i], GroupRecord.MEMBER);
                }
                return null;

            case REMOVE_MEMBERS:
                for (int i = 0; i < count; i++)
                {
                    if (named[i] == callerUserId || record.indexOf(named[i]) < 0)
                    {
                        return ErrorCode.INVALID_FIELD;
                    }
                }
                return null;

            case PROMOTE_ADMINS:
            case DEMOTE_ADMINS:
                final int from = GroupChange.PROMOTE_ADMINS == change ? GroupRecord.MEMBER : GroupRecord.ADMIN;
                for (int i = 0; i < count; i++)
                {
                    final int index = record.indexOf(named[i]);
                    if (index < 0 || record.role(index) != from)
                    {
                        return ErrorCode.INVALID_FIELD;
                    }
                }
                if (GroupRecord.ADMIN == from && record.adminCount() == count)
                {
                    return ErrorCode.INVALID_FIELD; // a group keeps an admin
                }
                for (int i = 0; i < count; i++)
                {
                    record.role(record.indexOf(named[i]), GroupRecord.ADMIN - from);
                }
                return null;

            default:
                return ErrorCode.INVALID_FIELD;
        }
    }

    private static void removeNamed(final GroupRouter groups)
    {
        final GroupRecord record = groups.record;
        for (int i = 0; i < groups.namedCount; i++)
        {
            record.removeAt(record.indexOf(groups.named[i]));
        }
    }
}
