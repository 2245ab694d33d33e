package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * The group table: group id -> {@link GroupRecord} (version, name, members in join order with roles), and the
 * persisted counter that hands out group ids, never reused across restarts. A view for one thread, reusing its key;
 * one ring stage writes the table.
 */
public final class Groups
{
    /** Returned by {@link #nextGroupId()} when ids have run out; never a group's id. */
    public static final long NO_GROUP = 0;

    private final ChronicleMap<LongRef, LongRef> meta;
    private final ChronicleMap<LongRef, GroupRecord> groups;
    private final int maxMembers;
    private final LongRef key = new LongRef();
    private final LongRef value = new LongRef();

    Groups(
        final ChronicleMap<LongRef, LongRef> meta,
        final ChronicleMap<LongRef, GroupRecord> groups,
        final int maxMembers)
    {
        this.meta = meta;
        this.groups = groups;
        this.maxMembers = maxMembers;
    }

    /** Most members a group may have. */
    public int maxMembers()
    {
        return maxMembers;
    }

    /** A record sized for {@link #maxMembers()}, for the caller to keep and reuse. */
    public GroupRecord newRecord()
    {
        return new GroupRecord(maxMembers);
    }

    /**
     * Take the next group id: the counter moves on disk first, so a crash before the group is written leaves a gap,
     * never a reused id.
     */
    public long nextGroupId()
    {
        key.value = MetaTable.NEXT_GROUP_ID;
        final long groupId = null == meta.getUsing(key, value) ? 1 : value.value;
        meta.put(key, value.set(groupId + 1));
        return groupId;
    }

    /**
     * Read a group into the caller's record.
     *
     * @return false if there is no such group.
     */
    public boolean read(final long groupId, final GroupRecord into)
    {
        return null != groups.getUsing(key.set(groupId), into);
    }

    /**
     * Write a group, replacing what was there.
     *
     * @return false if the table is full.
     */
    public boolean write(final long groupId, final GroupRecord record)
    {
        try
        {
            groups.put(key.set(groupId), record);
            return true;
        }
        catch (final IllegalStateException ex)
        {
            return false; // Chronicle reports a full table this way
        }
    }

    /** Remove a group: its last member left. */
    public void remove(final long groupId)
    {
        groups.remove(key.set(groupId));
    }

    public long size()
    {
        return groups.longSize();
    }
}
