package dev.switchboard.server;

import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.CountersManager;

import java.io.File;
import java.nio.MappedByteBuffer;

import static org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;

/**
 * Creates {@code <data folder>/counters.dat} (layout in {@link CountersFile}) and holds the one
 * {@link CountersManager} over it that the composition root hands to each module's context, and the distinct error
 * log in the same file. Each counter is incremented in place by the thread that owns it; nothing copies.
 */
final class ServerCounters implements AutoCloseable
{
    /** Room for this many counters: the ring takes about 1,000 (its histograms' buckets), each poller a few dozen. */
    static final String CAPACITY_PROP_NAME = "switchboard.counters.capacity";
    static final int CAPACITY_DEFAULT = 4096;

    private final AtomicBuffer header;
    private final CountersManager manager;
    private final DistinctErrorLog errorLog;
    private boolean closed;

    /**
     * Create (or replace) {@code counters.dat} in the data folder with room for the configured number of counters.
     */
    ServerCounters(final File dataDir)
    {
        this(dataDir, SystemUtil.getSizeAsInt(CAPACITY_PROP_NAME, CAPACITY_DEFAULT));
    }

    ServerCounters(final File dataDir, final int counterCapacity)
    {
        if (counterCapacity < 1)
        {
            throw new IllegalArgumentException(CAPACITY_PROP_NAME + " must be positive: " + counterCapacity);
        }
        final int metadataLength = counterCapacity * METADATA_LENGTH;
        final int valuesLength = counterCapacity * COUNTER_LENGTH;
        final File file = new File(dataDir, CountersFile.FILE_NAME);
        // A new file, not the old one rewritten: a stat still mapping the old one keeps reading consistent values.
        IoUtil.deleteIfExists(file);
        final MappedByteBuffer mapped = IoUtil.mapNewFile(file, CountersFile.fileLength(counterCapacity));
        header = new UnsafeBuffer(mapped, 0, CountersFile.HEADER_LENGTH);
        header.putInt(CountersFile.METADATA_LENGTH_OFFSET, metadataLength);
        header.putInt(CountersFile.VALUES_LENGTH_OFFSET, valuesLength);
        header.putInt(CountersFile.ERROR_LOG_LENGTH_OFFSET, CountersFile.ERROR_LOG_LENGTH);
        header.putLong(CountersFile.PID_OFFSET, ProcessHandle.current().pid());
        header.putLong(CountersFile.START_TIME_OFFSET, System.currentTimeMillis());
        manager = new CountersManager(
            new UnsafeBuffer(mapped, CountersFile.HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(mapped, CountersFile.HEADER_LENGTH + metadataLength, valuesLength));
        errorLog = new DistinctErrorLog(
            new UnsafeBuffer(mapped, CountersFile.HEADER_LENGTH + metadataLength + valuesLength,
                CountersFile.ERROR_LOG_LENGTH),
            SystemEpochClock.INSTANCE);
        header.putIntRelease(CountersFile.VERSION_OFFSET, CountersFile.LAYOUT_VERSION);
    }

    /**
     * The manager every module allocates its counters from; allocation is for start-up (one thread), increments are
     * each counter's writer's.
     */
    CountersManager manager()
    {
        return manager;
    }

    /**
     * The distinct error log in the file; safe to record into from any thread.
     */
    DistinctErrorLog errorLog()
    {
        return errorLog;
    }

    /**
     * Mark the file stopped, after the modules closed; the file stays, with the last values, for a last {@code stat}.
     * <p>
     * The mapping is left to the garbage collector rather than unmapped: a stage thread halted after a shutdown
     * timeout, or a counter still held by a test, may write to it yet, and a write to an unmapped page kills the
     * process.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        header.putIntRelease(CountersFile.STOPPED_OFFSET, 1);
    }
}
