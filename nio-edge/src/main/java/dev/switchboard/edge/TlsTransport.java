package dev.switchboard.edge;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A poller's TLS: unwraps what TLS connections read into plaintext for the {@link InboundFramer}, wraps what the
 * {@link OutboundWriter} sends, and drives handshakes inside the duty cycle. The engine's delegated tasks (certificate
 * and key work) run on an executor; the connection sleeps meanwhile and is resumed by the poller when they finish, so
 * no handshake stalls the poller. Plaintext connections never come here.
 * <p>
 * Buffers: one scratch buffer of each kind per poller; a connection borrows its own from a small pool only while it
 * holds a partial record or plaintext the framer had no room for, and gives them back as soon as they empty, so an idle
 * TLS connection holds only its engine.
 */
final class TlsTransport
{
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int MAX_POOLED_BUFFERS = 64;

    private final SSLContext sslContext;
    private final Executor taskExecutor;
    private final Runnable wakeUp;
    private final PollerCounters counters;
    private final int bufferLength;
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private final ByteBuffer appScratch;
    private final ByteBuffer netOut;
    private final UnsafeBuffer netOutView;
    private final ConnectionList pending = new ConnectionList();
    private final ManyToOneConcurrentLinkedQueue<Connection> tasksDone = new ManyToOneConcurrentLinkedQueue<>();
    private OutputBacklog output;
    private int borrowed;
    private int sessions;

    TlsTransport(
        final SSLContext sslContext,
        final Executor taskExecutor,
        final Runnable wakeUp,
        final PollerCounters counters)
    {
        this.sslContext = sslContext;
        this.taskExecutor = taskExecutor;
        this.wakeUp = wakeUp;
        this.counters = counters;
        final SSLEngine prototype = TlsContexts.serverEngine(sslContext);
        bufferLength = Math.max(
            prototype.getSession().getPacketBufferSize(), prototype.getSession().getApplicationBufferSize());
        appScratch = ByteBuffer.allocate(bufferLength);
        netOut = ByteBuffer.allocate(bufferLength);
        netOutView = new UnsafeBuffer(netOut);
    }

    /** Where handshake records and wrapped application data go to the socket; set once, before any connection. */
    void output(final OutputBacklog output)
    {
        this.output = output;
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
        return borrowed;
    }

    /** Give back what a closing connection holds; a delegated task still running finds it closed. */
    void release(final Connection connection)
    {
        final TlsSession session = connection.tls;
        session.closed = true;
        sessions--;
        session.netIn = giveBack(session.netIn);
        session.appIn = giveBack(session.appIn);
        if (session.pending)
        {
            session.pending = false;
            pending.remove(connection);
        }
        session.engine.closeOutbound();
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
            markPending(connection);
            return total;
        }

        if (null == session.netIn)
        {
            session.netIn = borrow();
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
                    session.netIn = giveBack(session.netIn);
                }
            }
        }

        if (session.engine.isInboundDone() || (endOfStream && 0 == total))
        {
            return -1;
        }

        return total;
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
                runTasks(connection, session);
                break;
            }
            if (SSLEngineResult.HandshakeStatus.NEED_WRAP == handshakeStatus)
            {
                if (!wrapHandshake(connection, session))
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
            checkHandshakeDone(session, result.getHandshakeStatus());
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
                    session.appIn = borrow();
                    session.appIn.put(appScratch).flip();
                    markPending(connection);
                    break;
                }
            }
        }

        return total;
    }

    private void checkHandshakeDone(final TlsSession session, final SSLEngineResult.HandshakeStatus status)
    {
        if (session.handshaking && (SSLEngineResult.HandshakeStatus.FINISHED == status ||
            SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING == session.engine.getHandshakeStatus()))
        {
            session.handshaking = false;
            counters.tlsHandshakes.incrementRelease();
        }
    }

    private boolean wrapHandshake(final Connection connection, final TlsSession session) throws SSLException
    {
        netOut.clear();
        final SSLEngineResult result = session.engine.wrap(EMPTY, netOut);
        checkHandshakeDone(session, result.getHandshakeStatus());
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

    private void runTasks(final Connection connection, final TlsSession session)
    {
        session.taskRunning = true;
        connection.removeInterest(SelectionKey.OP_READ);
        final SSLEngine engine = session.engine;
        try
        {
            taskExecutor.execute(() ->
            {
                try
                {
                    Runnable task;
                    while (null != (task = engine.getDelegatedTask()))
                    {
                        task.run();
                    }
                }
                finally
                {
                    // A failed task shows as an SSLException on the next unwrap: the poller closes it then.
                    tasksDone.offer(connection);
                    wakeUp.run();
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            // Shutting down: run them here rather than leave the handshake hanging.
            Runnable task;
            while (null != (task = engine.getDelegatedTask()))
            {
                task.run();
            }
            tasksDone.offer(connection);
        }
    }

    /** Delegated tasks that finished: their connections go on, without waiting for the socket. */
    int pollTasksDone()
    {
        int workCount = 0;
        Connection connection;
        while (null != (connection = tasksDone.poll()))
        {
            workCount++;
            final TlsSession session = connection.tls;
            if (session.closed)
            {
                continue;
            }
            session.taskRunning = false;
            connection.addInterest(SelectionKey.OP_READ);
            markPending(connection);
        }

        return workCount;
    }

    /** Whether a task finished and waits for the poller: it must not block in its selector. */
    boolean hasTasksDone()
    {
        return !tasksDone.isEmpty();
    }

    /** Connections with input to process that the socket will not announce. */
    ConnectionList pending()
    {
        return pending;
    }

    /** Whether some pending connection could make progress now: the poller must not block in its selector. */
    boolean hasRunnablePending()
    {
        for (int i = 0, size = pending.size(); i < size; i++)
        {
            if (!isPaused(pending.get(i)))
            {
                return true;
            }
        }

        return false;
    }

    static boolean isPaused(final Connection connection)
    {
        return connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CONGESTED);
    }

    void unmarkPending(final int index)
    {
        pending.get(index).tls.pending = false;
        pending.removeAt(index);
    }

    private void markPending(final Connection connection)
    {
        if (!connection.tls.pending)
        {
            connection.tls.pending = true;
            pending.add(connection);
        }
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
            session.appIn = giveBack(appIn);
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

    private ByteBuffer borrow()
    {
        borrowed++;
        final ByteBuffer buffer = pool.pollFirst();

        return null != buffer ? buffer.clear() : ByteBuffer.allocate(bufferLength);
    }

    private ByteBuffer giveBack(final ByteBuffer buffer)
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
