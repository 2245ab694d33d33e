package dev.switchboard.client;

import dev.switchboard.codec.FrameDecoder;
import dev.switchboard.codec.FrameHandler;
import org.agrona.CloseHelper;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One TCP connection's socket and buffers, used only by the I/O thread. Frames are encoded straight into the write
 * buffer ({@link #reserve}, then {@link #commit}) and flushed without blocking; read bytes are cut into frames for a
 * {@link FrameHandler}, keeping a partial frame for the next read. Any failure marks the connection
 * {@link #failed()} for the owner to close; nothing here throws on network trouble.
 */
final class ClientConnection
{
    private static final long WRITE_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private final NanoClock clock;
    private final long writeTimeoutNs;
    private final FrameDecoder frameDecoder;
    private final FrameHandler frameHandler;
    private final ByteBuffer readBuffer;
    private final UnsafeBuffer readView;
    private final ByteBuffer writeBuffer;
    private final UnsafeBuffer writeView;
    private final SSLContext sslContext;
    private final Runnable decodeToMakeRoom = this::decodeToMakeRoom;
    /** The connection's TLS engine, or null for plaintext. */
    private ClientTls tls;
    private SocketChannel channel;
    private SelectionKey selectionKey;
    private int writePosition;
    private int writeLimit;
    private boolean failed;

    ClientConnection(
        final int maxFrameLength,
        final FrameHandler frameHandler,
        final NanoClock clock,
        final long writeTimeoutNs,
        final SSLContext sslContext)
    {
        this.sslContext = sslContext;
        this.clock = clock;
        this.writeTimeoutNs = writeTimeoutNs;
        this.frameDecoder = new FrameDecoder(maxFrameLength);
        this.frameHandler = frameHandler;
        final int capacity = Math.max(maxFrameLength, 64 * 1024);
        // With TLS a whole record's plaintext must fit behind a partial frame.
        readBuffer = ByteBuffer.allocateDirect(
            capacity + (null == sslContext ? 0 : ClientTls.applicationBufferLength(sslContext)));
        readView = new UnsafeBuffer(readBuffer);
        writeBuffer = ByteBuffer.allocateDirect(capacity);
        writeView = new UnsafeBuffer(writeBuffer);
    }

    /**
     * Connect, blocking up to the timeout, then switch to non-blocking reads registered with the selector.
     */
    void open(final Selector selector, final InetSocketAddress address, final int connectTimeoutMs) throws IOException
    {
        final SocketChannel newChannel = SocketChannel.open();
        try
        {
            newChannel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            newChannel.socket().connect(address, connectTimeoutMs);
            newChannel.configureBlocking(false);
            if (null != sslContext)
            {
                final ClientTls newTls = new ClientTls(sslContext, address.getHostString(), address.getPort());
                newTls.handshake(newChannel, clock, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMs));
                tls = newTls;
            }
            selectionKey = newChannel.register(selector, SelectionKey.OP_READ);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(newChannel);
            throw ex;
        }
        channel = newChannel;
        failed = false;
        readBuffer.clear();
        writePosition = 0;
        writeLimit = 0;
    }

    boolean isOpen()
    {
        return null != channel;
    }

    /**
     * The connection broke, or its owner wants it closed: no more writes.
     */
    boolean failed()
    {
        return failed;
    }

    void fail()
    {
        if (null != channel)
        {
            failed = true;
        }
    }

    MutableDirectBuffer buffer()
    {
        return writeView;
    }

    /**
     * Where the next frame is to be encoded in {@link #buffer()}.
     */
    int limit()
    {
        return writeLimit;
    }

    void commit(final int frameLength)
    {
        writeLimit += frameLength;
    }

    boolean hasUnflushed()
    {
        return writeLimit > writePosition || (null != tls && tls.hasUnflushed());
    }

    /**
     * Make room for a frame of up to {@code length} bytes, waiting for the socket to drain if it must: the only
     * writer is the I/O thread, so a full socket is back pressure on the application's sends.
     */
    boolean reserve(final int length)
    {
        if (null == channel || failed)
        {
            return false;
        }
        if (writeBuffer.capacity() - writeLimit >= length)
        {
            return true;
        }
        final long deadlineNs = clock.nanoTime() + writeTimeoutNs;
        while (true)
        {
            flush();
            if (failed)
            {
                return false;
            }
            if (writePosition > 0)
            {
                final int pending = writeLimit - writePosition;
                writeView.putBytes(0, writeView, writePosition, pending);
                writePosition = 0;
                writeLimit = pending;
            }
            if (writeBuffer.capacity() - writeLimit >= length)
            {
                return true;
            }
            if (clock.nanoTime() - deadlineNs > 0)
            {
                failed = true;
                return false;
            }
            LockSupport.parkNanos(WRITE_PARK_NS);
        }
    }

    void flush()
    {
        if (null == channel || failed || writeLimit == writePosition && (null == tls || !tls.hasUnflushed()))
        {
            return;
        }
        writeBuffer.limit(writeLimit).position(writePosition);
        final boolean ciphertextWaits;
        try
        {
            if (null == tls)
            {
                channel.write(writeBuffer);
                ciphertextWaits = false;
            }
            else
            {
                ciphertextWaits = tls.flush(channel, writeBuffer);
            }
        }
        catch (final IOException ex)
        {
            writeBuffer.clear();
            failed = true;
            return;
        }
        writePosition = writeBuffer.position();
        writeBuffer.clear();
        final boolean drained = writePosition == writeLimit;
        if (drained)
        {
            writePosition = 0;
            writeLimit = 0;
        }
        selectionKey.interestOps(drained && !ciphertextWaits ?
            SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /**
     * Read what the socket has and hand every whole frame to the handler.
     *
     * @return bytes read, 0 if none, -1 if the connection failed (end of stream, error or a corrupt stream).
     */
    int read()
    {
        if (null == channel || failed)
        {
            return -1;
        }
        final int bytesRead;
        try
        {
            bytesRead = null == tls ? channel.read(readBuffer) : tls.read(channel, readBuffer, decodeToMakeRoom);
        }
        catch (final IOException ex)
        {
            failed = true;
            return -1;
        }
        if (bytesRead <= 0)
        {
            if (bytesRead < 0)
            {
                failed = true;
            }
            return bytesRead;
        }
        decodeFrames();
        return failed ? -1 : bytesRead;
    }

    private void decodeToMakeRoom()
    {
        if (!failed)
        {
            decodeFrames();
        }
    }

    /** Hand every whole frame read to the handler; keep a partial one at the front. */
    private void decodeFrames()
    {
        final int available = readBuffer.position();
        final int consumed = frameDecoder.decode(readView, 0, available, frameHandler);
        if (FrameDecoder.CORRUPT_STREAM == consumed)
        {
            failed = true;
            return;
        }
        final int remaining = available - consumed;
        if (remaining > 0 && consumed > 0)
        {
            readView.putBytes(0, readView, consumed, remaining);
        }
        readBuffer.position(remaining);
    }

    /**
     * Whether the read buffer holds the start of a frame whose rest has not arrived.
     */
    boolean hasPartialFrame()
    {
        return readBuffer.position() > 0;
    }

    /**
     * Close the socket; the selector is polled once so the key's cancellation completes before a reconnect.
     */
    void close(final Selector selector)
    {
        if (null != selectionKey)
        {
            selectionKey.cancel();
            selectionKey = null;
        }
        CloseHelper.quietClose(channel);
        channel = null;
        tls = null;
        failed = false;
        try
        {
            selector.selectNow();
        }
        catch (final IOException ignore)
        {
            // The selector is closing with the client.
        }
    }
}
