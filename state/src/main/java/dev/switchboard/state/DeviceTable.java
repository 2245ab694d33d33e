package dev.switchboard.state;

import org.agrona.IoUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The devices and their presence in one memory-mapped file, a fixed-size slot per (user id, device id), the slots of
 * a user side by side and users in id order. User ids are handed out in sequence, so the pages in use fill in the
 * order accounts are created and a login touches one slot of one page, not random pages of a hash table.
 * <p>
 * The file is sparse: it is sized for every account up front but takes disk and page cache only where slots were
 * written. On a filesystem without sparse files the whole length is allocated (zeros) when the file is made; memory
 * use is the same, as only pages touched are mapped.
 * <p>
 * File layout: a 4 KiB header, then the slots.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic ("SWBDEV01")                        |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Layout Version                         |
 *  +---------------------------------------------------------------+
 *  |                      Slot Length (64)                         |
 *  +---------------------------------------------------------------+
 *  |                    Slots per Account (stride)                 |
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |
 *  +---------------------------------------------------------------+
 *  |                  Capacity (user ids 1..capacity)              |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Offset of the Slot Being Written              |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Reserved to 4096 bytes                   ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Slot of (user id u, device id d) at 4096 + ((u - 1) * stride + (d - 1)) * 64, one cache line:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-------------------------------------------------------------+
 *  |L|                 Change Counter (odd: being written)         |
 *  +-+-------------------------------------------------------------+
 *  |                       Registration Id                         |
 *  +---------------------------------------------------------------+
 *  |                Ed25519 Login Public Key (32 bytes)           ...
 *  +---------------------------------------------------------------+
 *  |                   Connection Id (presence)                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Last Seen (epoch ms)                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Open Epoch                           |
 *  +---------------------------------------------------------------+
 *  |                         Poller Index                          |
 *  +---------------------------------------------------------------+
 * </pre>
 * L is set while the device is linked. The first word is a sequence lock: the single writer makes it odd, writes the
 * fields, then stores it even (release) with L as it should now be, so a reader on another thread that sees the same
 * even word before and after its reads has a consistent slot. An all-zero slot is an unlinked device that was never
 * online. Before it makes a slot odd the writer notes the slot's offset in the header, so after a crash mid-write the
 * one slot that may be left odd is found and closed at the next open without a scan; its L is the one before the
 * write, so a half-linked device stays unlinked and a half-updated one stays linked, and a torn presence is harmless
 * because presence from an earlier process reads as offline.
 */
final class DeviceTable implements AutoCloseable
{
    static final long MAGIC = 0x31305645_44425753L; // "SWBDEV01" little-endian
    static final int LAYOUT_VERSION = 1;
    static final int HEADER_LENGTH = 4096;
    static final int SLOT_LENGTH = 64;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int SLOT_LENGTH_OFFSET = 12;
    static final int STRIDE_OFFSET = 16;
    static final int CAPACITY_OFFSET = 24;
    static final int WRITING_OFFSET = 32;

    static final int WORD_OFFSET = 0;
    static final int REGISTRATION_ID_OFFSET = 4;
    static final int LOGIN_KEY_OFFSET = 8;
    static final int CONNECTION_ID_OFFSET = 40;
    static final int LAST_SEEN_OFFSET = 48;
    static final int OPEN_EPOCH_OFFSET = 56;
    static final int POLLER_INDEX_OFFSET = 60;
    static final int PRESENCE_OFFSET = CONNECTION_ID_OFFSET;
    static final int PRESENCE_LENGTH = SLOT_LENGTH - PRESENCE_OFFSET;

    static final int LINKED = 0x8000_0000;
    static final int COUNTER_MASK = 0x7FFF_FFFF;

    private final File file;
    private final int stride;
    private final long capacity;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final boolean repaired;
    private boolean isClosed;

