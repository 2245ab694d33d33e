package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.state.GroupRecord;
import dev.switchboard.state.Groups;
import org.agrona.collections.LongHashSet;

/**
 * The route stage's side of groups: sole writer of the group table, in ring order, so every request sees the
 * membership as the requests before it left it (a member removed gets nothing sent after; one added, nothing sent
 * before). Checks a request against the group, resolves the devices it goes to into the {@link GroupHandoff} and
 * encodes the frames the table's state at that point gives (GroupInfo, GroupEvent). Reuses one record, one list of
 * named members and one set; allocates nothing per request.
 */
final class GroupRouter
{
    /** Bytes of a GroupInfo or GroupEvent frame besides its members: headers, block, name. */
    private static final int FRAME_OVERHEAD = 384;
    /** Bytes per member in a GroupInfo (user id, role); a GroupEvent takes 8. */
    private static final int FRAME_BYTES_PER_MEMBER = 9;
    /** Slots of the on-heap cache of groups (each up to 8 KiB at 1,024 members, made on first use). */
    static final int CACHE_SLOTS = 256;

    final Groups table;
    /** The group the current request is about, as read; a change edits it in place, then writes it back. */
    final GroupRecord record;
    /** The members a request names, validated, in its order. */
    final long[] named;
    int namedCount;
    final int maxMembers;
    private final int maxDevicesPerMember;
    private final int maxFramesLength;
    private final LongHashSet seen;
    /** The groups last read or written, by slot: hot groups are served without a table lookup. */
    private final long[] cachedIds = new long[CACHE_SLOTS];
    private final GroupRecord[] cached = new GroupRecord[CACHE_SLOTS];
    private final GroupHandoff handoff;
    private final RouteStage stage;

    GroupRouter(final RouteStage stage, final Groups table, final int maxDevicesPerMember, final GroupHandoff handoff)
    {
        this.stage = stage;
        this.table = table;
        this.handoff = handoff;
        this.maxDevicesPerMember = maxDevicesPerMember;
        maxMembers = table.maxMembers();
        record = table.newRecord();
        named = new long[maxMembers];
        seen = new LongHashSet(maxMembers * 2);
        maxFramesLength = maxFramesLength(maxMembers);
    }

    /** Bytes of the frames one group change may encode: the answer and two events. */
    static int maxFramesLength(final int maxMembers)
    {
        return 3 * RingEvent.align(FRAME_OVERHEAD + FRAME_BYTES_PER_MEMBER * maxMembers);
    }

    /** Devices of the largest fan-out. */
    static int maxDevices(final int maxMembers, final int maxDevicesPerMember)
    {
        return maxMembers * maxDevicesPerMember;
    }

    /**
     * Read the group into {@link #record}; refuse UNKNOWN_GROUP.
     */
    boolean load(final RingEvent event, final long groupId)
    {
        if (!find(groupId))
        {
            refuse(event, ErrorCode.UNKNOWN_GROUP);
            return false;
        }
        event.group.groupId = groupId;
        return true;
    }

    /**
     * Read the group into {@link #record}, from the cache when it holds it: the table is written only here, so the
     * cache is never stale, and a hot group's sends read no table (whose lookups may allocate).
     *
     * @return false if there is no such group.
     */
    boolean find(final long groupId)
    {
        if (groupId <= 0)
        {
            return false;
        }
        final int slot = slot(groupId);
        if (cachedIds[slot] == groupId)
        {
            record.copyFrom(cached[slot]);
            return true;
        }
        if (!table.read(groupId, record))
        {
            return false;
        }
        cache(groupId);
        return true;
    }

    /**
     * @return the caller's index among the members, or -1 having refused NOT_GROUP_MEMBER.
     */
    int callerIndex(final RingEvent event)
    {
        final int index = record.indexOf(event.caller.userId);
        if (index < 0)
        {
            refuse(event, ErrorCode.NOT_GROUP_MEMBER);
        }
        return index;
    }

    /** Start a list of named members. */
    void startNamed()
    {
        namedCount = 0;
        seen.clear();
    }

    /**
     * Name one more member of a request's list: it must be a registered user, named once, and the list no longer
     * than a group holds.
     */
    boolean addNamed(final RingEvent event, final long userId)
    {
        if (namedCount == maxMembers)
        {
            refuse(event, ErrorCode.GROUP_FULL);
            return false;
        }
        if (!seen.add(userId))
        {
            refuse(event, ErrorCode.INVALID_FIELD);
            return false;
        }
        if (!stage.accounts.exists(userId))
        {
            refuse(event, ErrorCode.UNKNOWN_USER);
            return false;
        }
        named[namedCount++] = userId;
        return true;
    }

    /**
     * A group name: 1 to 254 bytes, copied into the record.
     */
    boolean checkName(final RingEvent event, final int nameLength)
    {
        if (nameLength < 1 || nameLength > GroupRecord.MAX_NAME_LENGTH)
        {
            refuse(event, ErrorCode.INVALID_FIELD);
            return false;
        }
        return true;
    }

