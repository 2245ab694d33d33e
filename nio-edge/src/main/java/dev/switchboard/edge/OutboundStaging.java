package dev.switchboard.edge;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames taken off the outbound ring in one poller cycle, grouped by connection so each connection gets one write
 * per cycle however many frames it was sent. Frames are copied into one buffer as records
 * {@code [next record offset][frame length][frame]} chained per connection; a connection with several frames has them
 * gathered into a scratch buffer before its write, each connection's at its own place there, so every gathered entry
 * stays put until {@link #clear()} (a cycle's writes may go to the kernel together). Owned by one poller; not thread
 * safe.
 */
final class OutboundStaging
{
    static final int NONE = -1;
    private static final int NEXT_OFFSET = 0;
    private static final int LENGTH_OFFSET = 4;
    private static final int RECORD_HEADER_LENGTH = 8;
    private static final int MIN_CAPACITY = 256 * 1024;

    private final ByteBuffer stagedByteBuffer;
    private final UnsafeBuffer staged;
    private final ByteBuffer scratchByteBuffer;
    private final UnsafeBuffer scratch;
    private int position;
    private Connection[] connections = new Connection[64];
    private int[] firstRecords = new int[64];
    private int[] lastRecords = new int[64];
    private int entryCount;

    private ByteBuffer gatheredByteBuffer;
    private UnsafeBuffer gathered;
    private int gatheredOffset;
    private int scratchPosition;

    OutboundStaging(final int maxFrameLength)
    {
        final int capacity = Math.max(MIN_CAPACITY, RECORD_HEADER_LENGTH + maxFrameLength);
        stagedByteBuffer = BufferUtil.allocateDirectAligned(capacity, 64);
        staged = new UnsafeBuffer(stagedByteBuffer);
        scratchByteBuffer = BufferUtil.allocateDirectAligned(capacity, 64);
        scratch = new UnsafeBuffer(scratchByteBuffer);
    }

    boolean hasRoomFor(final int frameLength)
    {
        return position + RECORD_HEADER_LENGTH + frameLength <= staged.capacity();
    }

    boolean isEmpty()
    {
        return 0 == entryCount;
    }

    /**
     * Copy a frame in behind any staged earlier for the same connection; the caller checked {@link #hasRoomFor}.
     */
    void stage(final Connection connection, final DirectBuffer buffer, final int offset, final int length)
    {
        final int record = position;
        staged.putInt(record + NEXT_OFFSET, NONE);
        staged.putInt(record + LENGTH_OFFSET, length);
        staged.putBytes(record + RECORD_HEADER_LENGTH, buffer, offset, length);
        position += RECORD_HEADER_LENGTH + length;

        final int entry = connection.stagedEntry;
        if (NONE == entry)
        {
            if (entryCount == connections.length)
            {
                connections = Arrays.copyOf(connections, entryCount * 2);
                firstRecords = Arrays.copyOf(firstRecords, entryCount * 2);
                lastRecords = Arrays.copyOf(lastRecords, entryCount * 2);
            }
            connection.stagedEntry = entryCount;
            connections[entryCount] = connection;
            firstRecords[entryCount] = record;
            lastRecords[entryCount] = record;
            entryCount++;
        }
        else
        {
            staged.putInt(lastRecords[entry] + NEXT_OFFSET, record);
            lastRecords[entry] = record;
        }
    }

    int entryCount()
    {
        return entryCount;
    }

    Connection connection(final int entry)
    {
        return connections[entry];
    }

    /**
     * Lay the frames staged for one entry end to end and return their length; they then lie in
     * {@link #gathered()} / {@link #gatheredByteBuffer()} from {@link #gatheredOffset()}, and stay there until
     * {@link #clear()}. A single frame is not copied. The scratch buffer is as large as the staging buffer and each
     * entry's frames are gathered once, so the entries gathered since the last clear always fit.
     */
    int gather(final int entry)
    {
        int record = firstRecords[entry];
        int next = staged.getInt(record + NEXT_OFFSET);
        if (NONE == next)
        {
            gathered = staged;
            gatheredByteBuffer = stagedByteBuffer;
            gatheredOffset = record + RECORD_HEADER_LENGTH;
            return staged.getInt(record + LENGTH_OFFSET);
        }

        final int start = scratchPosition;
        int length = 0;
        while (NONE != record)
        {
            final int frameLength = staged.getInt(record + LENGTH_OFFSET);
            scratch.putBytes(start + length, staged, record + RECORD_HEADER_LENGTH, frameLength);
            length += frameLength;
            record = staged.getInt(record + NEXT_OFFSET);
        }
        scratchPosition = start + length;
        gathered = scratch;
        gatheredByteBuffer = scratchByteBuffer;
        gatheredOffset = start;
        return length;
    }

    DirectBuffer gathered()
    {
        return gathered;
    }

    ByteBuffer gatheredByteBuffer()
    {
        return gatheredByteBuffer;
    }

    int gatheredOffset()
    {
        return gatheredOffset;
    }

    /** The native address of the last gathered entry's first byte. */
    long gatheredAddress()
    {
        return gathered.addressOffset() + gatheredOffset;
    }

    /** Forget everything staged, once written. */
    void clear()
    {
        for (int i = 0; i < entryCount; i++)
        {
            connections[i].stagedEntry = NONE;
            connections[i] = null;
        }
        entryCount = 0;
        position = 0;
        scratchPosition = 0;
    }
}
