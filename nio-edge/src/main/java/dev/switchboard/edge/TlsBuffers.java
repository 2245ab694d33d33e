package dev.switchboard.edge;

import javax.net.ssl.SSLEngine;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A poller's TLS buffers, each large enough for a whole record or its plaintext. The poller has one scratch buffer of
 * each kind; a connection borrows its own from a small pool only while it holds a partial record or plaintext the
 * framer had no room for, and gives them back as soon as they empty, so an idle TLS connection holds only its engine.
 */
final class TlsBuffers
{
    private static final int MAX_POOLED_BUFFERS = 64;

    private final int bufferLength;
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private int borrowed;

    /**
     * @param prototype an engine like the poller's, to size the buffers by.
     */
    TlsBuffers(final SSLEngine prototype)
    {
        bufferLength = Math.max(
            prototype.getSession().getPacketBufferSize(), prototype.getSession().getApplicationBufferSize());
    }

    /** A poller's scratch buffer: never lent, so never pooled. */
    ByteBuffer newScratch()
    {
        return ByteBuffer.allocate(bufferLength);
    }

    /** Buffers lent to connections now. */
    int borrowed()
    {
        return borrowed;
    }

    /** A cleared buffer for a connection to hold. */
    ByteBuffer borrow()
    {
        borrowed++;
        final ByteBuffer buffer = pool.pollFirst();

        return null != buffer ? buffer.clear() : ByteBuffer.allocate(bufferLength);
    }

    /**
     * Take back a buffer a connection held, if it held one.
     *
     * @return null, for the connection's field.
     */
    ByteBuffer giveBack(final ByteBuffer buffer)
    {
        if (null != buffer)
        {
            borrowed--;
            if (pool.size() < MAX_POOLED_BUFFERS)
            {
                pool.addFirst(buffer.clear());
            }
        }

        return null;
    }
}
