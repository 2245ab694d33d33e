package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResendLogTest
{
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final long WINDOW_MS = 60_000;
    private static final int CAPACITY = 16;
    private static final int MESSAGE = 1;
    private static final int RECEIPT = 2;
    private static final long SENDER = 77;
    private static final int DEVICE = 2;

    @TempDir
    File dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private Journal journal;

    @AfterEach
    void after()
    {
        CloseHelper.close(journal);
    }

    private JournalContext context(final int capacity, final SyncPolicy syncPolicy)
    {
        return new JournalContext()
            .dataDir(dir)
            .segmentLength(64 * 1024)
            .maxPayloadLength(1024)
            .syncPolicy(syncPolicy)
            .resendCapacity(capacity)
            .resendWindowMs(WINDOW_MS)
            .epochClock(clock);
    }

    private Journal open(final int capacity)
    {
        return Journal.open(context(capacity, SyncPolicy.NONE));
    }

    /** Client message id i got server id 1000 + i. */
    private void remember(final int from, final int to)
    {
        for (int i = from; i <= to; i++)
        {
            journal.resendDedupe().remember(SENDER, DEVICE, i, 1000 + i, clock.time());
        }
    }

    private void assertRemembered(final int from, final int to)
    {
        for (int i = from; i <= to; i++)
        {
            assertEquals(1000 + i, journal.resendDedupe().find(SENDER, DEVICE, i, clock.time()), "client id " + i);
        }
    }

    private void assertForgotten(final int from, final int to)
    {
        for (int i = from; i <= to; i++)
        {
            assertEquals(0, journal.resendDedupe().find(SENDER, DEVICE, i, clock.time()), "client id " + i);
        }
    }

    @Test
    void shouldAnswerOnlyTheSameSenderDeviceAndClientId()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        journal.resendDedupe().remember(SENDER, DEVICE, 5, 900, NOW_MS);

        assertEquals(900, journal.resendDedupe().find(SENDER, DEVICE, 5, clock.time()));
        assertEquals(0, journal.resendDedupe().find(SENDER, DEVICE + 1, 5, clock.time()));
        assertEquals(0, journal.resendDedupe().find(SENDER + 1, DEVICE, 5, clock.time()));
        assertEquals(0, journal.resendDedupe().find(SENDER, DEVICE, 6, clock.time()));
        assertEquals(0, journal.resendDedupe().find(-1, DEVICE, 5, clock.time()));
    }

    @Test
    void shouldEvictTheOldestSendWhenTheRingWraps()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        remember(1, CAPACITY);
        assertRemembered(1, CAPACITY);

        remember(CAPACITY + 1, CAPACITY + 1);
        assertForgotten(1, 1);
        assertRemembered(2, CAPACITY + 1);

        // many laps: exactly the last CAPACITY sends are recognised and the index holds no more than that
        remember(CAPACITY + 2, 40 * CAPACITY + 3);
        assertForgotten(1, 39 * CAPACITY + 3);
        assertRemembered(39 * CAPACITY + 4, 40 * CAPACITY + 3);
        assertEquals(CAPACITY, journal.resendDedupe().entries());
    }

    @Test
    void shouldAnswerARepeatedClientIdWithItsNewestIdOnceTheOldOneIsPastTheWindow()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        journal.resendDedupe().remember(SENDER, DEVICE, 5, 900, NOW_MS);
        clock.update(NOW_MS + WINDOW_MS + 1);
        assertEquals(0, journal.resendDedupe().find(SENDER, DEVICE, 5, clock.time()));

        journal.resendDedupe().remember(SENDER, DEVICE, 5, 901, clock.time());
        assertEquals(901, journal.resendDedupe().find(SENDER, DEVICE, 5, clock.time()));
        remember(100, 100 + CAPACITY - 2); // the ring wraps over the first copy: the second must stay
        assertEquals(901, journal.resendDedupe().find(SENDER, DEVICE, 5, clock.time()));
        assertRemembered(100, 100 + CAPACITY - 2);
    }

    @Test
    void shouldNotMatchASendOlderThanTheWindow()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        remember(1, 3);

        clock.update(NOW_MS + WINDOW_MS);
        assertRemembered(1, 3);
        clock.update(NOW_MS + WINDOW_MS + 1);
        assertForgotten(1, 3);
    }

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void shouldRecoverTheLastCapacitySendsAfterReopen(final SyncPolicy syncPolicy)
    {
        clock.update(NOW_MS);
        journal = Journal.open(context(CAPACITY, syncPolicy));
        remember(1, CAPACITY + 4);
        journal.sync();
        journal.close();

        journal = Journal.open(context(CAPACITY, syncPolicy));
        assertEquals(CAPACITY, journal.recoveryReport().resendEntries(), journal.recoveryReport().toString());
        assertEquals(0, journal.recoveryReport().resendTornSlots());
        assertForgotten(1, 4);
        assertRemembered(5, CAPACITY + 4);

        // FIFO goes on from where it stopped: the next send evicts the oldest recovered one
        remember(CAPACITY + 5, CAPACITY + 5);
        assertForgotten(5, 5);
        assertRemembered(6, CAPACITY + 5);
    }

    @Test
    void shouldRecoverFromTheMappingWithoutCloseAsAfterAProcessKill() throws IOException
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        remember(1, 5);
        // no close: the bytes are in the page cache, which a second mapping of the file reads
        final Journal second = Journal.open(context(CAPACITY, SyncPolicy.NONE).dataDir(copyOf(dir)));
        try
        {
            for (int i = 1; i <= 5; i++)
            {
                assertEquals(1000 + i, second.resendDedupe().find(SENDER, DEVICE, i, clock.time()));
            }
        }
        finally
        {
            second.close();
        }
    }

    @Test
    void shouldIgnoreATornSlot() throws IOException
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        remember(1, 3);
        journal.close();

        // the third entry's message id half rewritten, as by a crash between its field stores
        try (RandomAccessFile file = new RandomAccessFile(new File(dir, ResendLogFile.FILE_NAME), "rw"))
        {
            file.seek(
                ResendLogDescriptor.HEADER_LENGTH + 2 * ResendLogDescriptor.ENTRY_LENGTH +
                ResendLogDescriptor.MESSAGE_ID_OFFSET);
            file.writeInt(0x7eadbeef);
        }

        journal = open(CAPACITY);
        assertEquals(2, journal.recoveryReport().resendEntries());
        assertEquals(1, journal.recoveryReport().resendTornSlots());
        assertRemembered(1, 2);
        assertForgotten(3, 3);

        // the torn slot is the next one written
        remember(4, 4);
        assertRemembered(4, 4);
        journal.close();
        journal = open(CAPACITY);
        assertEquals(0, journal.recoveryReport().resendTornSlots());
        assertEquals(3, journal.recoveryReport().resendEntries());
    }

    @Test
    void shouldIgnoreASlotWhoseSequenceIsNotItsOwn() throws IOException
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        remember(1, 2);
        journal.close();

        // a stale slot: entry 2's bytes copied into slot 5, check and all
        try (RandomAccessFile file = new RandomAccessFile(new File(dir, ResendLogFile.FILE_NAME), "rw"))
        {
            final byte[] entry = new byte[ResendLogDescriptor.ENTRY_LENGTH];
            file.seek(ResendLogDescriptor.HEADER_LENGTH + ResendLogDescriptor.ENTRY_LENGTH);
            file.readFully(entry);
            entry[ResendLogDescriptor.CLIENT_MSG_ID_OFFSET] = 0; // so it cannot be found through entry 2 either
            file.seek(ResendLogDescriptor.HEADER_LENGTH + 5 * ResendLogDescriptor.ENTRY_LENGTH);
            file.write(entry);
        }

        journal = open(CAPACITY);
        assertEquals(2, journal.recoveryReport().resendEntries());
        assertEquals(1, journal.recoveryReport().resendTornSlots());
        assertRemembered(1, 2);
    }

    @Test
    void shouldReplaceAShortFile() throws IOException
    {
        Files.write(new File(dir, ResendLogFile.FILE_NAME).toPath(), new byte[] { 1, 2, 3, 4, 5 });
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        assertTrue(journal.recoveryReport().resendLogReset());
        assertEquals(0, journal.recoveryReport().resendEntries());

        remember(1, 3);
        journal.close();
        journal = open(CAPACITY);
        assertFalse(journal.recoveryReport().resendLogReset());
        assertRemembered(1, 3);
    }

    @Test
    void shouldReplaceAFileWithABadHeaderOrCutShort() throws IOException
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        remember(1, 3);
        journal.close();

        final File file = new File(dir, ResendLogFile.FILE_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(ResendLogDescriptor.fileLength(CAPACITY) - 1);
        }
        journal = open(CAPACITY);
        assertTrue(journal.recoveryReport().resendLogReset());
        assertForgotten(1, 3);
        remember(1, 1);
        journal.close();

        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(ResendLogDescriptor.MAGIC_OFFSET);
            raf.writeLong(0x1234);
        }
        journal = open(CAPACITY);
        assertTrue(journal.recoveryReport().resendLogReset());
        assertForgotten(1, 1);
    }

    @Test
    void shouldKeepTheNewestSendsWhenTheCapacityChanges()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        remember(1, CAPACITY + 3);
        journal.close();

        journal = open(CAPACITY / 2);
        assertEquals(CAPACITY / 2, journal.recoveryReport().resendEntries());
        assertForgotten(1, CAPACITY / 2 + 3);
        assertRemembered(CAPACITY / 2 + 4, CAPACITY + 3);
        journal.close();

        journal = open(CAPACITY * 4);
        assertRemembered(CAPACITY / 2 + 4, CAPACITY + 3);
        // the carried-over sends keep their place in the FIFO: the ring is full only after 4 * CAPACITY in all
        remember(100, 100 + 4 * CAPACITY - CAPACITY / 2 - 1);
        assertRemembered(CAPACITY / 2 + 4, CAPACITY + 3);
        assertEquals(4 * CAPACITY, journal.resendDedupe().entries());
        remember(1000, 1000);
        assertForgotten(CAPACITY / 2 + 4, CAPACITY / 2 + 4);
        assertRemembered(CAPACITY / 2 + 5, CAPACITY + 3);
        assertEquals(ResendLogDescriptor.fileLength(4 * CAPACITY), new File(dir, ResendLogFile.FILE_NAME).length());
    }

    @Test
    void shouldRememberSendsStillHeldThatTheLogCannotMatch()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        // a message whose log entry never made it (a crash between append and remember) and a receipt, whose
        // correlation id is not a client id
        assertEquals(Journal.OK, journal.append(5, 1, 50, SENDER, DEVICE, 7, NOW_MS, MESSAGE, payload, 0, 16));
        assertEquals(Journal.OK, journal.append(5, 1, 51, SENDER, DEVICE, 8, NOW_MS, RECEIPT, payload, 0, 16));
        // a message remembered, then left undelivered past the window (but within the time to live)
        assertEquals(Journal.OK, journal.append(6, 1, 52, SENDER, DEVICE, 9, NOW_MS, MESSAGE, payload, 0, 16));
        journal.resendDedupe().remember(SENDER, DEVICE, 9, 52, NOW_MS);
        journal.close();

        clock.update(NOW_MS + WINDOW_MS + 1);
        journal = open(CAPACITY);
        assertEquals(0, journal.resendDedupe().find(SENDER, DEVICE, 7, clock.time()));
        assertEquals(2, journal.rememberStoredSends(MESSAGE));
        assertEquals(2, journal.recoveryReport().heldSends());
        assertEquals(50, journal.resendDedupe().find(SENDER, DEVICE, 7, clock.time()));
        assertEquals(0, journal.resendDedupe().find(SENDER, DEVICE, 8, clock.time()));
        assertEquals(52, journal.resendDedupe().find(SENDER, DEVICE, 9, clock.time()));
    }

    @Test
    void shouldStillRecogniseAHeldSendAfterItsDeliveryAndAnotherRestart()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        // stored, then a crash before its log entry: held at the next open
        assertEquals(Journal.OK, journal.append(5, 1, 60, SENDER, DEVICE, 17, NOW_MS, MESSAGE, payload, 0, 16));
        journal.close();

        journal = open(CAPACITY);
        assertEquals(1, journal.rememberStoredSends(MESSAGE));
        assertTrue(journal.delete(5, 1, 60), "delivered and acknowledged before its sender resent it");
        journal.close();

        // the journal no longer holds it, and the sender's resend only comes now
        journal = open(CAPACITY);
        assertEquals(0, journal.rememberStoredSends(MESSAGE));
        assertEquals(60, journal.resendDedupe().find(SENDER, DEVICE, 17, clock.time()));
    }

    @Test
    void shouldAgreeWithAFifoModelOverRandomSendsAndReopens()
    {
        clock.update(NOW_MS);
        journal = open(CAPACITY * 4);
        final java.util.Random random = new java.util.Random(42);
        final java.util.ArrayDeque<long[]> model = new java.util.ArrayDeque<>(); // {senderKey, clientMsgId, id}
        long nextId = 1;
        for (int step = 0; step < 20_000; step++)
        {
            if (step % 5_000 == 4_999)
            {
                journal.close();
                journal = open(CAPACITY * 4);
            }
            final long user = 1 + random.nextInt(4);
            final int device = 1 + random.nextInt(2);
            final long clientMsgId = random.nextInt(200); // repeats often, so lookups hit and miss
            long expected = 0;
            for (final long[] entry : model)
            {
                if (entry[0] == user * 16 + device && entry[1] == clientMsgId)
                {
                    expected = entry[2];
                }
            }
            assertEquals(
                expected, journal.resendDedupe().find(user, device, clientMsgId, clock.time()), "step " + step);
            if (0 == expected)
            {
                final long id = nextId++;
                journal.resendDedupe().remember(user, device, clientMsgId, id, clock.time());
                model.addLast(new long[] { user * 16 + device, clientMsgId, id });
                if (model.size() > CAPACITY * 4)
                {
                    model.removeFirst();
                }
            }
        }
        assertEquals(model.size(), journal.resendDedupe().entries());
    }

    private static File copyOf(final File from) throws IOException
    {
        final File to = Files.createTempDirectory(from.toPath().getParent(), "copy").toFile();
        for (final File file : from.listFiles())
        {
            Files.copy(file.toPath(), new File(to, file.getName()).toPath());
        }
        return to;
    }
}
