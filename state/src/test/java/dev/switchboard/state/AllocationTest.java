package dev.switchboard.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocationTest
{
    private static final int USERS = 1_000;
    private static final int LOOKUPS = 1_000_000;
    private static final int WARM_UP_ROUNDS = 5;
    // room for a one-off allocation by the JIT or the MXBean call itself, far below one byte per lookup
    private static final long TOLERANCE_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    private SwitchboardState state;

    @AfterEach
    void after()
    {
        if (null != state)
        {
            state.close();
        }
    }

    @Test
    void shouldNotAllocateOnLookupsOrUpdates()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        state = TestStates.open(dir);
        final Presence presence = state.newPresence();
        for (long userId = 1; userId <= USERS; userId++)
        {
            presence.online(userId, 1, (int)(userId & 1), userId * 10, 1_000);
        }

        for (int i = 0; i < WARM_UP_ROUNDS; i++)
        {
            lookUp(presence);
            update(presence, i);
        }

        final long threadId = Thread.currentThread().getId();
        final long lookupsBefore = threads.getThreadAllocatedBytes(threadId);
        final long checksum = lookUp(presence);
        final long lookupsAllocated = threads.getThreadAllocatedBytes(threadId) - lookupsBefore;

        final long updatesBefore = threads.getThreadAllocatedBytes(threadId);
        update(presence, WARM_UP_ROUNDS);
        final long updatesAllocated = threads.getThreadAllocatedBytes(threadId) - updatesBefore;

        assertEquals(expectedChecksum(), checksum);
        assertTrue(lookupsAllocated < TOLERANCE_BYTES, "lookups allocated " + lookupsAllocated + " bytes");
        assertTrue(updatesAllocated < TOLERANCE_BYTES, "updates allocated " + updatesAllocated + " bytes");
    }

    @Test
    void shouldNotAllocateOnDeviceFanOutOrAccountLookups()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);

        state = TestStates.open(dir);
        final Devices devices = state.newDevices();
        final Accounts accounts = state.newAccounts();
        final StringBuilder phone = new StringBuilder("+14155550000");
        for (long userId = 1; userId <= USERS; userId++)
        {
            devices.addDevice(userId, TestStates.key((int)userId), 1);
            devices.addDevice(userId, TestStates.key((int)-userId), 2);
        }
        accounts.create(phone);

        final int[] ids = new int[4];
        final byte[] key = new byte[Devices.LOGIN_KEY_LENGTH];
        long count = 0;
        for (int i = 0; i < WARM_UP_ROUNDS; i++)
        {
            count += fanOut(devices, accounts, phone, ids, key);
        }

        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        count = fanOut(devices, accounts, phone, ids, key);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(LOOKUPS / 10 * 4L, count);
        assertTrue(allocated < TOLERANCE_BYTES, "allocated " + allocated + " bytes");
    }

    private static long fanOut(
        final Devices devices, final Accounts accounts, final CharSequence phone, final int[] ids, final byte[] key)
    {
        long count = 0;
        for (int i = 0; i < LOOKUPS / 10; i++)
        {
            final long userId = 1 + (i % USERS);
            final int deviceCount = devices.deviceIds(userId, ids);
            for (int d = 0; d < deviceCount; d++)
            {
                count += devices.loginKey(userId, ids[d], key) ? 1 : 0;
            }
            count += deviceCount + accounts.userIdOf(phone) - 1;
        }
        return count;
    }

    private static long lookUp(final Presence presence)
    {
        long checksum = 0;
        for (int i = 0; i < LOOKUPS; i++)
        {
            final long userId = 1 + (i % USERS);
            checksum += presence.connectionId(userId, 1);
        }
        return checksum;
    }

    private static void update(final Presence presence, final int round)
    {
        for (int i = 0; i < LOOKUPS / 10; i++)
        {
            final long userId = 1 + (i % USERS);
            presence.offline(userId, 1, userId * 10, 2_000 + round);
            presence.online(userId, 1, (int)(userId & 1), userId * 10, 3_000 + round);
        }
    }

    private static long expectedChecksum()
    {
        long checksum = 0;
        for (int i = 0; i < LOOKUPS; i++)
        {
            checksum += (1 + (i % USERS)) * 10L;
        }
        return checksum;
    }
}
