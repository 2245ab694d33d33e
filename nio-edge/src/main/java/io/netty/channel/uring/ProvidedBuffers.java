package io.netty.channel.uring;

import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.Errors;

import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Equal buffers the kernel picks from for receives ({@link SocketRing#receive}): a provided buffer ring registered with
 * the socket ring, so a connection holds no receive buffer of its own while it waits. A buffer a completion names is
 * the caller's until it gives it back with {@link #recycle}; then the kernel may fill it again. Registered and used on
 * the ring's thread only.
 */
public final class ProvidedBuffers implements AutoCloseable
{
    private static final VarHandle SHORT_HANDLE =
        MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());

    private final SocketRing ring;
    private final short groupId;
    private final int count;
    private final int mask;
    private final int bufferLength;
    private final ByteBuffer memory;
    private final long memoryAddress;
    private final ByteBuffer entries;
    private short tail;
    private boolean closed;

    /**
     * Register {@code count} buffers of {@code bufferLength} bytes with {@code ring}, enabling it for the calling
     * thread.
     *
     * @param count a power of two up to 32,768.
     * @throws java.io.UncheckedIOException when the kernel refuses the registration.
     */
    public ProvidedBuffers(final SocketRing ring, final short groupId, final int count, final int bufferLength)
    {
        if (count < 1 || count > 32_768 || Integer.bitCount(count) != 1)
        {
            throw new IllegalArgumentException("count must be a power of two up to 32768: " + count);
        }
        this.ring = ring;
        this.groupId = groupId;
        this.count = count;
        this.mask = count - 1;
        this.bufferLength = bufferLength;
        ring.enable();
        final long entriesAddress = Native.ioUringRegisterBufRing(ring.fd(), count, groupId, 0);
        if (entriesAddress < 0)
        {
            throw new UncheckedIOException(Errors.newIOException("io_uring_register_buf_ring", (int)entriesAddress));
        }
        entries = Buffer.wrapMemoryAddressWithNativeOrder(entriesAddress, Native.ioUringBufRingSize(count));
        memory = ByteBuffer.allocateDirect(count * bufferLength);
        memoryAddress = Buffer.memoryAddress(memory);
        for (int bid = 0; bid < count; bid++)
        {
            put(bid, bid);
        }
        tail = (short)count;
        SHORT_HANDLE.setRelease(entries, Native.IO_URING_BUFFER_RING_TAIL, tail);
    }

    short groupId()
    {
        return groupId;
    }

    public int count()
    {
        return count;
    }

    public int bufferLength()
    {
        return bufferLength;
    }

    /** Native address of buffer {@code bufferId}'s first byte. */
    public long address(final int bufferId)
    {
        return memoryAddress + (long)bufferId * bufferLength;
    }

    /** Give buffer {@code bufferId} back for the kernel to fill again. */
    public void recycle(final int bufferId)
    {
        put(tail & mask, bufferId);
        tail++;
        SHORT_HANDLE.setRelease(entries, Native.IO_URING_BUFFER_RING_TAIL, tail);
    }

    private void put(final int ringIndex, final int bufferId)
    {
        final int position = Native.SIZEOF_IOURING_BUF * ringIndex;
        entries.putLong(position + Native.IOURING_BUFFER_OFFSETOF_ADDR, address(bufferId));
        entries.putInt(position + Native.IOURING_BUFFER_OFFSETOF_LEN, bufferLength);
        entries.putShort(position + Native.IOURING_BUFFER_OFFSETOF_BID, (short)bufferId);
    }

    /** Unregister the buffers; call before the ring closes, with no receive left armed. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            Native.ioUringUnRegisterBufRing(ring.fd(), Buffer.memoryAddress(entries), count, groupId);
        }
    }
}
