package dev.switchboard.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory of accepted sends that lets a client resend be answered with its original server id: a fixed-capacity
 * FIFO ring of entries in one memory-mapped file, with an in-heap {@link ResendIndex} from (sender, client message id)
 * to slot.
 * <p>
 * Entry n (counted from 1 since the file was created) lives in slot {@code (n - 1) & (capacity - 1)}; writing it
 * evicts entry {@code n - capacity} from the index. So a send is remembered until {@code capacity} more sends were
 * accepted server-wide, and it is matched only while it is younger than the window.
 * <p>
 * File layout, a header then {@code capacity} slots:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Magic (64 bits)                       |
 *  +---------------------------------------------------------------+
 *  |            Version            |        Entry Length           |
 *  +---------------------------------------------------------------+
 *  |            Capacity           |        Reserved to 64 bytes  ...
 *  +---------------------------------------------------------------+
 *
 *  Slot (48 bytes):
 *  +---------------------------------------------------------------+
 *  |                  Sender Key (user << 4 | device)              |
 *  +---------------------------------------------------------------+
 *  |                      Client Message Id                        |
 *  +---------------------------------------------------------------+
 *  |                      Server Message Id                        |
 *  +---------------------------------------------------------------+
 *  |                        Timestamp (ms)                         |
 *  +---------------------------------------------------------------+
 *  |                 Sequence (entry number, from 1)               |
 *  +---------------------------------------------------------------+
 *  |             Check (a 64-bit mix of the five fields above)     |
 *  +---------------------------------------------------------------+
 * </pre>
 * The sequence is written last with an ordered store. A slot counts only when its sequence maps to that slot and its
 * check matches, so a slot torn by a crash mid-write, a stale slot or random bytes are recognised and ignored.
 * <p>
 * Single writer: the journal's owner. No allocation after open.
 */
final class ResendLog implements AutoCloseable
{
    static final String FILE_NAME = "resend-dedupe.dat";

    static final long MAGIC = 0x5342_5245_5344_4450L; // "SBRESDDP"
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 64;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int ENTRY_LENGTH_OFFSET = 12;
    static final int CAPACITY_OFFSET = 16;

    static final int ENTRY_LENGTH = 48;
    static final int SENDER_KEY_OFFSET = 0;
    static final int CLIENT_MSG_ID_OFFSET = 8;
    static final int MESSAGE_ID_OFFSET = 16;
    static final int TIMESTAMP_OFFSET = 24;
    static final int SEQUENCE_OFFSET = 32;
    static final int CHECK_OFFSET = 40;

    /** Largest capacity whose file fits in one mapping. */
    static final int MAX_CAPACITY = 1 << 25;

    private final File file;
    private final int capacity;
    private final int slotMask;
    private final MappedByteBuffer mappedBuffer;
    private final UnsafeBuffer buffer;
    private final ResendIndex index;

    private long nextSequence = 1;
    // the last entry written, published for the segment agent, which touches the ring's pages ahead of the writer
    private final AtomicLong lastSequence = new AtomicLong();
    private int dirtyFrom = Integer.MAX_VALUE;
    private int dirtyTo;

    int recoveredEntries;
    int validSlots;
    int tornSlots;
    boolean wasReset;
    int migratedEntries;

    private ResendLog(final File file, final MappedByteBuffer mappedBuffer, final int capacity)
    {
        this.file = file;
        this.capacity = capacity;
        this.slotMask = capacity - 1;
        this.mappedBuffer = mappedBuffer;
        this.buffer = new UnsafeBuffer(mappedBuffer);
        index = new ResendIndex(buffer, capacity);
    }

    static long fileLength(final int capacity)
    {
        return HEADER_LENGTH + (long)capacity * ENTRY_LENGTH;
    }

    /**
     * Opens the log in the folder, creating it sparse when absent. A file whose header is unreadable is replaced by
     * an empty one; a file of another capacity has its entries carried over, newest kept.
     */
    static ResendLog open(final File dir, final int capacity)
    {
        final File file = new File(dir, FILE_NAME);
        if (!file.exists())
        {
            return create(file, capacity);
        }

        final ResendLog found = openExisting(file);
        if (null == found)
        {
            IoUtil.deleteIfExists(file);
            final ResendLog log = create(file, capacity);
            log.wasReset = true;
            return log;
        }
        found.recover();
        if (found.capacity == capacity)
        {
            return found;
        }
        return migrate(found, dir, capacity);
    }

