package dev.switchboard.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceTest
{
    private static final long USER = 7;

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
    void shouldReadUnknownDevicesAsOffline()
    {
        state = TestStates.open(dir);
        final Presence presence = state.newPresence();

        assertEquals(Presence.NO_CONNECTION, presence.connectionId(USER, 1));
        assertEquals(Presence.NO_POLLER, presence.pollerIndex(USER, 1));
        assertFalse(presence.isOnline(USER));
        assertEquals(0, presence.lastSeenMs(USER));
    }

    @Test
    void shouldGoOnlineAndOffline()
    {
        state = TestStates.open(dir);
        final Presence presence = state.newPresence();

        presence.online(USER, 2, 1, 500, 1_000);
        assertEquals(500, presence.connectionId(USER, 2));
        assertEquals(1, presence.pollerIndex(USER, 2));
        assertTrue(presence.isOnline(USER));
        assertTrue(presence.isOnline(USER, 2));
        assertFalse(presence.isOnline(USER, 1));
        assertEquals(1_000, presence.lastSeenMs(USER));

        assertTrue(presence.offline(USER, 2, 500, 2_000));
        assertEquals(Presence.NO_CONNECTION, presence.connectionId(USER, 2));
        assertEquals(Presence.NO_POLLER, presence.pollerIndex(USER, 2));
        assertFalse(presence.isOnline(USER));
        assertEquals(2_000, presence.lastSeenMs(USER));
        assertFalse(presence.offline(USER, 2, 500, 3_000));
        assertEquals(2_000, presence.lastSeenMs(USER));
    }

    @Test
    void shouldIgnoreAStaleCloseAfterAReconnect()
    {
        state = TestStates.open(dir);
        final Presence presence = state.newPresence();

        assertEquals(Presence.NO_CONNECTION, presence.online(USER, 1, 0, 100, 1_000));
        assertEquals(100, presence.online(USER, 1, 1, 200, 1_500));
        assertEquals(0, presence.lastPollerIndex());
        assertEquals(Presence.NO_CONNECTION, presence.online(USER, 1, 1, 200, 1_550));

        assertFalse(presence.offline(USER, 1, 100, 1_600));
        assertEquals(200, presence.connectionId(USER, 1));
        assertEquals(1, presence.pollerIndex(USER, 1));
        assertEquals(1_550, presence.lastSeenMs(USER));

        assertTrue(presence.offline(USER, 1, 200, 1_700));
        assertFalse(presence.isOnline(USER));
    }

    @Test
    void shouldTakeLastSeenAsTheLatestOverDevices()
    {
        state = TestStates.open(dir);
        final Presence presence = state.newPresence();

        presence.online(USER, 1, 0, 1, 1_000);
        presence.online(USER, 3, 0, 3, 5_000);
        presence.offline(USER, 3, 3, 6_000);
        presence.offline(USER, 1, 1, 7_000);
        presence.online(USER + 1, 1, 0, 9, 9_000);

        assertEquals(7_000, presence.lastSeenMs(USER));
        presence.online(USER, 4, 0, 4, 8_000);
        assertEquals(8_000, presence.lastSeenMs(USER));
        assertTrue(presence.isOnline(USER));
    }

    @Test
    void shouldIgnoreOutOfRangeInput()
    {
        state = TestStates.open(dir);
        final Presence presence = state.newPresence();

        presence.online(USER, 0, 0, 1, 1_000);
        presence.online(USER, 5, 0, 1, 1_000);
        presence.online(-1, 1, 0, 1, 1_000);
        presence.online(USER, 1, 0, -1, 1_000);

        assertFalse(presence.isOnline(USER));
        assertEquals(0, presence.lastSeenMs(USER));
        assertEquals(Presence.NO_CONNECTION, presence.connectionId(USER, 5));
        assertFalse(presence.offline(USER, 1, Presence.NO_CONNECTION, 1_000));
    }

    @Test
    void shouldReadOfflineAfterReopenButKeepLastSeen()
    {
        state = TestStates.open(dir);
        final int firstEpoch = state.openEpoch();
        final Presence before = state.newPresence();
        before.online(USER, 1, 0, 100, 1_000);
        before.online(USER, 2, 1, 200, 2_000);
        before.offline(USER, 2, 200, 3_000);
        state.close();

        state = TestStates.open(dir);
        assertEquals(firstEpoch + 1, state.openEpoch());
        final Presence presence = state.newPresence();

        assertEquals(Presence.NO_CONNECTION, presence.connectionId(USER, 1));
        assertEquals(Presence.NO_POLLER, presence.pollerIndex(USER, 1));
        assertFalse(presence.isOnline(USER));
        assertEquals(3_000, presence.lastSeenMs(USER));
        // a close of the dead process's connection arriving now changes nothing
        assertFalse(presence.offline(USER, 1, 100, 4_000));
        assertEquals(3_000, presence.lastSeenMs(USER));

        // the dead process's connection is not live, so there is nothing to replace
        assertEquals(Presence.NO_CONNECTION, presence.online(USER, 1, 0, 100, 5_000));
        assertEquals(100, presence.connectionId(USER, 1));
    }

    @Test
    void shouldShareTablesBetweenViews()
    {
        state = TestStates.open(dir);
        final Presence writer = state.newPresence();
        final Presence reader = state.newPresence();

        writer.online(USER, 1, 3, 77, 1_000);
        assertEquals(77, reader.connectionId(USER, 1));
        assertEquals(3, reader.lastPollerIndex());
        assertEquals(3, reader.pollerIndex(USER, 1));
        assertEquals(Presence.NO_CONNECTION, reader.connectionId(USER, 2));
        assertEquals(Presence.NO_POLLER, reader.lastPollerIndex());
    }

    @Test
    void shouldGiveAReaderThreadConsistentRecordsWhileAWriterUpdates() throws Exception
    {
        state = TestStates.open(dir);
        final Presence writer = state.newPresence();
        final Presence reader = state.newPresence();
        final int updates = 200_000;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong mismatches = new AtomicLong();
        final AtomicLong online = new AtomicLong();

        final Thread readerThread = new Thread(() ->
        {
            long previous = -1;
            while (!done.get())
            {
                final long connectionId = reader.connectionId(USER, 1);
                if (Presence.NO_CONNECTION != connectionId)
                {
                    online.incrementAndGet();
                    // the writer pairs each connection with poller (id & 7): a torn record would break the pair
                    if (reader.lastPollerIndex() != (int)(connectionId & 7) || connectionId < previous)
                    {
                        mismatches.incrementAndGet();
                    }
                    previous = connectionId;
                }
            }
        });
        readerThread.start();
        for (long connectionId = 0; connectionId < updates; connectionId++)
        {
            writer.online(USER, 1, (int)(connectionId & 7), connectionId, connectionId);
            if ((connectionId & 3) == 0)
            {
                writer.offline(USER, 1, connectionId, connectionId);
            }
        }
        done.set(true);
        readerThread.join(30_000);

        assertFalse(readerThread.isAlive());
        assertEquals(0, mismatches.get());
        assertTrue(online.get() > 0);
        assertEquals(updates - 1, reader.connectionId(USER, 1));
    }
}
