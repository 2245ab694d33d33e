package dev.switchboard.journal;

import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SegmentAgentTest
{
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final int PAYLOAD_LENGTH = 200;

    @TempDir
    File dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
    private Journal journal;
    private long nextId = 1;

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
            .syncPolicy(SyncPolicy.BATCH)
            .epochClock(clock);
    }

    private void appendOne(final long user)
    {
        final long id = nextId++;
        payload.putLong(0, id);
        assertEquals(Journal.OK, journal.append(user, 1, id, 9, 1, id, NOW_MS, 1, payload, 0, PAYLOAD_LENGTH));
    }

    /** Appends half a segment's worth without rolling; the first write into a tail asks for the next segment. */
    private void fillPastHalf()
    {
        final int segments = journal.counters().segmentCount();
        final int recordLength = RecordDescriptor.aligned(RecordDescriptor.messageLength(1, PAYLOAD_LENGTH));
        for (int i = 0; i < (SEGMENT_LENGTH / 2) / recordLength + 2; i++)
        {
            appendOne(1);
        }
        assertEquals(segments, journal.counters().segmentCount());
    }

    private void appendUntilRoll()
    {
        final int segments = journal.counters().segmentCount();
        while (journal.counters().segmentCount() == segments)
        {
            appendOne(1);
        }
    }

    private static int segmentFiles(final File dir)
    {
        return dir.listFiles((d, name) -> name.endsWith(Segment.SUFFIX)).length;
    }

    @Test
    void shouldSwapToTheSegmentMadeReadyWithoutCreatingOneInline()
    {
        journal = Journal.open(context().segmentAgentInvoked(true));
        final JournalCounters counters = journal.counters();
        for (int roll = 0; roll < 3; roll++)
        {
            fillPastHalf();
            assertEquals(roll, counters.segmentsPrepared.get());
            assertEquals(1, journal.invokeSegmentAgent());
            assertEquals(roll + 1, counters.segmentsPrepared.get());
            assertEquals(journal.counters().segmentCount() + 1, segmentFiles(dir));
            appendUntilRoll();
            journal.sync();
        }
        assertEquals(0, counters.segmentsCreatedInline.get());
        assertEquals(4, journal.counters().segmentCount());
    }

    @Test
    void shouldCreateInlineAndCountItWhenTheAgentHasNotRun()
    {
        journal = Journal.open(context().segmentAgentInvoked(true));
        fillPastHalf();
        appendUntilRoll();
        assertEquals(1, journal.counters().segmentsCreatedInline.get());
        assertEquals(0, journal.counters().segmentsPrepared.get());

        // the request was withdrawn: the agent must not make a second file under the index now in use
        journal.invokeSegmentAgent();
        assertEquals(0, journal.counters().segmentsPrepared.get());
        assertEquals(2, segmentFiles(dir));
        journal.sync();
        journal.close();

        journal = Journal.open(context());
        assertTrue(journal.recoveryReport().isClean(), journal.recoveryReport().toString());
        assertEquals(nextId - 1, journal.count(1, 1));
    }

    @Test
    void shouldRecycleAReclaimedSegmentAsTheNextOneAndDeleteOnlyWhatIsDelivered()
    {
        journal = Journal.open(context().segmentAgentInvoked(true));
        long delivered = 0;
        for (int roll = 0; roll < 6; roll++)
        {
            fillPastHalf();
            journal.invokeSegmentAgent();
            appendUntilRoll();
            // everything but the newest record is delivered
            while (delivered < nextId - 2)
            {
                assertTrue(journal.delete(1, 1, ++delivered));
            }
            assertEquals(1, journal.count(1, 1));
            journal.sync();
            journal.invokeSegmentAgent();
        }
        final JournalCounters counters = journal.counters();
        assertEquals(0, counters.segmentsCreatedInline.get());
        assertTrue(counters.segmentsReclaimed.get() >= 5, counters.segmentsReclaimed.toString());
        assertTrue(counters.segmentsRecycled.get() >= 4, counters.segmentsRecycled.toString());
        assertEquals(1, journal.counters().segmentCount());
        // the tail and the next one made ready from the segment just reclaimed; no spare left over
        assertEquals(2, segmentFiles(dir));
        assertEquals(0, dir.listFiles((d, name) -> name.endsWith(".free")).length);
        journal.close();
        assertEquals(1, segmentFiles(dir));
        assertEquals(0, dir.listFiles((d, name) -> name.endsWith(".free") || name.endsWith(".tmp")).length);

        journal = Journal.open(context());
        assertTrue(journal.recoveryReport().isClean(), journal.recoveryReport().toString());
        final CollectingHandler handler = new CollectingHandler();
        journal.read(1, 1, 0, 10, handler);
        assertEquals(List.of(nextId - 1), handler.messageIds);
    }

    @Test
    void shouldDropAPreparedSegmentNeverWrittenAndTreatTheOneBeforeAsTheTail() throws Exception
    {
        journal = Journal.open(context().segmentAgentInvoked(true));
        fillPastHalf();
        journal.invokeSegmentAgent();
        journal.sync();
        final long lastId = nextId - 1;
        final int segments = journal.counters().segmentCount();
        assertEquals(segments + 1, segmentFiles(dir));
        // a crash leaves the prepared file behind: copy the folder as it is while open
        final File copy = new File(dir, "copy");
        copyFolder(dir, copy);

        journal.close();
        journal = Journal.open(context().dataDir(copy));
        final RecoveryReport report = journal.recoveryReport();
        assertTrue(report.isClean(), report.toString());
        assertEquals(1, report.unusedSegments());
        assertEquals(segments, journal.counters().segmentCount());
        assertEquals(segments, segmentFiles(copy));
        assertEquals(lastId, journal.maxMessageId());
        assertEquals(lastId, journal.count(1, 1));
        appendOne(1);
        assertEquals(lastId + 1, journal.count(1, 1));
    }

    @Test
    void shouldAllocateLabelledCountersInTheGivenManagerAndFreeThemOnClose()
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * CountersReader.COUNTER_LENGTH, 64)));
        journal = Journal.open(context().countersManager(manager));
        for (int i = 0; i < 10; i++)
        {
            appendOne(i);
        }
        assertTrue(journal.delete(3, 1, 4));
        journal.sync();

        final Map<String, Long> values = readCounters(manager);
        assertEquals(10L, values.get(JournalCounters.APPENDS_LABEL));
        assertEquals(1L, values.get(JournalCounters.DELETES_LABEL));
        assertEquals(9L, values.get(JournalCounters.LIVE_ENTRIES_LABEL));
        assertEquals(9L, values.get(JournalCounters.RECIPIENTS_LABEL));
        assertEquals(10L, values.get(JournalCounters.MAX_MESSAGE_ID_LABEL));
        assertEquals(1L, values.get(JournalCounters.SEGMENTS_LABEL));
        assertEquals(1L, values.get(JournalCounters.SYNCS_LABEL));
        assertEquals(
            10L * RecordDescriptor.aligned(RecordDescriptor.messageLength(1, PAYLOAD_LENGTH)),
            values.get(JournalCounters.BYTES_APPENDED_LABEL));
        assertEquals(journal.counters().liveEntries(), values.get(JournalCounters.LIVE_ENTRIES_LABEL));
        assertEquals(journal.maxMessageId(), values.get(JournalCounters.MAX_MESSAGE_ID_LABEL));
        for (final String label : values.keySet())
        {
            assertTrue(label.startsWith("journal: "), label);
        }
        assertEquals(17, values.size());

        journal.close();
        assertTrue(readCounters(manager).isEmpty());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRunTheAgentOnItsOwnNamedThreadUntilClosed() throws Exception
    {
        journal = Journal.open(context());
        assertNotNull(findThread(SegmentAgent.ROLE_NAME));
        fillPastHalf();
        while (0 == journal.counters().segmentsPrepared.get())
        {
            Thread.sleep(1);
        }
        appendUntilRoll();
        assertEquals(0, journal.counters().segmentsCreatedInline.get());
        journal.close();
        final Thread thread = findThread(SegmentAgent.ROLE_NAME);
        assertTrue(null == thread || !thread.isAlive());
    }

    @Test
    void shouldZeroARecycledSegmentWholeThoughItIsZeroedInChunks()
    {
        final int length = 3 * Segment.RECYCLE_ZEROING_CHUNK + 4096;
        final Segment used = Segment.prepare(dir, 1, length);
        used.buffer.setMemory(0, length, (byte)0x5A);
        final Segment recycled = used.retire().recycle(dir, 2);
        assertEquals(2, recycled.index);
        assertTrue(recycled.isUnusedPrepared(), "nothing but the prepared header is left of the old records");
        assertEquals(0, recycled.buffer.getByte(length - 1));
        recycled.closeAndDelete();
    }

    @Test
    void shouldHandTheAskedIndexBackWhenTakenBeforeTheAgentStarted()
    {
        final JournalCounters counters = new JournalCounters(null);
        final SegmentAgent agent = new SegmentAgent(dir, SEGMENT_LENGTH, SyncPolicy.NONE, 0, counters);
        assertTrue(agent.requestNext(7));
        assertFalse(agent.requestNext(8));
        assertNull(agent.takePrepared());
        assertFalse(agent.isIndexInUse());
        assertEquals(0, agent.doWork());
        assertEquals(0, segmentFiles(dir));

        assertTrue(agent.requestNext(8));
        assertEquals(1, agent.doWork());
        final Segment prepared = agent.takePrepared();
        assertNotNull(prepared);
        assertEquals(8, prepared.index);
        assertFalse(prepared.hasValidHeader());
        assertTrue(prepared.isUnusedPrepared());
        prepared.activate(99);
        assertTrue(prepared.hasValidHeader());
        assertEquals(99, prepared.headerMaxMessageId());
        prepared.closeAndDelete();
        agent.onClose();
        counters.close();
    }

    @Test
    void shouldPrepareASegmentWithItsFirstWindowWritableAlready() throws IOException
    {
        assumeTrue(PagePopulator.isAvailable(), "counts the pages through /proc/self/smaps");
        final int window = 16 * PageToucher.PAGE_SIZE;
        final JournalCounters counters = new JournalCounters(null);
        final SegmentAgent agent = new SegmentAgent(dir, 16 * window, SyncPolicy.NONE, window, counters);
        assertTrue(agent.requestNext(3));
        assertEquals(1, agent.doWork());
        final Segment prepared = agent.takePrepared();
        try
        {
            // not only the header's page: the writer starts on it before the agent next wakes
            assertEquals(window / 1024, MappingPages.dirtyKb(prepared.buffer.addressOffset()));
        }
        finally
        {
            prepared.closeAndDelete();
            agent.onClose();
            counters.close();
        }
    }

    @Test
    void shouldNotAllocateOnTheOwnerThreadInSteadyAppendAckAndSyncAcrossRolls()
    {
        for (final SyncPolicy policy : new SyncPolicy[]{ SyncPolicy.NONE, SyncPolicy.BATCH })
        {
            journal = Journal.open(context()
                .dataDir(new File(dir, policy.name()))
                .segmentLength(256 * 1024)
                .syncPolicy(policy)
                .segmentAgentInvoked(true));
            final int ops = 20_000;
            runAppendAck(ops, false);
            final long allocated = runAppendAck(ops, true);
            assertTrue(journal.counters().segmentsPrepared.get() > 10);
            assertEquals(0, journal.counters().segmentsCreatedInline.get());
            // one 16-byte object per op would be 320,000 bytes; the JVM's own one-off linkage after a recompile
            // (a few hundred bytes, now and then) is let through
            assertTrue(allocated < ops / 4, policy.name() + " allocated " + allocated + " bytes in " + ops + " ops");
            journal.close();
        }
    }

    /** Append + ack with a sync every 64 ops, the agent run between batches; bytes allocated by the journal calls. */
    private long runAppendAck(final int ops, final boolean measure)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (int i = 0; i < ops; i++)
        {
            final long beforeBytes = measure ? threads.getCurrentThreadAllocatedBytes() : 0;
            final long id = nextId++;
            payload.putLong(0, id);
            journal.append(id & 63, 1, id, 9, 1, id, NOW_MS, 1, payload, 0, PAYLOAD_LENGTH);
            if (id > 64)
            {
                journal.delete((id - 64) & 63, 1, id - 64);
            }
            if (0 == (id & 63))
            {
                journal.sync();
            }
            allocated += measure ? threads.getCurrentThreadAllocatedBytes() - beforeBytes : 0;
            if (0 == (id & 63))
            {
                journal.invokeSegmentAgent();
            }
        }
        return allocated;
    }

    private static Thread findThread(final String name)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (name.equals(thread.getName()))
            {
                return thread;
            }
        }
        return null;
    }

    private static Map<String, Long> readCounters(final CountersReader reader)
    {
        final Map<String, Long> values = new HashMap<>();
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            assertEquals(JournalCounters.JOURNAL_TYPE_ID, typeId);
            values.put(label, reader.getCounterValue(counterId));
        });
        return values;
    }

    private static void copyFolder(final File from, final File to) throws Exception
    {
        assertTrue(to.mkdirs());
        for (final File file : from.listFiles(File::isFile))
        {
            java.nio.file.Files.copy(file.toPath(), new File(to, file.getName()).toPath());
        }
    }
}
