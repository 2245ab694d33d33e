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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Append and acknowledge 200-byte records the way the journal stage does: each operation appends one record and
 * deletes the one appended 64 operations earlier, so a window of undelivered records is always held. The
 * {@code ...WithResendDedupe} forms also ask the resend log first and remember the send after, as a client send does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalAppendAckBenchmark
{
    private static final int PAYLOAD_LENGTH = 200;
    private static final int RECIPIENTS = 64;
    private static final int WINDOW = 64;
    private static final int BATCH = 64;

    @Param({ "NONE", "BATCH" })
    public SyncPolicy syncPolicy;

    private File dir;
    private Journal journal;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
    private long messageId;
    private long timestampMs;

    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        dir = Files.createTempDirectory("journal-bench").toFile();
        journal = Journal.open(new JournalContext()
            .dataDir(dir)
            .syncPolicy(syncPolicy)
            .maxRecordsPerRecipient(1_000_000));
        timestampMs = System.currentTimeMillis();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        journal.close();
        IoUtil.delete(dir, true);
    }

    /** One append and one acknowledgement; the sync policy applies per append (BATCH syncs nothing here). */
    @Benchmark
    public boolean appendAndAck()
    {
        return appendAndAckOne();
    }

    /** A ring batch of 64 appends and acknowledgements followed by the end-of-batch sync. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int appendAndAckBatchOf64()
    {
        int acked = 0;
        for (int i = 0; i < BATCH; i++)
        {
            acked += appendAndAckOne() ? 1 : 0;
        }
        journal.sync();
        return acked;
    }

    /** As {@link #appendAndAck()} with the resend lookup before and the remembered send after. */
    @Benchmark
    public boolean appendAndAckWithResendDedupe()
    {
        return appendAndAckOneWithResendDedupe();
    }

    /** As {@link #appendAndAckBatchOf64()} with the resend lookup before and the remembered send after. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int appendAndAckWithResendDedupeBatchOf64()
    {
        int acked = 0;
        for (int i = 0; i < BATCH; i++)
        {
            acked += appendAndAckOneWithResendDedupe() ? 1 : 0;
        }
        journal.sync();
        return acked;
    }

    private boolean appendAndAckOneWithResendDedupe()
    {
        final long clientMsgId = messageId + 1;
        if (0 != journal.resendDedupe().find(42, 1, clientMsgId, timestampMs))
        {
            return false;
        }
        final boolean acked = appendAndAckOne();
        journal.resendDedupe().remember(42, 1, clientMsgId, messageId, timestampMs);
        return acked;
    }

    private boolean appendAndAckOne()
    {
        final long id = ++messageId;
        payload.putLong(0, id);
        journal.append(id % RECIPIENTS, 1, id, 42, 1, id, timestampMs, 1, payload, 0, PAYLOAD_LENGTH);
        final long acked = id - WINDOW;
        return acked > 0 && journal.delete(acked % RECIPIENTS, 1, acked);
    }
}
