package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalDiskBoundTest
{
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final int RECIPIENTS = 8;
    private static final int WINDOW = 64;
    private static final int STUCK = 5;

    @TempDir
    File dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private Journal journal;

    @AfterEach
    void after()
    {
        CloseHelper.close(journal);
    }

    private JournalContext context()
    {
        clock.update(NOW_MS);
        return new JournalContext()
            .dataDir(dir)
            .segmentLength(SEGMENT_LENGTH)
            .maxPayloadLength(1024)
            .syncPolicy(SyncPolicy.NONE)
            .epochClock(clock);
    }

    private static int segmentFiles(final File dir)
    {
        return dir.listFiles((d, name) -> name.endsWith(Segment.SUFFIX)).length;
    }

    @Test
    void shouldKeepTheSegmentCountBoundedUnderSteadyAppendAndAckWithAFewStuckRecords()
    {
        journal = Journal.open(context());
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        // recipients that never come back online: their records must not pin the segments they were written to
        for (int i = 1; i <= STUCK; i++)
        {
            assertEquals(Journal.OK, journal.append(1_000 + i, 1, i, 1, 1, 0, NOW_MS, 1, payload, 0, 200));
        }

        final int appends = 200_000;
        int maxSegments = 0;
        for (long id = STUCK + 1; id <= appends; id++)
        {
            payload.putLong(0, id);
            assertEquals(Journal.OK, journal.append(id % RECIPIENTS, 2, id, 1, 1, 0, NOW_MS, 1, payload, 0, 200));
            final long acked = id - WINDOW;
            if (acked > STUCK)
            {
                assertTrue(journal.delete(acked % RECIPIENTS, 2, acked));
            }
            journal.sync(); // the ring's end of batch, where compaction runs
            maxSegments = Math.max(maxSegments, journal.counters().segmentCount());
        }

        // 200,000 records of ~280 bytes are ~850 segments' worth; the live data fits in one
        assertTrue(maxSegments <= 4, "max segments " + maxSegments);
        assertTrue(journal.counters().reclaimedSegments() > 800, "reclaimed " + journal.counters().reclaimedSegments());
        assertTrue(journal.counters().compactedRecords() > 0);
        assertEquals(STUCK + WINDOW, journal.counters().liveEntries());
        assertEquals(journal.counters().liveEntries(), journal.segmentLiveRefs());
        final int segmentsInUse = journal.counters().segmentCount();
        journal.close();
        // closing stops the segment agent once it has deleted what it was handed and the segment it made ready
        assertEquals(segmentsInUse, segmentFiles(dir));
        assertEquals(0, dir.listFiles((d, name) -> name.endsWith(".free") || name.endsWith(".tmp")).length);

        journal = Journal.open(context());
        assertTrue(journal.recoveryReport().isClean(), journal.recoveryReport().toString());
        assertEquals(STUCK + WINDOW, journal.counters().liveEntries());
        assertEquals(journal.counters().liveEntries(), journal.segmentLiveRefs());
        for (int i = 1; i <= STUCK; i++)
        {
            final CollectingHandler handler = new CollectingHandler();
            assertEquals(1, journal.read(1_000 + i, 1, 0, 10, handler));
            assertEquals(List.of((long)i), handler.messageIds);
        }
        final CollectingHandler recent = new CollectingHandler();
        journal.read(appends % RECIPIENTS, 2, 0, 100, recent);
        assertEquals(WINDOW / RECIPIENTS, recent.messageIds.size());
        assertEquals(appends, (long)recent.messageIds.get(recent.messageIds.size() - 1));
    }

    @Test
    void shouldCompactAPinnedSegmentEvenWhenItIsMostlyLive()
    {
        journal = Journal.open(context());
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        long id = 0;
        // fill most of a segment with records for a recipient that stays offline
        while (journal.counters().segmentCount() == 1)
        {
            id++;
            journal.append(7, 7, id, 1, 1, 0, NOW_MS, 1, payload, 0, 200);
        }
        final long offline = id;
        int maxSegments = 0;
        for (int i = 0; i < 20_000; i++)
        {
            id++;
            journal.append(8, 8, id, 1, 1, 0, NOW_MS, 1, payload, 0, 200);
            assertTrue(journal.delete(8, 8, id));
            journal.sync();
            maxSegments = Math.max(maxSegments, journal.counters().segmentCount());
        }

        assertTrue(maxSegments <= 4, "max segments " + maxSegments);
        assertEquals(offline, journal.count(7, 7));
        assertEquals(journal.counters().liveEntries(), journal.segmentLiveRefs());
        journal.close();
        journal = Journal.open(context());
        assertEquals(offline, journal.count(7, 7));
        final CollectingHandler handler = new CollectingHandler();
        journal.read(7, 7, 0, Integer.MAX_VALUE, handler);
        for (int i = 0; i < handler.messageIds.size(); i++)
        {
            assertEquals(i + 1, (long)handler.messageIds.get(i));
        }
    }

    @Test
    void shouldKeepUnacknowledgedRecordsThroughCompactionAndReopen()
    {
        journal = Journal.open(context());
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        final int last = 20_000;
        for (long id = 1; id <= last; id++)
        {
            payload.putLong(0, id);
            assertEquals(Journal.OK, journal.append(id % 4, 1, id, 9, 1, id, NOW_MS, 1, payload, 0, 200));
            if ((id - 1) % 10 != 0 && id > 1)
            {
                assertTrue(journal.delete((id - 1) % 4, 1, id - 1));
            }
            journal.sync();
        }
        assertEquals(last / 10, journal.counters().liveEntries());
        assertEquals(journal.counters().liveEntries(), journal.segmentLiveRefs());
        journal.close();

        journal = Journal.open(context());
        assertEquals(last / 10, journal.counters().liveEntries(), journal.recoveryReport().toString());
        for (long id = 10; id <= last; id += 10)
        {
            final CollectingHandler handler = new CollectingHandler();
            journal.read(id % 4, 1, id - 1, 1, handler);
            assertEquals(List.of(id), handler.messageIds);
            assertEquals(id, handler.correlationIds.get(0));
        }
    }

    @Test
    void shouldMoveOnlyTheUndeliveredRecipientsOfAFanOutForward()
    {
        journal = Journal.open(context());
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        final long[] users = {1, 2, 3};
        final int[] devices = {0, 0, 0};
        final int groupMessages = 10_000;
        int maxSegments = 0;
        for (long id = 1; id <= groupMessages; id++)
        {
            payload.putLong(0, id);
            assertEquals(0, journal.appendToMany(users, devices, 3, id, 9, 1, id, NOW_MS, 1, payload, 0, 200));
            // recipients 1 and 2 read everything at once; recipient 3 keeps every hundredth message
            assertTrue(journal.delete(1, 0, id));
            assertTrue(journal.delete(2, 0, id));
            if (id % 100 != 0)
            {
                assertTrue(journal.delete(3, 0, id));
            }
            journal.sync();
            maxSegments = Math.max(maxSegments, journal.counters().segmentCount());
        }

        assertTrue(maxSegments <= 5, "max segments " + maxSegments);
        assertTrue(journal.counters().compactedRecords() > 0);
        assertEquals(groupMessages / 100, journal.count(3, 0));
        assertEquals(journal.counters().liveEntries(), journal.segmentLiveRefs());
        journal.close();

        journal = Journal.open(context());
        assertEquals(0, journal.count(1, 0));
        assertEquals(0, journal.count(2, 0));
        final CollectingHandler handler = new CollectingHandler();
        journal.read(3, 0, 0, Integer.MAX_VALUE, handler);
        assertEquals(groupMessages / 100, handler.messageIds.size());
        for (int i = 0; i < handler.messageIds.size(); i++)
        {
            final long id = (i + 1) * 100L;
            assertEquals(id, handler.messageIds.get(i));
            assertEquals(id, handler.correlationIds.get(i));
        }
    }
}