    private static ResendLog create(final File file, final int capacity)
    {
        // not filled: the file stays sparse until slots are written
        final ResendLog log = new ResendLog(file, IoUtil.mapNewFile(file, fileLength(capacity), false), capacity);
        log.buffer.putInt(VERSION_OFFSET, VERSION);
        log.buffer.putInt(ENTRY_LENGTH_OFFSET, ENTRY_LENGTH);
        log.buffer.putInt(CAPACITY_OFFSET, capacity);
        log.buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
        log.markDirty(0, HEADER_LENGTH);
        return log;
    }

    private static ResendLog openExisting(final File file)
    {
        final long length = file.length();
        if (length < HEADER_LENGTH + ENTRY_LENGTH)
        {
            return null;
        }
        final MappedByteBuffer mapped;
        try (RandomAccessFile raf = new RandomAccessFile(file, "r"))
        {
            final byte[] header = new byte[HEADER_LENGTH];
            raf.readFully(header);
            final UnsafeBuffer view = new UnsafeBuffer(header);
            final int capacity = view.getInt(CAPACITY_OFFSET);
            if (MAGIC != view.getLong(MAGIC_OFFSET) ||
                VERSION != view.getInt(VERSION_OFFSET) ||
                ENTRY_LENGTH != view.getInt(ENTRY_LENGTH_OFFSET) ||
                capacity <= 0 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1 ||
                length < fileLength(capacity))
            {
                return null;
            }
            mapped = IoUtil.mapExistingFile(file, FILE_NAME, 0, fileLength(capacity));
            return new ResendLog(file, mapped, capacity);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Copies the valid entries of a log of another capacity into a new one, oldest first, so the newest stay. */
    private static ResendLog migrate(final ResendLog old, final File dir, final int capacity)
    {
        final long[] sequences = new long[old.validSlots];
        int count = 0;
        for (int slot = 0; slot < old.capacity; slot++)
        {
            final long sequence = old.validSequence(slot);
            if (0 != sequence)
            {
                sequences[count++] = sequence;
            }
        }
        Arrays.sort(sequences, 0, count);

        final File tmp = new File(dir, FILE_NAME + ".tmp");
        IoUtil.deleteIfExists(tmp);
        final ResendLog log = create(tmp, capacity);
        for (int i = 0; i < count; i++)
        {
            final int slot = old.slotOf(sequences[i]);
            final int offset = old.slotOffset(slot);
            log.nextSequence = sequences[i];
            log.append(
                old.buffer.getLong(offset + SENDER_KEY_OFFSET),
                old.buffer.getLong(offset + CLIENT_MSG_ID_OFFSET),
                old.buffer.getLong(offset + MESSAGE_ID_OFFSET),
                old.buffer.getLong(offset + TIMESTAMP_OFFSET));
        }
        log.forceAll();
        old.close();
        try
        {
            Files.move(tmp.toPath(), old.file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            log.close();
            throw new UncheckedIOException(ex);
        }
        final ResendLog reopened = new ResendLog(
            old.file, IoUtil.mapExistingFile(old.file, FILE_NAME, 0, fileLength(capacity)), capacity);
        log.close();
        reopened.recover();
        reopened.migratedEntries = reopened.recoveredEntries;
        return reopened;
    }

    /** Rebuilds the index from every valid slot. */
    private void recover()
    {
        long maxSequence = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            final long sequence = validSequence(slot);
            if (0 == sequence)
            {
                if (!isZero(slot))
                {
                    tornSlots++;
                }
                continue;
            }
            maxSequence = Math.max(maxSequence, sequence);
            validSlots++;
            final int offset = slotOffset(slot);
            final long senderKey = buffer.getLong(offset + SENDER_KEY_OFFSET);
            final long clientMsgId = buffer.getLong(offset + CLIENT_MSG_ID_OFFSET);
            final int indexed = index.slotOf(senderKey, clientMsgId);
            if (ResendIndex.NONE == indexed)
            {
                index.put(senderKey, clientMsgId, slot);
                recoveredEntries++;
            }
            else if (sequence > buffer.getLong(slotOffset(indexed) + SEQUENCE_OFFSET))
            {
                // the same send remembered twice (it was matched no more, outside the window): the newer wins
                index.put(senderKey, clientMsgId, slot);
            }
        }
        nextSequence = maxSequence + 1;
        lastSequence.lazySet(maxSequence);
    }

    /**
     * @return the server message id remembered for this send if it was accepted at or after minTimestampMs, else 0.
     */
    long find(final long senderKey, final long clientMsgId, final long minTimestampMs)
    {
        final int slot = index.slotOf(senderKey, clientMsgId);
        if (ResendIndex.NONE == slot)
        {
            return 0;
        }
        final int offset = slotOffset(slot);
        return buffer.getLong(offset + TIMESTAMP_OFFSET) >= minTimestampMs ?
            buffer.getLong(offset + MESSAGE_ID_OFFSET) : 0;
    }

    /** Any thread: the bytes of entries written into the ring since it started, unwrapped. */
    long writtenBytes()
    {
        return lastSequence.get() * ENTRY_LENGTH;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    int ringLength()
    {
        return capacity * ENTRY_LENGTH;
    }

    /** Remembers an accepted send, evicting the oldest entry when the ring is full. */
    void append(final long senderKey, final long clientMsgId, final long messageId, final long timestampMs)
    {
        final long sequence = nextSequence++;
        final int slot = slotOf(sequence);
        final int offset = slotOffset(slot);

        final long oldSequence = buffer.getLong(offset + SEQUENCE_OFFSET);
        if (0 != oldSequence)
        {
            index.removeIfAt(
                buffer.getLong(offset + SENDER_KEY_OFFSET), buffer.getLong(offset + CLIENT_MSG_ID_OFFSET), slot);
        }

        buffer.putLong(offset + SENDER_KEY_OFFSET, senderKey);
        buffer.putLong(offset + CLIENT_MSG_ID_OFFSET, clientMsgId);
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampMs);
        buffer.putLong(offset + CHECK_OFFSET, check(senderKey, clientMsgId, messageId, timestampMs, sequence));
        // last: a slot whose sequence is not yet its own is not there
        buffer.putLongRelease(offset + SEQUENCE_OFFSET, sequence);
        markDirty(offset, offset + ENTRY_LENGTH);
        lastSequence.lazySet(sequence);

        index.put(senderKey, clientMsgId, slot);
    }

    /** Forces the slots written since the last force to the device. */
    void force()
    {
        if (dirtyTo > dirtyFrom)
        {
            mappedBuffer.force(dirtyFrom, dirtyTo - dirtyFrom);
            dirtyFrom = Integer.MAX_VALUE;
            dirtyTo = 0;
        }
    }

    void forceAll()
    {
        mappedBuffer.force();
        dirtyFrom = Integer.MAX_VALUE;
        dirtyTo = 0;
    }

    int capacity()
    {
        return capacity;
    }

    /** Entries in the index. */
    int size()
    {
        return index.size();
    }

    public void close()
    {
        IoUtil.unmap(mappedBuffer);
    }

    private void markDirty(final int from, final int to)
    {
        // slots are written in ring order, so the dirty range is one stretch until the ring wraps; then the force
        // covers the stretch between, which costs a walk over clean pages but keeps the bookkeeping to two fields
        dirtyFrom = Math.min(dirtyFrom, from);
        dirtyTo = Math.max(dirtyTo, to);
    }

    private int slotOf(final long sequence)
    {
        return (int)((sequence - 1) & slotMask);
    }

    private int slotOffset(final int slot)
    {
        // at most MAX_CAPACITY slots, so offsets fit an int
        return HEADER_LENGTH + slot * ENTRY_LENGTH;
    }

    /** The slot's sequence if the slot holds a whole entry that belongs there, else 0. */
    private long validSequence(final int slot)
    {
        final int offset = slotOffset(slot);
        final long sequence = buffer.getLong(offset + SEQUENCE_OFFSET);
        if (sequence <= 0 || slotOf(sequence) != slot)
        {
            return 0;
        }
        final long expected = check(
            buffer.getLong(offset + SENDER_KEY_OFFSET),
            buffer.getLong(offset + CLIENT_MSG_ID_OFFSET),
            buffer.getLong(offset + MESSAGE_ID_OFFSET),
            buffer.getLong(offset + TIMESTAMP_OFFSET),
            sequence);
        return expected == buffer.getLong(offset + CHECK_OFFSET) ? sequence : 0;
    }

    private boolean isZero(final int slot)
    {
        final int offset = slotOffset(slot);
        for (int i = 0; i < ENTRY_LENGTH; i += 8)
        {
            if (0 != buffer.getLong(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    static long check(
        final long senderKey,
        final long clientMsgId,
        final long messageId,
        final long timestampMs,
        final long sequence)
    {
        long h = 0x243F6A8885A308D3L;
        h = mix(h ^ senderKey);
        h = mix(h ^ clientMsgId);
        h = mix(h ^ messageId);
        h = mix(h ^ timestampMs);
        h = mix(h ^ sequence);
        return 0 == h ? 1 : h;
    }

    private static long mix(final long value)
    {
        long z = value * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
