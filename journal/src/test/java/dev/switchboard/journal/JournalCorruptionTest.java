package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalCorruptionTest
{
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final int RECORDS = 100;

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
            .segmentLength(1024 * 1024)
            .maxPayloadLength(1024)
            .syncPolicy(SyncPolicy.NONE)
            .epochClock(clock);
    }

    private static String payloadOf(final long id)
    {
        return ("record-" + id + "-").repeat(12);
    }

    private void writeRecords(final int from, final int to)
    {
        for (int id = from; id <= to; id++)
        {
            final UnsafeBuffer payload = new UnsafeBuffer(CollectingHandler.bytes(payloadOf(id)));
            assertEquals(Journal.OK, journal.append(1, 1, id, 2, 1, id, NOW_MS, 1, payload, 0, payload.capacity()));
        }
    }

    private List<Long> readAll()
    {
        final CollectingHandler handler = new CollectingHandler();
        journal.read(1, 1, 0, Integer.MAX_VALUE, handler);
        for (int i = 0; i < handler.messageIds.size(); i++)
        {
            assertEquals(payloadOf(handler.messageIds.get(i)), handler.payloads.get(i));
        }
        return handler.messageIds;
    }

    private File onlySegment()
    {
        final File[] files = dir.listFiles((d, name) -> name.endsWith(Segment.SUFFIX));
        assertEquals(1, files.length);
        return files[0];
    }

    /** Offset of the first byte of the payload of the record with this id, found by searching the file. */
    private static long offsetOf(final File file, final String text) throws IOException
    {
        final byte[] bytes = java.nio.file.Files.readAllBytes(file.toPath());
        final byte[] needle = CollectingHandler.bytes(text);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (bytes[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found: " + text);
    }

    private static void flipByte(final File file, final long offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(offset);
            final int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0x40);
        }
    }

    private static List<Long> idsExcept(final int last, final long... missing)
    {
        final List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= last; id++)
        {
            boolean keep = true;
            for (final long m : missing)
            {
                keep &= id != m;
            }
            if (keep)
            {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void shouldSkipARecordWithAFlippedPayloadByteAndKeepTheRecordsAfterIt() throws IOException
    {
        journal = Journal.open(context());
        writeRecords(1, RECORDS);
        journal.close();

        flipByte(onlySegment(), offsetOf(onlySegment(), payloadOf(50)) + 17);

        journal = Journal.open(context());
        final RecoveryReport report = journal.recoveryReport();
        assertFalse(report.isClean());
        assertEquals(1, report.corruptRegions(), report.toString());
        assertEquals(RECORDS - 1, report.messageRecords());
        assertEquals(idsExcept(RECORDS, 50), readAll());
        assertEquals(RECORDS, journal.maxMessageId());
    }

    @Test
    void shouldResynchroniseAfterAFlippedLengthField() throws IOException
    {
        journal = Journal.open(context());
        writeRecords(1, RECORDS);
        journal.close();

        final long recordOffset = offsetOf(onlySegment(), payloadOf(30)) - RecordDescriptor.payloadOffset(1);
        assertEquals(0, recordOffset % RecordDescriptor.ALIGNMENT);
        // make the length claim far more than the record holds: the next record can only be found by resync
        flipByte(onlySegment(), recordOffset + 1);

        journal = Journal.open(context());
        assertEquals(1, journal.recoveryReport().corruptRegions(), journal.recoveryReport().toString());
        assertEquals(idsExcept(RECORDS, 30), readAll());
    }

    @Test
    void shouldTruncateAHalfWrittenTailAndAppendAfterIt() throws IOException
    {
        journal = Journal.open(context());
        writeRecords(1, RECORDS);
        journal.close();

        // a record cut short by a crash: its header and half its body are there, its length field was the last
        // thing written and did make it, but its bytes do not add up to the checksum
        final File file = onlySegment();
        final long lastPayload = offsetOf(file, payloadOf(RECORDS));
        final int length = RecordDescriptor.messageLength(1, payloadOf(RECORDS).length());
        final long tail = lastPayload - RecordDescriptor.payloadOffset(1) + RecordDescriptor.aligned(length);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(tail);
            raf.write(new byte[]{(byte)length, 0, 0, 0, 1, 2, 3, 4, 1, 0, 0, 0, 1, 0, 0, 0});
            raf.write(CollectingHandler.bytes("half of a record that never finish"));
        }

        journal = Journal.open(context());
        final RecoveryReport report = journal.recoveryReport();
        assertTrue(report.tornTailBytes() > 0, report.toString());
        assertEquals(0, report.corruptRegions());
        assertEquals(idsExcept(RECORDS), readAll());

        writeRecords(RECORDS + 1, RECORDS + 10);
        journal.close();
        journal = Journal.open(context());
        assertTrue(journal.recoveryReport().isClean(), journal.recoveryReport().toString());
        assertEquals(idsExcept(RECORDS + 10), readAll());
    }

    @Test
    void shouldNotTakeARecordHiddenInAPayloadForARealOne() throws IOException
    {
        journal = Journal.open(context());
        writeRecords(1, 5);
        // a payload carrying a copy of a whole record, as a hostile client could send
        final File file = onlySegment();
        final long start = offsetOf(file, payloadOf(3)) - RecordDescriptor.payloadOffset(1);
        final int length = RecordDescriptor.aligned(RecordDescriptor.messageLength(1, payloadOf(3).length()));
        journal.close();
        final byte[] copy = new byte[length];
        try (RandomAccessFile raf = new RandomAccessFile(file, "r"))
        {
            raf.seek(start);
            raf.readFully(copy);
        }
        journal = Journal.open(context());
        final UnsafeBuffer payload = new UnsafeBuffer(copy);
        assertEquals(Journal.OK, journal.append(2, 1, 6, 2, 1, 0, NOW_MS, 1, payload, 0, copy.length));
        journal.close();

        // break the carrier's header so recovery has to resynchronise through the fake record
        final long carrier = findCarrier(file, copy);
        flipByte(file, carrier + RecordDescriptor.TYPE_OFFSET);

        journal = Journal.open(context());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), readAll());
        assertEquals(0, journal.count(2, 1));
    }

    private static long findCarrier(final File file, final byte[] copy) throws IOException
    {
        final byte[] bytes = java.nio.file.Files.readAllBytes(file.toPath());
        int seen = 0;
        for (int i = 0; i + copy.length <= bytes.length; i += RecordDescriptor.ALIGNMENT)
        {
            if (java.util.Arrays.equals(bytes, i, i + copy.length, copy, 0, copy.length) && ++seen == 2)
            {
                return i - RecordDescriptor.payloadOffset(1);
            }
        }
        throw new IllegalStateException("carrier not found");
    }
}
