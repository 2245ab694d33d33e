package dev.switchboard.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceAllocationTest
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
