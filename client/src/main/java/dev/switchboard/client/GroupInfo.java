package dev.switchboard.client;

import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupRole;

import java.util.ArrayList;
import java.util.List;

/**
 * What this device knows of a group: its members with their roles, its name and the version of the server's copy
 * it reflects. Immutable; the member list is in the server's order.
 */
public record GroupInfo(long groupId, long version, String name, List<GroupMember> members)
{
    public GroupInfo
    {
        members = List.copyOf(members);
    }

    public boolean isMember(final long userId)
    {
        return null != member(userId);
    }

    public boolean isAdmin(final long userId)
    {
        final GroupMember member = member(userId);
        return null != member && member.isAdmin();
    }

    /**
     * The member's entry, or null if the user is not a member.
     */
    public GroupMember member(final long userId)
    {
        for (final GroupMember member : members)
        {
            if (member.userId() == userId)
            {
                return member;
            }
        }
        return null;
    }

    /**
     * The user ids of every member, in order.
     */
    public List<Long> memberUserIds()
    {
        final List<Long> userIds = new ArrayList<>(members.size());
        for (final GroupMember member : members)
        {
            userIds.add(member.userId());
        }
        return userIds;
    }

    /**
     * The group as it is after {@code event}: what a member applies to its own copy. For CREATE the actor is the
     * admin and every other named user a member.
     */
    GroupInfo applied(final GroupEvent event)
    {
        final List<GroupMember> updated = new ArrayList<>(members);
        final List<Long> named = event.memberUserIds();
        switch (event.change())
        {
            case CREATE ->
            {
                updated.clear();
                for (final long userId : named)
                {
                    updated.add(new GroupMember(
                        userId, userId == event.actorUserId() ? GroupRole.ADMIN : GroupRole.MEMBER));
                }
            }
            case ADD_MEMBERS ->
            {
                for (final long userId : named)
                {
                    if (!contains(updated, userId))
                    {
                        updated.add(new GroupMember(userId, GroupRole.MEMBER));
                    }
                }
            }
            case REMOVE_MEMBERS, LEAVE -> updated.removeIf((member) -> named.contains(member.userId()));
            case PROMOTE_ADMINS, DEMOTE_ADMINS ->
            {
                final GroupRole role =
                    GroupChange.PROMOTE_ADMINS == event.change() ? GroupRole.ADMIN : GroupRole.MEMBER;
                for (int i = 0; i < updated.size(); i++)
                {
                    if (named.contains(updated.get(i).userId()))
                    {
                        updated.set(i, new GroupMember(updated.get(i).userId(), role));
                    }
                }
            }
            default ->
            {
                // RENAME: only the name changes, and every event carries the name after the change.
            }
        }
        return new GroupInfo(groupId, event.version(), event.name(), updated);
    }

    private static boolean contains(final List<GroupMember> members, final long userId)
    {
        for (final GroupMember member : members)
        {
            if (member.userId() == userId)
            {
                return true;
            }
        }
        return false;
    }
}
