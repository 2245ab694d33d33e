package dev.switchboard.bench.jmh;

import dev.switchboard.journal.Journal;
import dev.switchboard.journal.JournalContext;
import dev.switchboard.journal.SyncPolicy;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Time to open a journal holding a million undelivered 200-byte records: scan, checksum and index rebuild, with
 * the segment files in the page cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class JournalRecoveryBenchmark
{
    private static final int PAYLOAD_LENGTH = 200;

    @Param({ "1000000" })
    public int records;

    @Param({ "10000" })
    public int recipients;

    private File dir;

    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        dir = Files.createTempDirectory("journal-recovery-bench").toFile();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        final long timestampMs = System.currentTimeMillis();
        try (Journal journal = Journal.open(new JournalContext()
            .dataDir(dir)
            .syncPolicy(SyncPolicy.NONE)
            .maxRecordsPerRecipient(Integer.MAX_VALUE)
            .maxBytesPerRecipient(Long.MAX_VALUE)))
        {
            for (long id = 1; id <= records; id++)
            {
                payload.putLong(0, id);
                if (Journal.OK != journal.append(
                    id % recipients, 1, id, 42, 1, id, timestampMs, 1, payload, 0, PAYLOAD_LENGTH))
                {
                    throw new IllegalStateException("append refused");
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        IoUtil.delete(dir, true);
    }

    /** Opens and closes the journal; returns the live entries found so the work is not eliminated. */
    @Benchmark
    public long recover()
    {
        try (Journal journal = Journal.open(new JournalContext().dataDir(dir).syncPolicy(SyncPolicy.NONE)))
        {
            if (journal.counters().liveEntries() != records)
            {
                throw new IllegalStateException("recovered " + journal.recoveryReport());
            }
            return journal.counters().liveEntries();
        }
    }
}
