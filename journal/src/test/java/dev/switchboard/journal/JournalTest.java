package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest
{
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final int MESSAGE = 1;
    private static final int RECEIPT = 2;

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
            .segmentLength(64 * 1024)
            .maxPayloadLength(1024)
            .syncPolicy(SyncPolicy.NONE)
            .epochClock(clock);
    }

    private static int append(
        final Journal journal, final long user, final int device, final long id, final String text)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(CollectingHandler.bytes(text));
        return journal.append(user, device, id, 900 + user, 3, id * 10, NOW_MS + id, MESSAGE, payload, 0,
            payload.capacity());
    }

    private static List<Long> idsOf(final Journal journal, final long user, final int device)
    {
        final CollectingHandler handler = new CollectingHandler();
        journal.read(user, device, 0, Integer.MAX_VALUE, handler);
        return handler.messageIds;
    }

    @Test
    void shouldReadRecordsOldestFirstWithEveryField()
    {
        journal = Journal.open(context());
        assertEquals(Journal.OK, append(journal, 7, 1, 10, "first"));
        assertEquals(Journal.OK, append(journal, 7, 1, 11, "second"));
        assertEquals(Journal.OK, append(journal, 8, 1, 12, "other"));
        assertEquals(Journal.OK, append(journal, 7, 1, 15, "third"));

        final CollectingHandler handler = new CollectingHandler();
        assertEquals(3, journal.read(7, 1, 0, 10, handler));
        assertEquals(List.of(10L, 11L, 15L), handler.messageIds);
        assertEquals(List.of("first", "second", "third"), handler.payloads);
        assertEquals(List.of(907L, 907L, 907L), handler.senderUserIds);
        assertEquals(3, handler.senderDeviceIds.get(0));
        assertEquals(110L, handler.correlationIds.get(1));
        assertEquals(NOW_MS + 15, handler.timestamps.get(2));
        assertEquals(MESSAGE, handler.kinds.get(0));
        assertEquals(7L, handler.recipientUserIds.get(0));
        assertEquals(1, handler.recipientDeviceIds.get(0));
        assertEquals(3, journal.count(7, 1));
        assertEquals("firstsecondthird".length(), journal.bytes(7, 1));
        assertEquals(15, journal.maxMessageId());
    }

    @Test
    void shouldReadAfterAnIdAndStopAtLimitOrWhenTheHandlerSaysSo()
    {
        journal = Journal.open(context());
        for (int id = 1; id <= 10; id++)
        {
            append(journal, 5, 0, id, "m" + id);
        }

        final CollectingHandler after = new CollectingHandler();
        assertEquals(3, journal.read(5, 0, 4, 3, after));
        assertEquals(List.of(5L, 6L, 7L), after.messageIds);

        final CollectingHandler stopping = new CollectingHandler(2);
        assertEquals(2, journal.read(5, 0, 0, 10, stopping));
        assertEquals(List.of(1L, 2L), stopping.messageIds);

        assertEquals(0, journal.read(5, 0, 10, 10, new CollectingHandler()));
        assertEquals(0, journal.read(6, 0, 0, 10, new CollectingHandler()));
    }

    @Test
    void shouldDeleteByIdInAnyOrder()
    {
        journal = Journal.open(context());
        for (int id = 1; id <= 5; id++)
        {
            append(journal, 5, 2, id, "m" + id);
        }

        assertTrue(journal.delete(5, 2, 3));
        assertFalse(journal.delete(5, 2, 3));
        assertTrue(journal.delete(5, 2, 1));
        assertFalse(journal.delete(5, 1, 2));
        assertFalse(journal.delete(5, 2, 99));
        assertEquals(List.of(2L, 4L, 5L), idsOf(journal, 5, 2));
        assertEquals(3, journal.count(5, 2));
        assertEquals(6, journal.bytes(5, 2));

        assertTrue(journal.delete(5, 2, 5));
        assertTrue(journal.delete(5, 2, 2));
        assertTrue(journal.delete(5, 2, 4));
        assertEquals(0, journal.count(5, 2));
        assertEquals(0, journal.counters().recipientCount());
        assertEquals(Journal.OK, append(journal, 5, 2, 6, "again"));
        assertEquals(List.of(6L), idsOf(journal, 5, 2));
    }

    @Test
    void shouldRefuseBadInputWithCodes()
    {
        journal = Journal.open(context());
        final UnsafeBuffer big = new UnsafeBuffer(new byte[1025]);
        assertEquals(Journal.PAYLOAD_TOO_LARGE, journal.append(1, 1, 1, 2, 1, 0, NOW_MS, MESSAGE, big, 0, 1025));
        assertEquals(Journal.PAYLOAD_TOO_LARGE, journal.append(1, 1, 1, 2, 1, 0, NOW_MS, MESSAGE, big, 0, -1));
        assertEquals(Journal.INVALID_RECIPIENT, append(journal, 1, 16, 1, "x"));
        assertEquals(Journal.INVALID_RECIPIENT, append(journal, -1, 0, 1, "x"));
        assertEquals(Journal.OK, append(journal, 1, 1, 5, "x"));
        assertEquals(Journal.OUT_OF_ORDER, append(journal, 1, 1, 5, "x"));
        assertEquals(Journal.OUT_OF_ORDER, append(journal, 1, 1, 4, "x"));
        assertEquals(1, journal.count(1, 1));
    }

    @Test
    void shouldStoreAFanOutOnceAndDeletePerRecipient()
    {
        journal = Journal.open(context());
        final UnsafeBuffer payload = new UnsafeBuffer(CollectingHandler.bytes("group hello"));
        final long[] users = {1, 2, 3, 4};
        final int[] devices = {0, 0, 1, 16};
        assertEquals(1, journal.appendToMany(users, devices, 4, 100, 9, 1, 77, NOW_MS, MESSAGE, payload, 0,
            payload.capacity()));

        for (int i = 0; i < 3; i++)
        {
            final CollectingHandler handler = new CollectingHandler();
            assertEquals(1, journal.read(users[i], devices[i], 0, 10, handler));
            assertEquals("group hello", handler.payloads.get(0));
            assertEquals(77L, handler.correlationIds.get(0));
        }
        assertEquals(3, journal.counters().liveEntries());
        assertTrue(journal.delete(2, 0, 100));
        assertEquals(0, journal.count(2, 0));
        assertEquals(1, journal.count(1, 0));

        journal.close();
        journal = Journal.open(context());
        assertEquals(2, journal.counters().liveEntries());
        assertEquals(List.of(100L), idsOf(journal, 1, 0));
        assertEquals(List.of(100L), idsOf(journal, 3, 1));
        assertEquals(0, journal.count(2, 0));
    }

    @Test
    void shouldReportPartialRefusalOfAFanOut()
    {
        journal = Journal.open(context().maxRecordsPerRecipient(1));
        append(journal, 2, 0, 1, "fills recipient 2");
        final UnsafeBuffer payload = new UnsafeBuffer(CollectingHandler.bytes("g"));
        final long[] users = {1, 2, 3};
        final int[] devices = {0, 0, 0};
        assertEquals(1, journal.appendToMany(users, devices, 3, 2, 9, 1, 0, NOW_MS, RECEIPT, payload, 0, 1));
        assertEquals(1, journal.count(1, 0));
        assertEquals(1, journal.count(2, 0));
        assertEquals(1, journal.counters().queueFullTotal());
        assertEquals(3, journal.appendToMany(users, devices, 3, 3, 9, 1, 0, NOW_MS, RECEIPT, payload, 0, 1));
    }

    @Test
    void shouldStoreAMessageForEveryDeviceOrForNone()
    {
        journal = Journal.open(context().maxRecordsPerRecipient(1));
        append(journal, 5, 2, 1, "fills device 2");
        final UnsafeBuffer payload = new UnsafeBuffer(CollectingHandler.bytes("to every device"));
        final long[] users = {5, 5, 5};
        final int[] devices = {1, 2, 3};

        assertEquals(Journal.QUEUE_FULL, journal.appendToAll(users, devices, 3, 2, 9, 1, 0, NOW_MS, MESSAGE,
            payload, 0, payload.capacity()));
        assertEquals(0, journal.count(5, 1));
        assertEquals(0, journal.count(5, 3));
        assertEquals(1, journal.counters().liveEntries());

        assertTrue(journal.delete(5, 2, 1));
        assertEquals(Journal.OK, journal.appendToAll(users, devices, 3, 3, 9, 1, 0, NOW_MS, MESSAGE,
            payload, 0, payload.capacity()));
        assertEquals(List.of(3L), idsOf(journal, 5, 1));
        assertEquals(List.of(3L), idsOf(journal, 5, 2));
        assertEquals(List.of(3L), idsOf(journal, 5, 3));
    }

    @Test
    void shouldReturnQueueFullAtTheRecordCapUntilSomethingIsDelivered()
    {
        journal = Journal.open(context().maxRecordsPerRecipient(3));
        assertEquals(Journal.OK, append(journal, 1, 1, 1, "a"));
        assertEquals(Journal.OK, append(journal, 1, 1, 2, "b"));
        assertEquals(Journal.OK, append(journal, 1, 1, 3, "c"));
        assertEquals(Journal.QUEUE_FULL, append(journal, 1, 1, 4, "d"));
        assertEquals(Journal.OK, append(journal, 1, 2, 4, "other device"));
        assertTrue(journal.delete(1, 1, 1));
        assertEquals(Journal.OK, append(journal, 1, 1, 5, "e"));
        assertEquals(List.of(2L, 3L, 5L), idsOf(journal, 1, 1));
        assertEquals(1, journal.counters().queueFullTotal());
    }

    @Test
    void shouldReturnQueueFullAtTheByteCap()
    {
        journal = Journal.open(context().maxBytesPerRecipient(10));
        assertEquals(Journal.OK, append(journal, 1, 1, 1, "12345"));
        assertEquals(Journal.OK, append(journal, 1, 1, 2, "12345"));
        assertEquals(Journal.QUEUE_FULL, append(journal, 1, 1, 3, "1"));
        assertEquals(Journal.QUEUE_FULL, append(journal, 2, 1, 3, "12345678901"));
        assertEquals(10, journal.bytes(1, 1));
    }

    @Test
    void shouldExpireRecordsOlderThanTheTtlAndCountThem()
    {
        journal = Journal.open(context().ttlMs(TimeUnit.DAYS.toMillis(30)));
        final UnsafeBuffer payload = new UnsafeBuffer(CollectingHandler.bytes("old"));
        journal.append(1, 1, 1, 2, 1, 0, NOW_MS, MESSAGE, payload, 0, 3);
        journal.append(1, 1, 2, 2, 1, 0, NOW_MS + TimeUnit.DAYS.toMillis(10), MESSAGE, payload, 0, 3);
        journal.append(2, 1, 3, 2, 1, 0, NOW_MS, MESSAGE, payload, 0, 3);

        clock.update(NOW_MS + TimeUnit.DAYS.toMillis(30) - 1);
        assertEquals(0, journal.expire());
        clock.update(NOW_MS + TimeUnit.DAYS.toMillis(31));
        assertEquals(List.of(2L), idsOf(journal, 1, 1));
        assertEquals(2, journal.expire());
        assertEquals(2, journal.counters().expiredTotal());
        assertEquals(1, journal.count(1, 1));
        assertEquals(0, journal.count(2, 1));
        assertEquals(1, journal.counters().liveEntries());
        assertFalse(journal.delete(2, 1, 3));

        journal.close();
        journal = Journal.open(context().ttlMs(TimeUnit.DAYS.toMillis(30)));
        clock.update(NOW_MS + TimeUnit.DAYS.toMillis(31));
        journal.close();
        final JournalContext later = context().ttlMs(TimeUnit.DAYS.toMillis(30));
        clock.update(NOW_MS + TimeUnit.DAYS.toMillis(31));
        journal = Journal.open(later);
        assertEquals(2, journal.recoveryReport().expiredRecords());
        assertEquals(List.of(2L), idsOf(journal, 1, 1));
    }

    @Test
    void shouldReopenAfterACleanCloseWithEverythingInPlace()
    {
        journal = Journal.open(context());
        for (int id = 1; id <= 2_000; id++)
        {
            assertEquals(Journal.OK, append(journal, id % 7, id % 3, id, "payload-" + id));
            if (id % 2 == 0)
            {
                assertTrue(journal.delete((id - 1) % 7, (id - 1) % 3, id - 1));
            }
        }
        final int segments = journal.counters().segmentCount();
        final long live = journal.counters().liveEntries();
        journal.close();

        journal = Journal.open(context());
        final RecoveryReport report = journal.recoveryReport();
        assertTrue(report.isClean(), report.toString());
        assertEquals(live, journal.counters().liveEntries());
        assertEquals(1_000, journal.counters().liveEntries());
        assertEquals(2_000, journal.maxMessageId());
        assertEquals(segments, journal.counters().segmentCount());
        for (int user = 0; user < 7; user++)
        {
            for (int device = 0; device < 3; device++)
            {
                final CollectingHandler handler = new CollectingHandler();
                journal.read(user, device, 0, Integer.MAX_VALUE, handler);
                long previous = 0;
                for (int i = 0; i < handler.messageIds.size(); i++)
                {
                    final long id = handler.messageIds.get(i);
                    assertTrue(id > previous);
                    assertEquals(0, id % 2);
                    assertEquals("payload-" + id, handler.payloads.get(i));
                    previous = id;
                }
            }
        }

        final CollectingHandler all = new CollectingHandler();
        journal.forEachRecord(all);
        assertEquals(1_000, all.messageIds.size());
        assertEquals(Journal.OK, append(journal, 1, 1, 2_001, "after reopen"));
    }

    @Test
    void shouldKeepMaxMessageIdWhenEverythingWasDelivered()
    {
        journal = Journal.open(context());
        for (int id = 1; id <= 3_000; id++)
        {
            append(journal, 1, 1, id, "some payload to fill segments quickly ".repeat(4));
            journal.delete(1, 1, id);
        }
        assertTrue(journal.counters().reclaimedSegments() > 0);
        journal.close();

        journal = Journal.open(context());
        assertEquals(3_000, journal.maxMessageId());
        assertEquals(0, journal.counters().liveEntries());
    }

    @Test
    void shouldSyncUnderEveryPolicy()
    {
        for (final SyncPolicy policy : SyncPolicy.values())
        {
            final File sub = new File(dir, policy.name());
            journal = Journal.open(context().dataDir(sub).syncPolicy(policy));
            for (int id = 1; id <= 1_000; id++)
            {
                append(journal, 1, 1, id, "synced payload " + id);
                if (id % 64 == 0)
                {
                    journal.sync();
                }
            }
            journal.close();
            journal = Journal.open(context().dataDir(sub).syncPolicy(policy));
            assertEquals(1_000, journal.count(1, 1), policy.name());
            journal.close();
        }
    }
}
