package dev.switchboard.client;

import org.agrona.IoUtil;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A bounded set of the most recently delivered server message ids, in a memory-mapped ring file so it survives a
 * process restart. When full, the oldest id is forgotten. Single writer: the client's I/O thread.
 * <pre>
 *   0        4          8                 16
 *   +--------+----------+-----------------+---------------------------------+
 *   | magic  | capacity | write count     | capacity x message id (8 bytes) |
 *   +--------+----------+-----------------+---------------------------------+
 * </pre>
 */
final class SeenMessageIds implements AutoCloseable
{
    static final int MAGIC = 0x53425344;
    static final int MAGIC_OFFSET = 0;
    static final int CAPACITY_OFFSET = 4;
    static final int WRITE_COUNT_OFFSET = 8;
    static final int SLOTS_OFFSET = 16;

    private final int capacity;
    private final LongHashSet ids;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private long writeCount;

    SeenMessageIds(final File file, final int capacity) throws IOException
    {
        this.capacity = capacity;
        this.ids = new LongHashSet(capacity * 2);
        final long[] previous = readExisting(file);
        // Built beside the old file and renamed over it, so a crash while opening never loses the old ids.
        final File temp = new File(file.getPath() + AtomicFiles.TEMP_SUFFIX);
        Files.deleteIfExists(temp.toPath());
        try (FileChannel channel = FileChannel.open(
            temp.toPath(), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, SLOTS_OFFSET + (long)capacity * Long.BYTES);
        }
        buffer = new UnsafeBuffer(mapped);
        buffer.putInt(MAGIC_OFFSET, MAGIC);
        buffer.putInt(CAPACITY_OFFSET, capacity);
        final int start = Math.max(0, previous.length - capacity);
        for (int i = start; i < previous.length; i++)
        {
            add(previous[i]);
        }
        Files.move(temp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    boolean contains(final long messageId)
    {
        return ids.contains(messageId);
    }

    /**
     * Remember an id, forgetting the oldest when full; a no-op for an id already held.
     */
    void add(final long messageId)
    {
        if (!ids.add(messageId))
        {
            return;
        }
        final int slot = (int)(writeCount % capacity);
        final int slotOffset = SLOTS_OFFSET + slot * Long.BYTES;
        if (writeCount >= capacity)
        {
            ids.remove(buffer.getLong(slotOffset));
        }
        buffer.putLong(slotOffset, messageId);
        writeCount++;
        buffer.putLongOrdered(WRITE_COUNT_OFFSET, writeCount);
    }

    int size()
    {
        return ids.size();
    }

    int capacity()
    {
        return capacity;
    }

    public void close()
    {
        IoUtil.unmap(mapped);
    }

    /**
     * Ids from an earlier run, oldest first, so a capacity change keeps the newest ones.
     */
    private static long[] readExisting(final File file) throws IOException
    {
        if (!file.exists() || file.length() < SLOTS_OFFSET)
        {
            return new long[0];
        }
        final UnsafeBuffer old = new UnsafeBuffer(Files.readAllBytes(file.toPath()));
        final int oldCapacity = old.getInt(CAPACITY_OFFSET);
        final long oldWriteCount = old.getLong(WRITE_COUNT_OFFSET);
        if (old.getInt(MAGIC_OFFSET) != MAGIC || oldCapacity <= 0 || oldWriteCount < 0 ||
            SLOTS_OFFSET + (long)oldCapacity * Long.BYTES > old.capacity())
        {
            return new long[0];
        }
        final int count = (int)Math.min(oldWriteCount, oldCapacity);
        final long[] result = new long[count];
        final long first = oldWriteCount - count;
        for (int i = 0; i < count; i++)
        {
            final int slot = (int)((first + i) % oldCapacity);
            result[i] = old.getLong(SLOTS_OFFSET + slot * Long.BYTES);
        }
        return result;
    }
}
