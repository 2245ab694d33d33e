package dev.switchboard.client;

import dev.switchboard.codec.sbe.GroupChange;

import java.util.List;

/**
 * A change to a group this device's user belongs to (or just left or was removed from). {@code memberUserIds} are
 * the users the change names: added, removed, promoted, demoted, the leaver; every member for CREATE. An
 * {@code actorUserId} of 0 means the server made the change (an admin handed on when the last one left).
 */
public record GroupEvent(
    long messageId,
    long timestampMs,
    long groupId,
    long version,
    GroupChange change,
    long actorUserId,
    int actorDeviceId,
    List<Long> memberUserIds,
    String name)
{
    public GroupEvent
    {
        memberUserIds = List.copyOf(memberUserIds);
    }
}
