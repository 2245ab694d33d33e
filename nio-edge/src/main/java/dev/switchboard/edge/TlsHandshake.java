package dev.switchboard.edge;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.nio.channels.SelectionKey;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A poller's TLS handshakes: the engine's delegated tasks (certificate and key work) run on an executor; the
 * connection sleeps meanwhile and is resumed by the poller when they finish, so no handshake stalls the poller. Counts
 * each handshake when it finishes. Only the poller writes the sessions' handshake state; a task thread touches only
 * the engine and the queue of finished tasks.
 */
final class TlsHandshake
{
    private final Executor taskExecutor;
    private final Runnable wakeUp;
    private final PollerCounters counters;
    private final TlsPendingInput pendingInput;
    private final ManyToOneConcurrentLinkedQueue<Connection> tasksDone = new ManyToOneConcurrentLinkedQueue<>();

    TlsHandshake(
        final Executor taskExecutor,
        final Runnable wakeUp,
        final PollerCounters counters,
        final TlsPendingInput pendingInput)
    {
        this.taskExecutor = taskExecutor;
        this.wakeUp = wakeUp;
        this.counters = counters;
        this.pendingInput = pendingInput;
    }

    /** After a wrap or an unwrap: the handshake that finished with it is counted once. */
    void checkDone(final TlsSession session, final SSLEngineResult.HandshakeStatus status)
    {
        if (session.handshaking && (SSLEngineResult.HandshakeStatus.FINISHED == status ||
            SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING == session.engine.getHandshakeStatus()))
        {
            session.handshaking = false;
            counters.tlsHandshakes.incrementRelease();
        }
    }

    /** Run the engine's delegated tasks on the executor; the connection is not read until they finish. */
    void runTasks(final Connection connection, final TlsSession session)
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
            pendingInput.add(connection);
        }

        return workCount;
    }

    /** Whether a task finished and waits for the poller: it must not block in its selector. */
    boolean hasTasksDone()
    {
        return !tasksDone.isEmpty();
    }
}