    /**
     * Claim room in the handoff for the request's devices and frames; refuse SERVER_BUSY when the delivery stage is
     * that far behind.
     */
    boolean begin(final RingEvent event, final boolean withFrames)
    {
        if (!handoff.begin(event.group, maxMembers * maxDevicesPerMember, withFrames ? maxFramesLength : 0))
        {
            stage.counters.increment(RingCounters.GROUP_HANDOFF_FULL);
            refuse(event, ErrorCode.SERVER_BUSY);
            return false;
        }
        return true;
    }

    /**
     * Add every device of every member in the record, but the skipped device; with sender set, leave out the
     * members who blocked it.
     */
    void addMemberDevices(final RingEvent event, final long skipUserId, final int skipDeviceId, final long sender)
    {
        final GroupRecord record = this.record;
        for (int i = 0, count = record.memberCount(); i < count; i++)
        {
            final long userId = record.memberUserId(i);
            if (0 == sender || userId == sender || !stage.isBlocked(userId, sender))
            {
                addDevices(event, userId, skipUserId, skipDeviceId);
            }
        }
    }

    /**
     * Add every device of the user but the skipped one.
     */
    void addDevices(final RingEvent event, final long userId, final long skipUserId, final int skipDeviceId)
    {
        final int[] deviceIds = stage.deviceIds;
        final int count = stage.devices.deviceIds(userId, deviceIds);
        for (int d = 0; d < count; d++)
        {
            if (userId != skipUserId || deviceIds[d] != skipDeviceId)
            {
                handoff.add(event.group, userId, deviceIds[d]);
            }
        }
    }

    /**
     * The devices added so far all get every event of the change; any added after get only the first.
     */
    void markMemberDevices(final RingEvent event)
    {
        event.group.memberDeviceCount = event.group.deviceCount;
    }

    /**
     * Bump the version and write the record back; refuse STATE_FULL if the table is full.
     */
    boolean commit(final RingEvent event)
    {
        record.bumpVersion();
        if (!table.write(event.group.groupId, record))
        {
            refuse(event, ErrorCode.STATE_FULL);
            return false;
        }
        cache(event.group.groupId);
        stage.counters.increment(RingCounters.GROUP_CHANGES);
        return true;
    }

    /**
     * Remove the group: its last member left.
     */
    void remove(final long groupId)
    {
        table.remove(groupId);
        final int slot = slot(groupId);
        if (cachedIds[slot] == groupId)
        {
            cachedIds[slot] = 0;
        }
        stage.counters.increment(RingCounters.GROUP_CHANGES);
    }

    private void cache(final long groupId)
    {
        final int slot = slot(groupId);
        if (null == cached[slot])
        {
            cached[slot] = table.newRecord();
        }
        cached[slot].copyFrom(record);
        cachedIds[slot] = groupId;
    }

    private static int slot(final long groupId)
    {
        return (int)(groupId ^ (groupId >>> 32)) & (CACHE_SLOTS - 1);
    }

    /**
     * Encode the GroupInfo answer from the record, first of the request's frames.
     */
    void encodeInfo(final RingEvent event)
    {
        final GroupSlot slot = event.group;
        slot.infoLength = stage.encoders.groupInfo(
            handoff.frames, slot.framesOffset, event.frame.requestId, slot.groupId, record);
    }

    /**
     * Encode the change's GroupEvent, naming the listed members, after the answer; it takes the event's message id.
     */
    void encodeEvent(final RingEvent event, final GroupChange change)
    {
        final GroupSlot slot = event.group;
        event.recipients.messageId = stage.messageIds.next(event.timestampMs);
        slot.eventLength = stage.encoders.groupEvent(
            handoff.frames,
            slot.framesOffset + RingEvent.align(slot.infoLength),
            event.recipients.messageId,
            event.timestampMs,
            slot.groupId,
            record,
            change,
            event.caller.userId,
            event.caller.deviceId,
            named,
            namedCount);
    }

    /**
     * Encode the server's own PROMOTE_ADMINS of the one member named, after the change's event, with the next id.
     */
    void encodeHandOn(final RingEvent event, final long promotedUserId)
    {
        final GroupSlot slot = event.group;
        slot.handOnMessageId = stage.messageIds.next(event.timestampMs);
        named[0] = promotedUserId;
        slot.handOnLength = stage.encoders.groupEvent(
            handoff.frames,
            slot.framesOffset + RingEvent.align(slot.infoLength) + RingEvent.align(slot.eventLength),
            slot.handOnMessageId,
            event.timestampMs,
            slot.groupId,
            record,
            GroupChange.PROMOTE_ADMINS,
            0,
            0,
            named,
            1);
    }

    /** Close the request's claim on the handoff. */
    void end(final RingEvent event)
    {
        if (event.group.claimed)
        {
            handoff.end(event.group);
        }
    }

    /**
     * Refuse a group request: an Error, and nothing for the delivery stage to do.
     */
    void refuse(final RingEvent event, final ErrorCode code)
    {
        stage.counters.increment(RingCounters.GROUP_REQUESTS_REFUSED);
        event.endFlow();
        event.recipients.count = 0;
        event.reply.error(stage.encoders, event.frame, code);
    }
}
