package dev.switchboard.server;

import dev.switchboard.ring.ServiceTimeSnapshot;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorConsumer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

import static org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;
import static org.agrona.concurrent.status.CountersReader.NULL_COUNTER_ID;

/**
 * The server's live counters file, {@code <data folder>/counters.dat}, as Aeron's CnC file: written in place by the
 * server's threads ({@link ServerCounters}) and mapped read-only by {@code switchboard stat} in another process.
 * <p>
 * A header, then the metadata and values buffers of the one Agrona {@link org.agrona.concurrent.status.CountersManager}
 * every module allocates its counters from (each incremented in place by its writer), then the buffer of an Agrona
 * {@link org.agrona.concurrent.errors.DistinctErrorLog}: each distinct error once, with its count and the times it was
 * first and last seen. The server writes the layout version after the rest of the header, so a reader that sees it
 * sees the lengths; counters appear as the modules allocate them.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Layout Version                         |
 *  +---------------------------------------------------------------+
 *  |                        Metadata Length                        |
 *  +---------------------------------------------------------------+
 *  |                         Values Length                         |
 *  +---------------------------------------------------------------+
 *  |                       Error Log Length                        |
 *  +---------------------------------------------------------------+
 *  |                          Process Id                           |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Start Time (epoch ms)                     |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |          Stopped (1 after a clean shutdown, else 0)           |
 *  +---------------------------------------------------------------+
 *  |                      92 bytes of padding                     ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |              Metadata buffer (Metadata Length bytes)         ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |                Values buffer (Values Length bytes)           ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |           Distinct error log (Error Log Length bytes)        ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * Counters are grouped by the prefix of their label ("ring: ", "edge: ", "journal: "); type ids are kept apart by
 * module: 100 to 199 the ring ({@link dev.switchboard.ring.RingCounters#COUNTER_TYPE_ID}, the service-time
 * histograms' {@link dev.switchboard.ring.ServiceTimeHistogram#HISTOGRAM_TYPE_ID} and
 * {@link dev.switchboard.ring.ServiceTimeHistogram#BUCKET_TYPE_ID}),
 * 200 to 299 the edge, 300 to 399 the journal. The file stays after the server stops, with the last values.
 */
final class CountersFile implements AutoCloseable
{
    static final String FILE_NAME = "counters.dat";

    /** Version 3: one CountersManager written in place, process fields in the header (1 and 2 were copied). */
    static final int LAYOUT_VERSION = 3;
    static final int VERSION_OFFSET = 0;
    static final int METADATA_LENGTH_OFFSET = VERSION_OFFSET + Integer.BYTES;
    static final int VALUES_LENGTH_OFFSET = METADATA_LENGTH_OFFSET + Integer.BYTES;
    static final int ERROR_LOG_LENGTH_OFFSET = VALUES_LENGTH_OFFSET + Integer.BYTES;
    static final int PID_OFFSET = ERROR_LOG_LENGTH_OFFSET + Integer.BYTES;
    static final int START_TIME_OFFSET = PID_OFFSET + Long.BYTES;
    static final int STOPPED_OFFSET = START_TIME_OFFSET + Long.BYTES;
    /** Room for the distinct errors: each is stored once however often it recurs, so this fills only with variety. */
    static final int ERROR_LOG_LENGTH = 1024 * 1024;
    /** Two cache lines: keeps both buffers aligned for atomic access. */
    static final int HEADER_LENGTH = 128;

    private final File file;
    private final Object fileKey;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final CountersReader reader;
    private final AtomicBuffer errorLog;

