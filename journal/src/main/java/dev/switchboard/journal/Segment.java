package dev.switchboard.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;

import static dev.switchboard.journal.RecordDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_INDEX_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_MAGIC;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_MAGIC_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_MAX_MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_VERSION;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_VERSION_OFFSET;

/**
 * One memory-mapped segment file and the live data accounted to it.
 */
final class Segment
{
    /** Bytes a recycled segment is zeroed in between yields: 16 pages. */
    static final int RECYCLE_ZEROING_CHUNK = 64 * 1024;

    static final String SUFFIX = ".seg";
    static final String TEMPORARY_SUFFIX = ".tmp";

    final int index;
    final File file;
    final int length;
    final UnsafeBuffer buffer;
    private final MappedByteBuffer mappedBuffer;
    private final ByteBuffer crcView;
    private final CRC32C crc32c = new CRC32C();

    /** Index entries that point into this segment. */
    int liveRefs;
    /** Record bytes those entries keep alive; a fan-out record is shared out between its recipients. */
    long liveBytes;
    /** Start of the bytes written since the last force. */
    int dirtyFrom;
    int dirtyTo;

    private Segment(final int index, final File file, final MappedByteBuffer mappedBuffer)
    {
        this.index = index;
        this.file = file;
        this.mappedBuffer = mappedBuffer;
        this.length = mappedBuffer.capacity();
        this.buffer = new UnsafeBuffer(mappedBuffer);
        this.crcView = mappedBuffer.duplicate();
    }

    static String fileName(final int index)
    {
        return String.format("journal-%010d%s", index, SUFFIX);
    }

    static boolean isSpareName(final String fileName)
    {
        return fileName.startsWith("spare-") && fileName.endsWith(".free");
    }

    static boolean isTemporaryName(final String fileName)
    {
        return fileName.startsWith("journal-") && fileName.endsWith(SUFFIX + TEMPORARY_SUFFIX);
    }

