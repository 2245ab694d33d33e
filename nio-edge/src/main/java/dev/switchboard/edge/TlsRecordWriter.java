package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;

import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * Wraps a TLS connection's output into records, through the poller's one record scratch, and hands them to the
 * {@link OutputBacklog} as wire bytes: the handshake's messages while it runs, application frames once it finished.
 */
final class TlsRecordWriter
{
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final PollerCounters counters;
    private final TlsHandshake handshake;
    private final ByteBuffer netOut;
    private final UnsafeBuffer netOutView;
    private OutputBacklog output;

    TlsRecordWriter(final TlsBuffers buffers, final TlsHandshake handshake, final PollerCounters counters)
    {
        this.counters = counters;
        this.handshake = handshake;
        netOut = buffers.newScratch();
        netOutView = new UnsafeBuffer(netOut);
    }

    /** Where the records go to the socket; set once, before any connection. */
    void output(final OutputBacklog output)
    {
        this.output = output;
    }

    /**
     * Send the handshake message the engine wants to wrap now.
     *
     * @return whether the engine wrapped one, so it may want to wrap another.
     */
    boolean wrapHandshake(final Connection connection, final TlsSession session) throws SSLException
    {
        netOut.clear();
        final SSLEngineResult result = session.engine.wrap(EMPTY, netOut);
        handshake.checkDone(session, result.getHandshakeStatus());
        final int produced = result.bytesProduced();
        if (produced > 0)
        {
            output.writeCiphertext(connection, netOutView, netOut, 0, produced);
        }

        return SSLEngineResult.Status.OK == result.getStatus() && produced > 0;
    }

    /**
     * Wrap plaintext and send the records; before the handshake finishes nothing can be sent, so the frame is
     * dropped and counted (only a Ping to a silent peer or a deadline's Error can come that early).
     *
     * @return false when the engine failed and the connection is to close.
     */
    boolean write(final Connection connection, final ByteBuffer source, final int offset, final int length)
    {
        final TlsSession session = connection.tls;
        if (session.handshaking || session.taskRunning)
        {
            counters.outboundDropped.incrementRelease();
            return true;
        }
        source.clear().limit(offset + length).position(offset);
        try
        {
            while (source.hasRemaining() && !connection.is(Connection.CLOSED))
            {
                netOut.clear();
                final SSLEngineResult result = session.engine.wrap(source, netOut);
                final int produced = result.bytesProduced();
                if (produced > 0)
                {
                    output.writeCiphertext(connection, netOutView, netOut, 0, produced);
                }
                if (SSLEngineResult.Status.OK != result.getStatus() || 0 == produced && 0 == result.bytesConsumed())
                {
                    counters.outboundDropped.incrementRelease();
                    return true;
                }
            }
        }
        catch (final SSLException ex)
        {
            counters.tlsFailures.incrementRelease();
            return false;
        }

        return true;
    }
}
