package dev.switchboard.edge;

import io.netty.channel.uring.ProvidedBuffers;
import io.netty.channel.uring.SocketRing;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * A poller's socket reads through its io_uring ({@link SocketRing}): each plaintext connection keeps one receive armed,
 * the kernel fills a buffer from a shared pool ({@link ProvidedBuffers}) when bytes arrive, and one
 * {@code io_uring_enter} a cycle submits the cycle's sends and new receives, waits when there is nothing to do, and
 * collects what arrived. A read then costs no system call of its own and the selector no longer walks the
 * connections' readiness; the selector keeps its other jobs (wake-ups, {@code OP_WRITE}, TLS), and its descriptor is
 * polled through the ring so a wait ends for either.
 * <p>
 * Back pressure works as with selector reads: a stalled, congested or closing connection gets no new receive, and the
 * one buffer it may already have been given waits, parked on the connection, until its reads resume. Owned by the
 * poller thread.
 */
final class RingReceives implements SocketRing.Completions
{
    static final int NO_BUFFER = -1;

    /** Low byte of each operation's user data; a receive's other bytes are its connection's id without the poller. */
    private static final long TAG_RECEIVE = 1;
    private static final long TAG_CANCEL = 2;
    private static final long TAG_SELECTOR = 3;
    private static final long TAG_MASK = 0xFF;
    private static final short BUFFER_GROUP = 1;
    private static final int NOT_READABLE = Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH |
        Connection.CONGESTED | Connection.CLOSED | Connection.RECEIVE_ARMED;

    private final SocketRing ring;
    private final int pollerIndex;
    private final int selectorFd;
    private final int bufferCount;
    private final int bufferLength;
    private final ConnectionSlots slots;
    private final PollerCounters counters;
    private final ConnectionList resumed = new ConnectionList(Connection.RESUME_LISTED);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private ProvidedBuffers buffers;
    private ConnectionLifecycle lifecycle;
    private InboundFramer framer;
    /** Completions are kept here as they come, even during a cycle's sends, and handled in {@link #poll}. */
    private long[] completedUserData = new long[256];
    private int[] completedResults = new int[256];
    private int[] completedFlags = new int[256];
    private int completedCount;
    /** Whether the selector may have something ready: its descriptor was readable, or its last look found keys. */
    private boolean selectorReady = true;

    /**
     * @param ringEntries submission queue entries of the ring this opens, which the poller's sends share.
     */
    RingReceives(
        final int ringEntries,
        final int pollerIndex,
        final int selectorFd,
        final int bufferCount,
        final int bufferLength,
        final ConnectionSlots slots,
        final PollerCounters counters)
    {
        this.ring = new SocketRing(ringEntries, this);
        this.pollerIndex = pollerIndex;
        this.selectorFd = selectorFd;
        this.bufferCount = bufferCount;
        this.bufferLength = bufferLength;
        this.slots = slots;
        this.counters = counters;
    }

    /** The ring, for the poller's sends; it closes with them. */
    SocketRing ring()
    {
        return ring;
    }

    /** The parts that read and close; set before the thread starts. */
    void parts(final ConnectionLifecycle lifecycle, final InboundFramer framer)
    {
        this.lifecycle = lifecycle;
        this.framer = framer;
    }

    /** Register the buffers and poll the selector; on the poller thread, before the ring's first wait or receive. */
    private void ensureStarted()
    {
        if (null == buffers)
        {
            buffers = new ProvidedBuffers(ring, BUFFER_GROUP, bufferCount, bufferLength);
            ring.pollInput(selectorFd, TAG_SELECTOR);
        }
    }

    /** A new plaintext connection: its reads come through the ring from now on. */
    void open(final Connection connection)
    {
        ensureStarted();
        connection.set(Connection.RING_RECEIVES);
        arm(connection);
    }

    /** Reads resume (back pressure eased): the parked buffer is framed and a receive armed in the next {@link #poll}. */
    void resume(final Connection connection)
    {
        resumed.add(connection);
    }

    /** The connection is closing: cancel its receive and give back what it holds. */
    void onClose(final Connection connection)
    {
        if (connection.is(Connection.RECEIVE_ARMED))
        {
            connection.clear(Connection.RECEIVE_ARMED);
            // The armed receive holds the socket open until the ring lets it go.
            ring.cancel(receiveUserData(connection), TAG_CANCEL);
        }
        if (NO_BUFFER != connection.parkedBuffer)
        {
            buffers.recycle(connection.parkedBuffer);
            connection.parkedBuffer = NO_BUFFER;
        }
        resumed.remove(connection);
        // The channel's descriptor closes when the selector next deregisters its key.
        selectorReady = true;
    }

    /**
     * Whether the selector must be looked at: it was readable or its last look found something. Cleared here; a look
     * that finds keys sets it again through {@link #selected}.
     */
    boolean takeSelectorReady()
    {
        final boolean ready = selectorReady;
        selectorReady = false;
        return ready;
    }

