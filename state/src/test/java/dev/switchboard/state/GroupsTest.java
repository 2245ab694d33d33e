package dev.switchboard.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupsTest
{
    @TempDir
    File dataDir;

    private StateContext context()
    {
        return new StateContext().dataDir(dataDir).maxAccounts(10_000).groupCapacity(1_000);
    }

    @Test
    void shouldKeepGroupsAndTheirIdsAcrossReopen()
    {
        final long firstId;
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final Groups groups = state.newGroups();
            assertEquals(StateConfiguration.GROUP_MAX_MEMBERS_DEFAULT, groups.maxMembers());
            firstId = groups.nextGroupId();
            assertEquals(firstId + 1, groups.nextGroupId());

            final GroupRecord record = groups.newRecord();
            record.clear();
            record.add(7, GroupRecord.ADMIN);
            record.add(3, GroupRecord.MEMBER);
            record.add(5, GroupRecord.MEMBER);
            final byte[] name = "friends".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(name, 0, record.name(), 0, name.length);
            record.nameLength(name.length);
            record.bumpVersion();
            assertTrue(groups.write(firstId, record));
        }

        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final Groups groups = state.newGroups();
            assertEquals(firstId + 2, groups.nextGroupId(), "ids are never reused after a restart");
            final GroupRecord record = groups.newRecord();
            assertFalse(groups.read(firstId + 1, record));
            assertTrue(groups.read(firstId, record));
            assertEquals(1, record.version());
            assertEquals(3, record.memberCount());
            assertEquals(7, record.memberUserId(0));
            assertEquals(GroupRecord.ADMIN, record.role(0));
            assertEquals(3, record.memberUserId(1));
            assertEquals(GroupRecord.MEMBER, record.role(1));
            assertEquals(1, record.adminCount());
            assertEquals("friends", new String(record.name(), 0, record.nameLength(), StandardCharsets.UTF_8));

            record.removeAt(0);
            assertEquals(3, record.memberUserId(0), "join order kept");
            assertEquals(1, record.indexOf(5));
            assertEquals(-1, record.indexOf(7));
            groups.remove(firstId);
            assertFalse(groups.read(firstId, record));
        }
    }

    @Test
    void shouldNotAllocateReadingAGroup()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final Groups groups = state.newGroups();
            final GroupRecord record = groups.newRecord();
            record.clear();
            for (int i = 0; i < 1024; i++)
            {
                record.add(1 + i, GroupRecord.MEMBER);
            }
            record.nameLength(10);
            assertTrue(groups.write(1, record));

            long sum = 0;
            for (int i = 0; i < 20_000; i++)
            {
                groups.read(1, record);
                sum += record.memberCount();
            }
            final long threadId = Thread.currentThread().getId();
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 100_000; i++)
            {
                groups.read(1, record);
                sum += record.memberCount();
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            assertEquals(120_000L * 1024, sum);
            assertTrue(allocated < 16 * 1024, "100,000 reads allocated " + allocated + " bytes");
        }
    }

    @Test
    void shouldHoldAGroupOfTheMostMembers()
    {
        try (SwitchboardState state = SwitchboardState.open(context()))
        {
            final Groups groups = state.newGroups();
            final GroupRecord record = groups.newRecord();
            for (int g = 1; g <= 20; g++)
            {
                record.clear();
                for (int i = 0; i < groups.maxMembers(); i++)
                {
                    record.add(g * 10_000L + i, 0 == i ? GroupRecord.ADMIN : GroupRecord.MEMBER);
                }
                record.nameLength(GroupRecord.MAX_NAME_LENGTH);
                assertTrue(groups.write(g, record));
            }
            final GroupRecord read = groups.newRecord();
            assertTrue(groups.read(20, read));
            assertEquals(groups.maxMembers(), read.memberCount());
            assertEquals(200_000L + groups.maxMembers() - 1, read.memberUserId(groups.maxMembers() - 1));
            assertEquals(GroupRecord.MAX_NAME_LENGTH, read.nameLength());
        }
    }
}
