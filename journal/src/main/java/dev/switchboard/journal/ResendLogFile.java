package dev.switchboard.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;

import static dev.switchboard.journal.ResendLogDescriptor.CAPACITY_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.CHECK_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.CLIENT_MSG_ID_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.ENTRY_LENGTH;
import static dev.switchboard.journal.ResendLogDescriptor.ENTRY_LENGTH_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.HEADER_LENGTH;
import static dev.switchboard.journal.ResendLogDescriptor.MAGIC;
import static dev.switchboard.journal.ResendLogDescriptor.MAGIC_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.MAX_CAPACITY;
import static dev.switchboard.journal.ResendLogDescriptor.MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.SENDER_KEY_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.SEQUENCE_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.TIMESTAMP_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.VERSION;
import static dev.switchboard.journal.ResendLogDescriptor.VERSION_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.check;
import static dev.switchboard.journal.ResendLogDescriptor.fileLength;
import static dev.switchboard.journal.ResendLogDescriptor.slotOffset;

/**
 * The resend log's memory-mapped file, laid out as {@link ResendLogDescriptor} says: maps it, writes and reads its
 * slots (entry n in slot {@code (n - 1) & (capacity - 1)}), and forces what was written since the last force.
 * <p>
 * Single writer: the journal's owner. No allocation after open.
 */
final class ResendLogFile implements AutoCloseable
{
    static final String FILE_NAME = "resend-dedupe.dat";

    private final File file;
    private final int capacity;
    private final int slotMask;
    private final MappedByteBuffer mappedBuffer;
    private final UnsafeBuffer buffer;
    private int dirtyFrom = Integer.MAX_VALUE;
    private int dirtyTo;

    private ResendLogFile(final File file, final MappedByteBuffer mappedBuffer, final int capacity)
    {
        this.file = file;
        this.capacity = capacity;
        this.slotMask = capacity - 1;
        this.mappedBuffer = mappedBuffer;
        this.buffer = new UnsafeBuffer(mappedBuffer);
    }

    /** A new file of this capacity, its header written and no slot. */
    static ResendLogFile create(final File file, final int capacity)
    {
        // not filled: the file stays sparse until slots are written
        final ResendLogFile created = new ResendLogFile(
            file, IoUtil.mapNewFile(file, fileLength(capacity), false), capacity);
        created.buffer.putInt(VERSION_OFFSET, VERSION);
        created.buffer.putInt(ENTRY_LENGTH_OFFSET, ENTRY_LENGTH);
        created.buffer.putInt(CAPACITY_OFFSET, capacity);
        created.buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
        created.markDirty(0, HEADER_LENGTH);
        return created;
    }

    /** The file mapped at the capacity its header gives, or null when the header is unreadable or the file short. */
    static ResendLogFile openExisting(final File file)
    {
        final long length = file.length();
        if (length < HEADER_LENGTH + ENTRY_LENGTH)
        {
            return null;
        }
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
            return map(file, capacity);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Maps a file whose header is known to give this capacity. */
    static ResendLogFile map(final File file, final int capacity)
    {
        return new ResendLogFile(file, IoUtil.mapExistingFile(file, FILE_NAME, 0, fileLength(capacity)), capacity);
    }

    File file()
    {
        return file;
    }

    int capacity()
    {
        return capacity;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    int slotOf(final long sequence)
    {
        return (int)((sequence - 1) & slotMask);
    }

    /** Writes entry {@code sequence} into its slot, over whatever the slot held. */
    void write(
        final long sequence,
        final long senderKey,
        final long clientMsgId,
        final long messageId,
        final long timestampMs)
    {
        final int offset = slotOffset(slotOf(sequence));
        buffer.putLong(offset + SENDER_KEY_OFFSET, senderKey);
        buffer.putLong(offset + CLIENT_MSG_ID_OFFSET, clientMsgId);
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampMs);
        buffer.putLong(offset + CHECK_OFFSET, check(senderKey, clientMsgId, messageId, timestampMs, sequence));
        // last: a slot whose sequence is not yet its own is not there
        buffer.putLongRelease(offset + SEQUENCE_OFFSET, sequence);
        markDirty(offset, offset + ENTRY_LENGTH);
    }

    /** The slot's sequence as stored, 0 if never written; {@link #validSequence} says whether it is whole. */
    long sequence(final int slot)
    {
        return buffer.getLong(slotOffset(slot) + SEQUENCE_OFFSET);
    }

    long senderKey(final int slot)
    {
        return buffer.getLong(slotOffset(slot) + SENDER_KEY_OFFSET);
    }

    long clientMsgId(final int slot)
    {
        return buffer.getLong(slotOffset(slot) + CLIENT_MSG_ID_OFFSET);
    }

    long messageId(final int slot)
    {
        return buffer.getLong(slotOffset(slot) + MESSAGE_ID_OFFSET);
    }

    long timestampMs(final int slot)
    {
        return buffer.getLong(slotOffset(slot) + TIMESTAMP_OFFSET);
    }

    /** The slot's sequence if the slot holds a whole entry that belongs there, else 0. */
    long validSequence(final int slot)
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

    boolean isZero(final int slot)
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
}
