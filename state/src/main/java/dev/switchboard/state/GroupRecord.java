package dev.switchboard.state;

import java.util.Arrays;

/**
 * A reusable group value: version, name, and members in join order, each a member or an admin. Read into and
 * written from by {@link Groups}; one per thread, sized once to the most members a group may have.
 * <pre>
 * stored as:
 *   version      int32
 *   memberCount  uint16
 *   nameLength   uint8
 *   name         nameLength bytes (UTF-8)
 *   members      memberCount x int64: user id, bit 63 set for an admin
 * </pre>
 */
public final class GroupRecord
{
    /** Role of a plain member; the values are the wire's GroupRole. */
    public static final int MEMBER = 0;
    /** Role of an admin. */
    public static final int ADMIN = 1;
    /** Longest name in bytes, as the wire's short string allows. */
    public static final int MAX_NAME_LENGTH = 254;

    static final int HEADER_LENGTH = 4 + 2 + 1;
    static final long ADMIN_BIT = 1L << 63;

    int version;
    int memberCount;
    long[] members;
    int nameLength;
    final byte[] name = new byte[MAX_NAME_LENGTH];

    /**
     * @param capacity members the record holds without growing.
     */
    public GroupRecord(final int capacity)
    {
        members = new long[Math.max(1, capacity)];
    }

    /** Start an empty group: version 0, no members, no name. */
    public void clear()
    {
        version = 0;
        memberCount = 0;
        nameLength = 0;
    }

    public int version()
    {
        return version;
    }

    /** Advance the version by one: every change does. */
    public void bumpVersion()
    {
        version++;
    }

    public int memberCount()
    {
        return memberCount;
    }

    /** User id of the member at an index in join order. */
    public long memberUserId(final int index)
    {
        return members[index] & ~ADMIN_BIT;
    }

    /** Role of the member at an index: {@link #MEMBER} or {@link #ADMIN}. */
    public int role(final int index)
    {
        return members[index] < 0 ? ADMIN : MEMBER;
    }

    /** Set the role of the member at an index. */
    public void role(final int index, final int role)
    {
        members[index] = ADMIN == role ? members[index] | ADMIN_BIT : members[index] & ~ADMIN_BIT;
    }

    /**
     * @return the index of the user among the members, or -1.
     */
    public int indexOf(final long userId)
    {
        final long[] members = this.members;
        for (int i = 0, count = memberCount; i < count; i++)
        {
            if ((members[i] & ~ADMIN_BIT) == userId)
            {
                return i;
            }
        }
        return -1;
    }

    /** Admins among the members. */
    public int adminCount()
    {
        int admins = 0;
        for (int i = 0; i < memberCount; i++)
        {
            if (members[i] < 0)
            {
                admins++;
            }
        }
        return admins;
    }

    /** Add a member last in join order. */
    public void add(final long userId, final int role)
    {
        if (memberCount == members.length)
        {
            members = Arrays.copyOf(members, memberCount * 2);
        }
        members[memberCount++] = ADMIN == role ? userId | ADMIN_BIT : userId;
    }

    /** Remove the member at an index; those after it keep their join order. */
    public void removeAt(final int index)
    {
        System.arraycopy(members, index + 1, members, index, memberCount - index - 1);
        memberCount--;
    }

    public int nameLength()
    {
        return nameLength;
    }

    /** The name's bytes, valid up to {@link #nameLength()}. */
    public byte[] name()
    {
        return name;
    }

    /** Set the name length after writing up to {@link #MAX_NAME_LENGTH} bytes into {@link #name()}. */
    public void nameLength(final int nameLength)
    {
        this.nameLength = nameLength;
    }

    /**
     * Become a copy of another record, growing only if it has more members than this one holds.
     */
    public void copyFrom(final GroupRecord other)
    {
        version = other.version;
        nameLength = other.nameLength;
        System.arraycopy(other.name, 0, name, 0, other.nameLength);
        if (other.memberCount > members.length)
        {
            members = new long[other.memberCount];
        }
        System.arraycopy(other.members, 0, members, 0, other.memberCount);
        memberCount = other.memberCount;
    }

    int storedLength()
    {
        return HEADER_LENGTH + nameLength + memberCount * 8;
    }
}