    private CountersFile(final File file, final Object fileKey, final MappedByteBuffer mapped)
    {
        this.file = file;
        this.fileKey = fileKey;
        this.mapped = mapped;
        try
        {
            if (mapped.capacity() < HEADER_LENGTH)
            {
                throw new IllegalStateException("counters at " + file.getPath() + " are damaged: " +
                    mapped.capacity() + " bytes");
            }
            header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            final int version = header.getIntVolatile(VERSION_OFFSET);
            if (0 == version)
            {
                throw new IllegalStateException(
                    "counters at " + file.getPath() + " are not ready: the server is starting");
            }
            if (LAYOUT_VERSION != version)
            {
                throw new IllegalStateException("counters at " + file.getPath() + " have layout version " + version +
                    ", this reader knows " + LAYOUT_VERSION + " (a server and stat of different releases?)");
            }
            final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
            final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
            final int errorLogLength = header.getInt(ERROR_LOG_LENGTH_OFFSET);
            if (metadataLength < 0 || valuesLength < 0 || errorLogLength < 0 ||
                (long)HEADER_LENGTH + metadataLength + valuesLength + errorLogLength > mapped.capacity())
            {
                throw new IllegalStateException("counters at " + file.getPath() + " are damaged: lengths " +
                    metadataLength + ", " + valuesLength + " and " + errorLogLength + " do not fit " +
                    mapped.capacity() + " bytes");
            }
            reader = new CountersReader(
                new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
                new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength));
            errorLog = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength + valuesLength, errorLogLength);
        }
        catch (final RuntimeException ex)
        {
            IoUtil.unmap(mapped);
            throw ex;
        }
    }

    /**
     * Map an existing counters file read-only.
     *
     * @throws IllegalStateException if the file is missing, not yet laid out or of another layout.
     */
    static CountersFile mapReadOnly(final File file)
    {
        if (!file.isFile())
        {
            throw new IllegalStateException("no counters at " + file.getPath());
        }
        final Object fileKey = fileKey(file);
        return new CountersFile(file, fileKey, IoUtil.mapExistingFile(file, FileChannel.MapMode.READ_ONLY, FILE_NAME));
    }

    /** Bytes of a counters file with room for the given number of counters and the error log. */
    static long fileLength(final int counterCapacity)
    {
        return HEADER_LENGTH + (long)counterCapacity * (METADATA_LENGTH + COUNTER_LENGTH) + ERROR_LOG_LENGTH;
    }

    /** The distinct error log; read it with {@link ErrorLogReader}. */
    AtomicBuffer errorLog()
    {
        return errorLog;
    }

    /**
     * Hand each distinct error to the consumer: observation count, first and last time (epoch ms) and the stack trace.
     *
     * @return the number of distinct errors.
     */
    int readErrors(final ErrorConsumer consumer)
    {
        return 0 == errorLog.capacity() ? 0 : ErrorLogReader.read(errorLog, consumer);
    }

    /** The service-time histograms in the file, read now. */
    List<ServiceTimeSnapshot> serviceTimes()
    {
        return ServiceTimeSnapshot.readAll(reader);
    }

    File file()
    {
        return file;
    }

    CountersReader reader()
    {
        return reader;
    }

    /** The id of the first counter with this label, or {@link CountersReader#NULL_COUNTER_ID}. */
    int counterId(final String label)
    {
        final int[] found = { NULL_COUNTER_ID };
        reader.forEach((final int counterId, final String counterLabel) ->
        {
            if (NULL_COUNTER_ID == found[0] && counterLabel.equals(label))
            {
                found[0] = counterId;
            }
        });
        return found[0];
    }

    /** The value of the first counter with this label, or {@code missingValue} when there is none. */
    long value(final String label, final long missingValue)
    {
        final int counterId = counterId(label);
        return NULL_COUNTER_ID == counterId ? missingValue : reader.getCounterValue(counterId);
    }

    /** The writing server's process id. */
    long pid()
    {
        return header.getLongVolatile(PID_OFFSET);
    }

    /** When the writing server started, epoch ms. */
    long startTimeMs()
    {
        return header.getLongVolatile(START_TIME_OFFSET);
    }

    /** Whether the writing server marked the file at a clean shutdown. */
    boolean isStopped()
    {
        return 0 != header.getIntVolatile(STOPPED_OFFSET);
    }

    /**
     * Whether the writing server still runs: it has not marked the file stopped, and its process is alive (a killed
     * server cannot mark it).
     */
    boolean isRunning()
    {
        final long pid = pid();
        return !isStopped() && pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** "running", "stopped" (a clean shutdown) or "gone without stopping" (the process died). */
    String status()
    {
        if (isRunning())
        {
            return "running";
        }
        return isStopped() ? "stopped" : "gone without stopping";
    }

    /** Whether the path now names another file than the one mapped, as after a server restart, or none. */
    boolean isReplaced()
    {
        return !file.isFile() || !Objects.equals(fileKey, fileKey(file));
    }

    public void close()
    {
        CloseHelper.quietClose(() -> IoUtil.unmap(mapped));
    }

    private static Object fileKey(final File file)
    {
        try
        {
            return Files.readAttributes(file.toPath(), BasicFileAttributes.class).fileKey();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
