package dev.switchboard.edge;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a TLS connection's ciphertext and unwraps its records into plaintext for the {@link InboundFramer}, driving
 * the handshake on the way: delegated tasks go to {@link TlsHandshake}, handshake messages out through
 * {@link TlsRecordWriter}. Records are unwrapped into the poller's one plaintext scratch; what a connection must keep
 * (ciphertext short of a record, plaintext the framer had no room for) is in buffers borrowed from {@link TlsBuffers}.
 */
final class TlsRecordReader
{
    private final PollerCounters counters;
    private final TlsBuffers buffers;
    private final TlsHandshake handshake;
    private final TlsRecordWriter recordWriter;
    private final TlsPendingInput pendingInput;
    private final ByteBuffer appScratch;

    TlsRecordReader(
        final TlsBuffers buffers,
        final TlsHandshake handshake,
        final TlsRecordWriter recordWriter,
        final TlsPendingInput pendingInput,
        final PollerCounters counters)
    {
        this.counters = counters;
        this.buffers = buffers;
        this.handshake = handshake;
        this.recordWriter = recordWriter;
        this.pendingInput = pendingInput;
        appScratch = buffers.newScratch();
    }

    /**
     * Read ciphertext and hand back plaintext in {@code dst}, driving the handshake on the way.
     *
     * @return plaintext bytes put in {@code dst}, or -1 when the connection is to close (peer gone, close_notify, or
     * input that is not TLS: counted as a TLS failure).
     */
    int read(final Connection connection, final ByteBuffer dst) throws IOException
    {
        final TlsSession session = connection.tls;
        if (session.taskRunning)
        {
            return 0;
        }
        int total = drainPlaintext(session, dst);
        if (!dst.hasRemaining())
        {
            pendingInput.add(connection);
            return total;
        }

        if (null == session.netIn)
        {
            session.netIn = buffers.borrow();
        }
        final ByteBuffer netIn = session.netIn;
        boolean endOfStream = false;
        if (netIn.hasRemaining())
        {
            endOfStream = connection.channel.read(netIn) < 0;
        }

        netIn.flip();
        try
        {
            total += unwrapAll(connection, session, dst);
        }
        catch (final SSLException ex)
        {
            counters.tlsFailures.incrementRelease();
            return -1;
        }
        finally
        {
            if (null != session.netIn)
            {
                session.netIn.compact();
                if (0 == session.netIn.position())
                {
                    session.netIn = buffers.giveBack(session.netIn);
                }
            }
        }

        if (session.engine.isInboundDone() || (endOfStream && 0 == total))
        {
            return -1;
        }

        return total;
    }

    /** Give back the buffers a closing connection holds. */
    void release(final TlsSession session)
    {
        session.netIn = buffers.giveBack(session.netIn);
        session.appIn = buffers.giveBack(session.appIn);
    }

    private int unwrapAll(final Connection connection, final TlsSession session, final ByteBuffer dst)
        throws SSLException
    {
        final SSLEngine engine = session.engine;
        final ByteBuffer netIn = session.netIn;
        int total = 0;
        while (!connection.is(Connection.CLOSED))
        {
            final SSLEngineResult.HandshakeStatus handshakeStatus = engine.getHandshakeStatus();
            if (SSLEngineResult.HandshakeStatus.NEED_TASK == handshakeStatus)
            {
                handshake.runTasks(connection, session);
                break;
            }
            if (SSLEngineResult.HandshakeStatus.NEED_WRAP == handshakeStatus)
            {
                if (!recordWriter.wrapHandshake(connection, session))
                {
                    break;
                }
                continue;
            }
            if (!netIn.hasRemaining())
            {
                break;
            }

            appScratch.clear();
            final SSLEngineResult result = engine.unwrap(netIn, appScratch);
            handshake.checkDone(session, result.getHandshakeStatus());
            final SSLEngineResult.Status status = result.getStatus();
            if (SSLEngineResult.Status.BUFFER_UNDERFLOW == status || SSLEngineResult.Status.CLOSED == status)
            {
                break;
            }
            if (SSLEngineResult.Status.BUFFER_OVERFLOW == status)
            {
                // The scratch holds the largest record the session allows: a peer beyond it is not speaking TLS.
                throw new SSLException("record larger than the session allows");
            }
            appScratch.flip();
            if (appScratch.hasRemaining())
            {
                if (session.handshaking)
                {
                    throw new SSLException("application data before the handshake finished");
                }
                total += copy(appScratch, dst);
                if (appScratch.hasRemaining())
                {
                    // The framer's buffer is full: keep the rest and come back without waiting for the socket.
                    session.appIn = buffers.borrow();
                    session.appIn.put(appScratch).flip();
                    pendingInput.add(connection);
                    break;
                }
            }
        }

        return total;
    }

    private int drainPlaintext(final TlsSession session, final ByteBuffer dst)
    {
        final ByteBuffer appIn = session.appIn;
        if (null == appIn)
        {
            return 0;
        }
        final int copied = copy(appIn, dst);
        if (!appIn.hasRemaining())
        {
            session.appIn = buffers.giveBack(appIn);
        }

        return copied;
    }

    private static int copy(final ByteBuffer src, final ByteBuffer dst)
    {
        final int length = Math.min(src.remaining(), dst.remaining());
        final int limit = src.limit();
        src.limit(src.position() + length);
        dst.put(src);
        src.limit(limit);

        return length;
    }
}
