package dev.switchboard.client;

import dev.switchboard.codec.sbe.GroupRole;

/**
 * One member of a group and its role.
 */
public record GroupMember(long userId, GroupRole role)
{
    public boolean isAdmin()
    {
        return GroupRole.ADMIN == role;
    }
}