    static int parseIndex(final String fileName)
    {
        if (!fileName.startsWith("journal-") || !fileName.endsWith(SUFFIX))
        {
            return -1;
        }
        try
        {
            return Integer.parseInt(fileName.substring("journal-".length(), fileName.length() - SUFFIX.length()));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    static Segment create(final File dir, final int index, final int length, final long maxMessageId)
    {
        final File file = new File(dir, fileName(index));
        final Segment segment = new Segment(index, file, IoUtil.mapNewFile(file, length, false));
        segment.writeHeader(maxMessageId);
        return segment;
    }

    /**
     * Takes a reclaimed segment out of use: its file is renamed out of the segment namespace first, so recovery
     * can never read its stale records, and its mapping is kept for {@link #recycle}.
     */
    Segment retire()
    {
        final File spare = new File(file.getParentFile(), "spare-" + index + ".free");
        rename(file, spare);
        return new Segment(-1, spare, mappedBuffer);
    }

    /**
     * Makes a new segment file ready ahead of need, off the append path: created under a temporary name and renamed
     * once its header is written, so a crash never leaves a short file under a segment name. The header has no magic
     * until {@link #activate}: recovery drops such a file when it holds no record.
     */
    static Segment prepare(final File dir, final int index, final int length)
    {
        final File temporary = new File(dir, fileName(index) + TEMPORARY_SUFFIX);
        final Segment created = new Segment(index, temporary, IoUtil.mapNewFile(temporary, length, false));
        created.writePreparedHeader();
        final File target = new File(dir, fileName(index));
        rename(temporary, target);
        return new Segment(index, target, created.mappedBuffer);
    }

    /**
     * Reuses a retired segment as a prepared one: its pages are mapped and allocated already, so appends into it take
     * no page faults or block allocation. Zeroed before it gets a segment name.
     */
    Segment recycle(final File dir, final int newIndex)
    {
        // In chunks, yielding after each: the first write to each page the last force left clean takes a fault, and a
        // whole segment at once holds the CPU for milliseconds; on a small host that CPU is the delivery thread's.
        // Populated writable first where that can be had, a chunk's faults cost one system call.
        for (int offset = 0; offset < length; offset += RECYCLE_ZEROING_CHUNK)
        {
            final int chunkLength = Math.min(RECYCLE_ZEROING_CHUNK, length - offset);
            PagePopulator.populateWrite(buffer, offset, offset + chunkLength);
            buffer.setMemory(offset, chunkLength, (byte)0);
            Thread.yield();
        }
        final Segment segment = new Segment(newIndex, new File(dir, fileName(newIndex)), mappedBuffer);
        segment.writePreparedHeader();
        rename(file, segment.file);
        return segment;
    }

    private static void rename(final File from, final File to)
    {
        try
        {
            Files.move(from.toPath(), to.toPath(), StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static Segment open(final File file, final int index)
    {
        return new Segment(index, file, IoUtil.mapExistingFile(file, file.getName()));
    }

    void writeHeader(final long maxMessageId)
    {
        writePreparedHeader();
        activate(maxMessageId);
    }

    private void writePreparedHeader()
    {
        buffer.setMemory(0, SEGMENT_HEADER_LENGTH, (byte)0);
        buffer.putInt(SEGMENT_VERSION_OFFSET, SEGMENT_VERSION);
        buffer.putInt(SEGMENT_LENGTH_OFFSET, length);
        buffer.putInt(SEGMENT_INDEX_OFFSET, index);
    }

    /** Puts a prepared segment in use: two stores, forced with the records written after them. */
    void activate(final long maxMessageId)
    {
        buffer.putLong(SEGMENT_MAX_MESSAGE_ID_OFFSET, maxMessageId);
        buffer.putLongRelease(SEGMENT_MAGIC_OFFSET, SEGMENT_MAGIC);
        markDirty(0, SEGMENT_HEADER_LENGTH);
    }

    /** A prepared segment never put in use: no magic and not one written byte past the header. */
    boolean isUnusedPrepared()
    {
        return !hasValidHeader() &&
            SEGMENT_HEADER_LENGTH == RecordScanner.lastNonZeroEnd(this, SEGMENT_HEADER_LENGTH, length);
    }

    boolean hasValidHeader()
    {
        return length >= SEGMENT_HEADER_LENGTH &&
            SEGMENT_MAGIC == buffer.getLong(SEGMENT_MAGIC_OFFSET) &&
            SEGMENT_VERSION == buffer.getInt(SEGMENT_VERSION_OFFSET) &&
            index == buffer.getInt(SEGMENT_INDEX_OFFSET);
    }

    long headerMaxMessageId()
    {
        return buffer.getLong(SEGMENT_MAX_MESSAGE_ID_OFFSET);
    }

    /**
     * CRC32C of a record's bytes from its type field to crcLength; a direct buffer view keeps it free of copies
     * and allocation.
     */
    int computeCrc(final int recordOffset, final int crcLength)
    {
        crcView.limit(recordOffset + crcLength).position(recordOffset + RecordDescriptor.TYPE_OFFSET);
        crc32c.reset();
        crc32c.update(crcView);
        return (int)crc32c.getValue();
    }

    void markDirty(final int from, final int to)
    {
        if (dirtyTo <= dirtyFrom)
        {
            dirtyFrom = from;
            dirtyTo = to;
        }
        else
        {
            dirtyFrom = Math.min(dirtyFrom, from);
            dirtyTo = Math.max(dirtyTo, to);
        }
    }

    boolean hasUnforcedBytes()
    {
        return dirtyTo > dirtyFrom;
    }

    /** Forces the bytes written since the last force to the device. */
    void force()
    {
        if (dirtyTo > dirtyFrom)
        {
            mappedBuffer.force(dirtyFrom, dirtyTo - dirtyFrom);
            dirtyFrom = dirtyTo;
        }
    }

    void forceAll()
    {
        mappedBuffer.force();
        dirtyFrom = dirtyTo;
    }

    void close()
    {
        IoUtil.unmap(mappedBuffer);
    }

    void closeAndDelete()
    {
        close();
        IoUtil.deleteIfExists(file);
    }
}