    /** What a look at the selector found: keys found may leave more ready. */
    void selected(final int keys)
    {
        selectorReady |= keys > 0;
    }

    /** Whether a wait must not start: the selector or resumed connections have work. */
    boolean hasWork()
    {
        return selectorReady || resumed.size() > 0 || completedCount > 0;
    }

    /**
     * Resume the connections whose reads resumed, submit what is queued, wait up to {@code timeoutNs} (not at all when
     * 0) for a completion, and frame what arrived.
     *
     * @return receives handled.
     */
    int poll(final long timeoutNs)
    {
        ensureStarted();
        int workCount = runResumed();
        ring.submitAndComplete(0 == workCount && 0 == completedCount ? timeoutNs : 0);
        workCount += handleCompleted();
        return workCount;
    }

    /** {@inheritDoc} */
    public void onCompletion(final long userData, final int result, final int flags)
    {
        if (completedCount == completedUserData.length)
        {
            // Rare: more completions than ever before between two polls.
            completedUserData = Arrays.copyOf(completedUserData, 2 * completedCount);
            completedResults = Arrays.copyOf(completedResults, 2 * completedCount);
            completedFlags = Arrays.copyOf(completedFlags, 2 * completedCount);
        }
        completedUserData[completedCount] = userData;
        completedResults[completedCount] = result;
        completedFlags[completedCount] = flags;
        completedCount++;
    }

    private int handleCompleted()
    {
        int received = 0;
        for (int i = 0; i < completedCount; i++)
        {
            final long userData = completedUserData[i];
            final int result = completedResults[i];
            final int flags = completedFlags[i];
            final long tag = userData & TAG_MASK;
            if (TAG_RECEIVE == tag)
            {
                received++;
                onReceived(userData, result, flags);
            }
            else if (TAG_SELECTOR == tag)
            {
                selectorReady = true;
                if ((flags & SocketRing.CQE_F_MORE) == 0)
                {
                    ring.pollInput(selectorFd, TAG_SELECTOR);
                }
            }
        }
        completedCount = 0;
        return received;
    }

    private void onReceived(final long userData, final int result, final int flags)
    {
        final int bufferId = (flags & SocketRing.CQE_F_BUFFER) != 0 ? SocketRing.bufferId(flags) : NO_BUFFER;
        final Connection connection = slots.lookup((userData & ~TAG_MASK) | pollerIndex);
        if (null == connection || connection.is(Connection.CLOSED))
        {
            // Cancelled, or completed before its cancellation landed.
            recycle(bufferId);
            return;
        }
        connection.clear(Connection.RECEIVE_ARMED);
        if (result > 0)
        {
            frame(connection, bufferId, 0, result);
        }
        else if (SocketRing.RESULT_NO_BUFFERS == result)
        {
            // Every buffer was taken this cycle; the bytes wait in the socket for the next receive.
            recycle(bufferId);
            resumed.add(connection);
        }
        else
        {
            // 0: the peer closed; below 0: the socket failed.
            recycle(bufferId);
            lifecycle.close(connection);
        }
    }

    private void frame(final Connection connection, final int bufferId, final int offset, final int length)
    {
        view.wrap(buffers.address(bufferId), bufferLength);
        int consumed;
        try
        {
            consumed = framer.onReceived(connection, view, offset, length);
        }
        catch (final RuntimeException ex)
        {
            // Whatever a peer did, the poller lives on; the connection does not.
            counters.errors.incrementRelease();
            lifecycle.close(connection);
            consumed = length;
        }
        if (consumed < length && !connection.is(Connection.CLOSED))
        {
            connection.parkedBuffer = bufferId;
            connection.parkedOffset = offset + consumed;
            connection.parkedLength = length - consumed;
            return;
        }
        recycle(bufferId);
        if (!connection.is(NOT_READABLE))
        {
            arm(connection);
        }
    }

    private int runResumed()
    {
        final int count = resumed.size();
        for (int i = count - 1; i >= 0; i--)
        {
            final Connection connection = resumed.get(i);
            resumed.removeAt(i);
            if (connection.is(Connection.CLOSED))
            {
                continue;
            }
            final int parked = connection.parkedBuffer;
            if (NO_BUFFER != parked)
            {
                connection.parkedBuffer = NO_BUFFER;
                frame(connection, parked, connection.parkedOffset, connection.parkedLength);
            }
            else if (!connection.is(NOT_READABLE))
            {
                arm(connection);
            }
        }
        return count;
    }

    private void arm(final Connection connection)
    {
        connection.set(Connection.RECEIVE_ARMED);
        ring.receive(connection.fd, buffers, receiveUserData(connection));
    }

    private void recycle(final int bufferId)
    {
        if (NO_BUFFER != bufferId)
        {
            buffers.recycle(bufferId);
        }
    }

    private static long receiveUserData(final Connection connection)
    {
        return (connection.id & ~TAG_MASK) | TAG_RECEIVE;
    }
}
