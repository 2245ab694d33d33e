package dev.switchboard.edge;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * A poller's TLS: unwraps what TLS connections read into plaintext for the {@link InboundFramer}, wraps what the
 * {@link OutboundWriter} sends, and drives handshakes inside the duty cycle. Plaintext connections never come here.
 * <p>
 * Sessions open and close here, and the poller's parts call in here; the jobs are its parts: {@link TlsRecordReader}
 * (reads and unwraps), {@link TlsRecordWriter} (wraps and sends), {@link TlsHandshake} (delegated tasks, handshakes
 * done), {@link TlsPendingInput} (input the socket will not announce), {@link TlsBuffers} (what connections borrow).
 */
final class TlsTransport
{
    private final SSLContext sslContext;
    private final TlsBuffers buffers;
    private final TlsPendingInput pendingInput = new TlsPendingInput();
    private final TlsHandshake handshake;
    private final TlsRecordWriter recordWriter;
    private final TlsRecordReader recordReader;
    private int sessions;

    TlsTransport(
        final SSLContext sslContext,
        final Executor taskExecutor,
        final Runnable wakeUp,
        final PollerCounters counters)
    {
        this.sslContext = sslContext;
        buffers = new TlsBuffers(TlsContexts.serverEngine(sslContext));
        handshake = new TlsHandshake(taskExecutor, wakeUp, counters, pendingInput);
        recordWriter = new TlsRecordWriter(buffers, handshake, counters);
        recordReader = new TlsRecordReader(buffers, handshake, recordWriter, pendingInput, counters);
    }

    /** Where handshake records and wrapped application data go to the socket; set once, before any connection. */
    void output(final OutputBacklog output)
    {
        recordWriter.output(output);
    }

    /** A session for a newly accepted connection. */
    TlsSession newSession()
    {
        sessions++;
        final TlsSession session = new TlsSession(TlsContexts.serverEngine(sslContext));
        try
        {
            session.engine.beginHandshake();
        }
        catch (final SSLException ex)
        {
            throw new IllegalStateException(ex);
        }

        return session;
    }

    /** TLS connections open on this poller. */
    int sessions()
    {
        return sessions;
    }

    /** Buffers lent to connections now. */
    int borrowedBuffers()
    {
        return buffers.borrowed();
    }

    /** Give back what a closing connection holds; a delegated task still running finds it closed. */
    void release(final Connection connection)
    {
        final TlsSession session = connection.tls;
        session.closed = true;
        sessions--;
        recordReader.release(session);
        pendingInput.remove(connection);
        session.engine.closeOutbound();
    }

    /** Plaintext for the framer: see {@link TlsRecordReader#read(Connection, ByteBuffer)}. */
    int read(final Connection connection, final ByteBuffer dst) throws IOException
    {
        return recordReader.read(connection, dst);
    }

    /** A frame to send: see {@link TlsRecordWriter#write(Connection, ByteBuffer, int, int)}. */
    boolean write(final Connection connection, final ByteBuffer source, final int offset, final int length)
    {
        return recordWriter.write(connection, source, offset, length);
    }

    /** Delegated tasks that finished: their connections go on, without waiting for the socket. */
    int pollTasksDone()
    {
        return handshake.pollTasksDone();
    }

    /** Whether a task finished and waits for the poller: it must not block in its selector. */
    boolean hasTasksDone()
    {
        return handshake.hasTasksDone();
    }

    /** Connections with input to process that the socket will not announce. */
    ConnectionList pending()
    {
        return pendingInput.list();
    }

    /** Whether some pending connection could make progress now: the poller must not block in its selector. */
    boolean hasRunnablePending()
    {
        return pendingInput.hasRunnable();
    }

    static boolean isPaused(final Connection connection)
    {
        return TlsPendingInput.isPaused(connection);
    }

    void unmarkPending(final int index)
    {
        pendingInput.removeAt(index);
    }
}
