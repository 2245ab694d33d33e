package dev.switchboard.bench;

import dev.switchboard.edge.SocketDescriptors;
import io.netty.channel.uring.SendRing;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The load generator's socket writes of one turn of its loop in one io_uring submission, as the server's edge sends
 * its own (docs/performance.md, twenty-third pass): connections whose output is due are queued with {@link #queue} and
 * written together by {@link #sendAll}, each send carrying {@code MSG_DONTWAIT} so a full socket answers at once and
 * keeps the rest, exactly as after a {@code write}. The same engine drives every bench target, so each pays the same
 * for its load. Where io_uring or socket descriptors are missing, {@link #openOrNull} answers null and the load
 * generator writes each connection's output itself. Owned by one load poller thread.
 */
final class LoadSends implements AutoCloseable, SendRing.Results
{
    /** What {@link #sendAll} found for a connection. */
    interface Outcome
    {
        /** Some or none of the output went; what is left stays in {@code out}, compacted. */
        void onWritten(LoadConnection connection);

        /** The socket failed: the connection is done for. */
        void onFailed(LoadConnection connection);

        /** The kernel refused the submission, so nothing of this output went: the caller writes it itself. */
        void onUnsent(LoadConnection connection);
    }

    private static final int CAPACITY = 1024;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EAGAIN = 11;

    private final SendRing ring;
    private final int[] results = new int[CAPACITY];
    private LoadConnection[] queued = new LoadConnection[64];
    private int queuedCount;
    private boolean refused;

    private LoadSends()
    {
        ring = new SendRing(CAPACITY);
    }

    /** Batched sends, or null where this JVM or kernel cannot make them. */
    static LoadSends openOrNull()
    {
        try
        {
            return SocketDescriptors.isAvailable() && SendRing.isAvailable() ? new LoadSends() : null;
        }
        catch (final LinkageError ex)
        {
            return null;
        }
    }

    /** The connection's output goes with the next {@link #sendAll}; queued once however often asked. */
    void queue(final LoadConnection connection)
    {
        if (connection.sendQueued)
        {
            return;
        }
        connection.sendQueued = true;
        if (queuedCount == queued.length)
        {
            queued = Arrays.copyOf(queued, 2 * queuedCount);
        }
        queued[queuedCount++] = connection;
    }

    boolean hasQueued()
    {
        return queuedCount > 0;
    }

    /**
     * Send every queued connection's output, up to {@link #CAPACITY} a submission, and tell {@code outcome} how each
     * went.
     *
     * @return connections written to, or -1 once the kernel refused a submission (as it does when another thread than
     * the first that sent uses the ring): the caller then writes for itself from now on.
     */
    int sendAll(final Outcome outcome)
    {
        final int total = queuedCount;
        int from = 0;
        while (from < total)
        {
            final int to = Math.min(total, from + CAPACITY);
            submit(from, to, outcome);
            from = to;
        }
        Arrays.fill(queued, 0, total, null);
        queuedCount = 0;
        return refused ? -1 : total;
    }

    private void submit(final int from, final int to, final Outcome outcome)
    {
        int sends = 0;
        for (int i = from; i < to; i++)
        {
            final LoadConnection connection = queued[i];
            connection.sendQueued = false;
            final ByteBuffer out = connection.out;
            if (null == connection.channel || 0 == out.position())
            {
                results[i - from] = Integer.MIN_VALUE;
                continue;
            }
            ring.send(connection.fd, BufferUtil.address(out), out.position(), MSG_DONTWAIT | MSG_NOSIGNAL, i - from);
            sends++;
        }
        if (sends > 0 && !refused)
        {
            try
            {
                ring.completeAll(sends, this);
            }
            catch (final RuntimeException ex)
            {
                // io_uring_enter fails only when it submitted nothing.
                refused = true;
            }
        }
        for (int i = from; i < to; i++)
        {
            final LoadConnection connection = queued[i];
            final int result = results[i - from];
            if (Integer.MIN_VALUE == result)
            {
                continue;
            }
            if (refused)
            {
                outcome.onUnsent(connection);
            }
            else if (result >= 0 || -EAGAIN == result)
            {
                final ByteBuffer out = connection.out;
                out.flip().position(Math.max(0, result));
                out.compact();
                outcome.onWritten(connection);
            }
            else
            {
                outcome.onFailed(connection);
            }
        }
    }

    /** {@inheritDoc} */
    public void onResult(final int index, final int result)
    {
        results[index] = result;
    }

    public void close()
    {
        ring.close();
    }
}
