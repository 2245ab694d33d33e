package dev.switchboard.server;

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
import java.util.Objects;

import static org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;
import static org.agrona.concurrent.status.CountersReader.NULL_COUNTER_ID;

/**
 * The server's live counters file, {@code <data folder>/counters.dat}, mapped read-only by another process.
 * <p>
 * The server ({@link ServerCounters}) lays the file out as a header followed by the metadata and values buffers of
 * an Agrona {@link org.agrona.concurrent.status.CountersManager} and, since layout version 2, the buffer of an Agrona
 * {@link org.agrona.concurrent.errors.DistinctErrorLog}: each distinct error once, with its count and the times it was
 * first and last seen, as in Aeron's CnC file. It writes the layout version last, so a reader that sees it also sees
 * every counter; a reader that finds 0 there caught the server while it was starting.
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
 *  |                  Error Log Length (version 2)                 |
 *  +---------------------------------------------------------------+
 *  |                     112 bytes of padding                     ...
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
 * Counters of type {@link #SERVER_TYPE_ID} describe the process: {@link #RUNNING_LABEL} is 1 while it serves and 0
 * after a clean shutdown, which leaves the file in place with the last values.
 */
final class CountersFile implements AutoCloseable
{
    static final String FILE_NAME = "counters.dat";

    static final int LAYOUT_VERSION = 2;
    /** The first layout, without the error log; still read. */
    static final int LAYOUT_VERSION_WITHOUT_ERRORS = 1;
    static final int VERSION_OFFSET = 0;
    static final int METADATA_LENGTH_OFFSET = VERSION_OFFSET + Integer.BYTES;
    static final int VALUES_LENGTH_OFFSET = METADATA_LENGTH_OFFSET + Integer.BYTES;
    static final int ERROR_LOG_LENGTH_OFFSET = VALUES_LENGTH_OFFSET + Integer.BYTES;
    /** Room for the distinct errors: each is stored once however often it recurs, so this fills only with variety. */
    static final int ERROR_LOG_LENGTH = 1024 * 1024;
    /** Two cache lines: keeps both buffers aligned for atomic access. */
    static final int HEADER_LENGTH = 128;

    /** Type of the counters about the server process itself. */
    static final int SERVER_TYPE_ID = 1;
    /** Type of the ring pipeline's counters ({@link dev.switchboard.ring.RingCounters}). */
    static final int RING_TYPE_ID = 2;
    /** Type of an edge poller's counters; the key holds the poller index as an int. */
    static final int EDGE_TYPE_ID = 3;
    /** Type of the edge acceptor's counters. */
    static final int ACCEPTOR_TYPE_ID = 4;

    static final String RUNNING_LABEL = "server-running";
    static final String PID_LABEL = "server-pid";
    static final String START_TIME_LABEL = "server-start-time-ms";

    private final File file;
    private final Object fileKey;
    private final MappedByteBuffer mapped;
    private final CountersReader reader;
    private final AtomicBuffer errorLog;

    private CountersFile(final File file, final Object fileKey, final MappedByteBuffer mapped)
    {
        this.file = file;
        this.fileKey = fileKey;
        this.mapped = mapped;
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            final int version = header.getIntVolatile(VERSION_OFFSET);
            if (0 == version)
            {
                throw new IllegalStateException(
                    "counters at " + file.getPath() + " are not ready: the server is starting");
            }
            if (LAYOUT_VERSION != version && LAYOUT_VERSION_WITHOUT_ERRORS != version)
            {
                throw new IllegalStateException("counters at " + file.getPath() + " have layout version " + version +
                    ", this reader knows " + LAYOUT_VERSION_WITHOUT_ERRORS + " to " + LAYOUT_VERSION);
            }
            final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
            final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
            final int errorLogLength = LAYOUT_VERSION_WITHOUT_ERRORS == version ? 0 :
                header.getInt(ERROR_LOG_LENGTH_OFFSET);
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

    /** Bytes of a counters file holding the given number of counters and the error log. */
    static long fileLength(final int counterCount)
    {
        return HEADER_LENGTH + (long)counterCount * (METADATA_LENGTH + COUNTER_LENGTH) + ERROR_LOG_LENGTH;
    }

    /** The distinct error log, empty in a file of the first layout; read it with {@link ErrorLogReader}. */
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

    long pid()
    {
        return value(PID_LABEL, -1);
    }

    long startTimeMs()
    {
        return value(START_TIME_LABEL, 0);
    }

    /**
     * Whether the writing server still runs: it has not marked the file stopped, and its process is alive (a killed
     * server cannot mark it).
     */
    boolean isRunning()
    {
        final long pid = pid();
        return 1 == value(RUNNING_LABEL, 0) && pid > 0 &&
            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** "running", "stopped" (a clean shutdown) or "gone without stopping" (the process died). */
    String status()
    {
        if (isRunning())
        {
            return "running";
        }
        return 0 == value(RUNNING_LABEL, 0) ? "stopped" : "gone without stopping";
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