    private DeviceTable(final File file, final MappedByteBuffer mapped)
    {
        this.file = file;
        this.mapped = mapped;
        buffer = new UnsafeBuffer(mapped);
        if (MAGIC != buffer.getLong(MAGIC_OFFSET) || LAYOUT_VERSION != buffer.getInt(VERSION_OFFSET) ||
            SLOT_LENGTH != buffer.getInt(SLOT_LENGTH_OFFSET))
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("not a device table of layout " + LAYOUT_VERSION + ": " +
                file.getAbsolutePath());
        }
        stride = buffer.getInt(STRIDE_OFFSET);
        capacity = buffer.getLong(CAPACITY_OFFSET);
        if (length(capacity, stride) != mapped.capacity())
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("device table length does not match its header: " +
                file.getAbsolutePath());
        }
        repaired = closeInterruptedWrite();
    }

    /**
     * Make a new, empty table file of the given size; the caller renames it into place once filled.
     *
     * @param file     the file, replaced if it exists.
     * @param capacity user ids 1..capacity get slots.
     * @param stride   slots per account, the most device ids an account may use.
     * @return the open table.
     */
    static DeviceTable create(final File file, final long capacity, final int stride)
    {
        final long length = length(capacity, stride);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            // setLength leaves a hole: a sparse file on filesystems that have them
            raf.setLength(0);
            raf.setLength(length);
            final MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            final UnsafeBuffer header = new UnsafeBuffer(mapped);
            header.putInt(VERSION_OFFSET, LAYOUT_VERSION);
            header.putInt(SLOT_LENGTH_OFFSET, SLOT_LENGTH);
            header.putInt(STRIDE_OFFSET, stride);
            header.putLong(CAPACITY_OFFSET, capacity);
            header.putLong(WRITING_OFFSET, -1);
            header.putLongRelease(MAGIC_OFFSET, MAGIC);
            return new DeviceTable(file, mapped);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + file.getAbsolutePath(), ex);
        }
    }

    /**
     * Open an existing table file, first growing it to hold at least the given user ids.
     *
     * @param file        the file.
     * @param minCapacity user ids 1..minCapacity must get slots.
     * @return the open table.
     */
    static DeviceTable open(final File file, final long minCapacity)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            if (raf.length() < HEADER_LENGTH)
            {
                throw new IllegalStateException("device table too short: " + file.getAbsolutePath());
            }
            final MappedByteBuffer header = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH);
            final UnsafeBuffer headerBuffer = new UnsafeBuffer(header);
            final long capacity = headerBuffer.getLong(CAPACITY_OFFSET);
            final int stride = headerBuffer.getInt(STRIDE_OFFSET);
            if (MAGIC == headerBuffer.getLong(MAGIC_OFFSET) && minCapacity > capacity && stride > 0)
            {
                // slots are user-major, so more accounts only lengthen the file: no slot moves
                final long length = length(minCapacity, stride);
                raf.setLength(length);
                headerBuffer.putLong(CAPACITY_OFFSET, minCapacity);
            }
            IoUtil.unmap(header);
            return new DeviceTable(file, raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, raf.length()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open " + file.getAbsolutePath(), ex);
        }
    }

    /**
     * Length of a table file.
     *
     * @param capacity user ids.
     * @param stride   slots per account.
     * @return bytes.
     * @throws IllegalStateException past what one mapping can hold.
     */
    static long length(final long capacity, final int stride)
    {
        final long length = HEADER_LENGTH + capacity * stride * SLOT_LENGTH;
        if (capacity < 1 || stride < 1 || stride > DeviceKeys.MAX_DEVICE_ID || length > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("a device table holds at most " +
                ((Integer.MAX_VALUE - HEADER_LENGTH) / ((long)Math.max(1, stride) * SLOT_LENGTH)) +
                " accounts of " + stride + " devices: " + capacity);
        }
        return length;
    }

    File file()
    {
        return file;
    }

    int stride()
    {
        return stride;
    }

    long capacity()
    {
        return capacity;
    }

    boolean wasRepaired()
    {
        return repaired;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Offset of a slot, after the caller checked the device id against the stride and its own limit.
     *
     * @param userId   user id, 1..capacity.
     * @param deviceId device id, 1..stride.
     * @return the byte offset of the slot.
     */
    int slotOffset(final long userId, final int deviceId)
    {
        return (int)(HEADER_LENGTH + ((userId - 1) * stride + (deviceId - 1)) * SLOT_LENGTH);
    }

    boolean hasSlot(final long userId, final int deviceId)
    {
        return hasSlot(userId, deviceId, stride);
    }

    /**
     * Whether a device has a slot and its id is within a view's limit.
     *
     * @param userId      user id.
     * @param deviceId    device id.
     * @param maxDeviceId the view's max devices per account; the stride bounds it too.
     * @return true if the slot may be used.
     */
    boolean hasSlot(final long userId, final int deviceId, final int maxDeviceId)
    {
        return userId > 0 && userId <= capacity && deviceId >= 1 && deviceId <= stride && deviceId <= maxDeviceId;
    }

    /**
     * Start changing a slot: note it in the header, make its word odd. Writer thread only.
     *
     * @param offset slot offset.
     * @return the even word the slot had, for {@link #endWrite(int, int, boolean)}.
     */
    int beginWrite(final int offset)
    {
        final int word = buffer.getInt(offset + WORD_OFFSET);
        buffer.putLongRelease(WRITING_OFFSET, offset);
        buffer.putIntRelease(offset + WORD_OFFSET, (word & LINKED) | ((word + 1) & COUNTER_MASK));
        // the odd word must be visible before any field changes
        UnsafeApi.storeStoreFence();
        return word;
    }

    /**
     * Finish changing a slot: store the next even word with the device linked or not.
     *
     * @param offset slot offset.
     * @param word   what {@link #beginWrite(int)} returned.
     * @param linked whether the device is linked now.
     */
    void endWrite(final int offset, final int word, final boolean linked)
    {
        buffer.putIntRelease(offset + WORD_OFFSET, (linked ? LINKED : 0) | ((word + 2) & COUNTER_MASK));
    }

    /**
     * Read the word of a slot that no write is changing, waiting out a change in progress on the writer thread.
     *
     * @param offset slot offset.
     * @return the even word.
     */
    int stableWord(final int offset)
    {
        int word;
        while (0 != ((word = buffer.getIntVolatile(offset + WORD_OFFSET)) & 1))
        {
            Thread.onSpinWait();
        }
        return word;
    }

    /**
     * Whether the fields read since {@link #stableWord(int)} returned word are consistent.
     *
     * @param offset slot offset.
     * @param word   the word read before.
     * @return true if the slot did not change meanwhile.
     */
    boolean isUnchanged(final int offset, final int word)
    {
        UnsafeApi.loadLoadFence();
        return buffer.getIntVolatile(offset + WORD_OFFSET) == word;
    }

    /**
     * Whether the word marks a linked device.
     */
    static boolean isLinked(final int word)
    {
        return 0 != (word & LINKED);
    }

    /**
     * Make durable what is in the page cache; used once a file made by migration is complete.
     */
    void force()
    {
        mapped.force();
    }

    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            IoUtil.unmap(mapped);
        }
    }

    private boolean closeInterruptedWrite()
    {
        final long offset = buffer.getLong(WRITING_OFFSET);
        if (offset >= HEADER_LENGTH && offset <= mapped.capacity() - SLOT_LENGTH &&
            0 == (offset - HEADER_LENGTH) % SLOT_LENGTH)
        {
            final int at = (int)offset;
            final int word = buffer.getInt(at + WORD_OFFSET);
            if (0 != (word & 1))
            {
                // keep L as it was before the interrupted write: see the class comment
                buffer.putIntRelease(at + WORD_OFFSET, (word & LINKED) | ((word + 1) & COUNTER_MASK));
                return true;
            }
        }
        return false;
    }
}
