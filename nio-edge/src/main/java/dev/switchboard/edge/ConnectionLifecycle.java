package dev.switchboard.edge;

import org.agrona.CloseHelper;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a poller's connections begin and end: takes accepted sockets into slots and tells the sink (holding one back
 * while the sink is full), closes connections releasing all they hold, and tells the sink of closes in order.
 */
final class ConnectionLifecycle
{
    private static final int MAX_NEW_CONNECTIONS_PER_CYCLE = 64;
    private static final long CLOSE_NOTICE_GRACE_NS = 1_000_000_000L;

    private final int pollerIndex;
    private final InboundFrameSink sink;
    private final Selector selector;
    private final CachedNanoClock clock;
    private final ConnectionSlots slots;
    private final ConnectionDeadlines deadlines;
    private final PollerCounters counters;
    private final InboundChunks inboundChunks;
    private final ChunkPool outboundPool;
    private final HeldFrames held;
    private final ConnectionList stalled;
    private final OneToOneConcurrentArrayQueue<SocketChannel> newConnections;
    private final AtomicInteger openConnections;
    private final TlsTransport tls;
    private final LongArrayQueue pendingCloseNotices = new LongArrayQueue(Long.MIN_VALUE);
    private Connection pendingOpen;
    private long pendingOpenAddress;

    /** Whether connections' descriptors are wanted, for {@link BatchedSends}. */
    private final boolean batchedSends;

    ConnectionLifecycle(
        final int pollerIndex,
        final InboundFrameSink sink,
        final Selector selector,
        final CachedNanoClock clock,
        final ConnectionSlots slots,
        final ConnectionDeadlines deadlines,
        final PollerCounters counters,
        final InboundChunks inboundChunks,
        final ChunkPool outboundPool,
        final HeldFrames held,
        final ConnectionList stalled,
        final OneToOneConcurrentArrayQueue<SocketChannel> newConnections,
        final AtomicInteger openConnections,
        final TlsTransport tls,
        final boolean batchedSends)
    {
        this.tls = tls;
        this.batchedSends = batchedSends;
        this.pollerIndex = pollerIndex;
        this.sink = sink;
        this.selector = selector;
        this.clock = clock;
        this.slots = slots;
        this.deadlines = deadlines;
        this.counters = counters;
        this.inboundChunks = inboundChunks;
        this.outboundPool = outboundPool;
        this.held = held;
        this.stalled = stalled;
        this.newConnections = newConnections;
        this.openConnections = openConnections;
    }

    /** A connection held for the sink, or close notices it refused: the poller must not sleep. */
    boolean hasPendingNotices()
    {
        return null != pendingOpen || !pendingCloseNotices.isEmpty();
    }

    /** Close notices the sink has not yet taken. */
    int pendingCloseNotices()
    {
        return pendingCloseNotices.size();
    }

    int deliverCloseNotices()
    {
        int delivered = 0;
        while (!pendingCloseNotices.isEmpty())
        {
            if (!sink.onConnectionClosed(pollerIndex, pendingCloseNotices.peekLong()))
            {
                counters.sinkFull.incrementRelease();
                break;
            }
            pendingCloseNotices.pollLong();
            delivered++;
        }

        return delivered;
    }

    int pollNewConnections()
    {
        int workCount = 0;
        if (null != pendingOpen)
        {
            if (!sink.onConnectionOpened(pollerIndex, pendingOpen.id, pendingOpenAddress))
            {
                counters.sinkFull.incrementRelease();
                return 0;
            }
            final Connection connection = pendingOpen;
            pendingOpen = null;
            register(connection);
            workCount++;
        }

        for (int i = 0; i < MAX_NEW_CONNECTIONS_PER_CYCLE; i++)
        {
            final SocketChannel channel = newConnections.poll();
            if (null == channel)
            {
                break;
            }
            workCount++;

            final int slot = slots.allocate();
            if (slot < 0)
            {
                CloseHelper.quietClose(channel);
                openConnections.decrementAndGet();
                counters.errors.incrementRelease();
                continue;
            }

            final Connection connection = new Connection(slots.connectionId(slot), channel, clock.nanoTime());
            slots.put(slot, connection);
            counters.connectionsOpen.incrementRelease();
            if (null != tls)
            {
                connection.tls = tls.newSession();
            }
            final long remoteAddress = remoteAddress(channel);
            if (!sink.onConnectionOpened(pollerIndex, connection.id, remoteAddress))
            {
                // Hold this one and stop taking more: accept pressure follows the ring's.
                counters.sinkFull.incrementRelease();
                pendingOpen = connection;
                pendingOpenAddress = remoteAddress;
                break;
            }
            register(connection);
        }

        return workCount;
    }

    private void register(final Connection connection)
    {
        counters.connectionsOpened.incrementRelease();
        deadlines.startLogin(connection);
        deadlines.startIdleChecks(connection);
        try
        {
            connection.key = connection.channel.register(selector, SelectionKey.OP_READ, connection);
            if (batchedSends)
            {
                // Only this thread closes the channel, and it skips closed connections, so the number stays theirs.
                connection.fd = SocketDescriptors.fd(connection.channel);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            counters.errors.incrementRelease();
            close(connection);
        }
    }

    private static long remoteAddress(final SocketChannel channel)
    {
        try
        {
            final SocketAddress address = channel.getRemoteAddress();
            if (address instanceof InetSocketAddress && null != ((InetSocketAddress)address).getAddress())
            {
                return RemoteAddressKey.of(((InetSocketAddress)address).getAddress());
            }
        }
        catch (final IOException ignore)
        {
            // A peer already gone is noticed on the first read.
        }

        return 0;
    }

    /** Close once the waiting output is written; no more reads meanwhile. */
    void closeAfterFlush(final Connection connection)
    {
        if (connection.is(Connection.CLOSED))
        {
            return;
        }
        connection.set(Connection.CLOSE_AFTER_FLUSH);
        if (null == connection.outboundHead && OutboundStaging.NONE == connection.stagedEntry)
        {
            close(connection);
        }
        else
        {
            connection.removeInterest(SelectionKey.OP_READ);
        }
    }

    /** Close now, dropping any output, and give back the slot, buffers and deadlines. */
    void close(final Connection connection)
    {
        if (connection.is(Connection.CLOSED))
        {
            return;
        }
        connection.set(Connection.CLOSED);

        if (null != connection.key)
        {
            connection.key.cancel();
        }
        CloseHelper.quietClose(connection.channel);
        if (null != connection.inbound)
        {
            inboundChunks.release(connection.inbound);
            connection.inbound = null;
        }
        Chunk chunk = connection.outboundHead;
        while (null != chunk)
        {
            final Chunk next = chunk.next;
            outboundPool.release(chunk);
            chunk = next;
        }
        connection.outboundHead = null;
        connection.outboundTail = null;
        connection.pendingWriteBytes = 0;
        held.free(connection);
        deadlines.cancelAll(connection);
        stalled.remove(connection);
        if (null != connection.tls)
        {
            tls.release(connection);
        }

        slots.release(connection);
        counters.connectionsOpen.decrementRelease();
        counters.connectionsClosed.incrementRelease();
        openConnections.decrementAndGet();

        // Keep close notices in order behind any the sink refused earlier.
        if (!pendingCloseNotices.isEmpty() || !sink.onConnectionClosed(pollerIndex, connection.id))
        {
            pendingCloseNotices.offerLong(connection.id);
        }
    }

    /**
     * Shutting down: send each connection not yet told a Goodbye behind the output it already has, and close it once
     * that is written. Connections handed over later are told on a later cycle.
     *
     * @return the connections told now.
     */
    int sayGoodbye(final ControlFrames controls, final long retryAfterMs)
    {
        int told = 0;
        for (int slot = 0, highWater = slots.highWater(); slot < highWater; slot++)
        {
            final Connection connection = slots.get(slot);
            if (null != connection && null != connection.key &&
                !connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH))
            {
                controls.sendGoodbye(connection, retryAfterMs);
                closeAfterFlush(connection);
                told++;
            }
        }

        return told;
    }

    /**
     * Close every connection, those not yet taken from the acceptor included, and give the sink a moment to take
     * the close notices: the ring consumer still runs while pollers stop, so a full ring drains.
     */
    void closeAll()
    {
        SocketChannel channel;
        while (null != (channel = newConnections.poll()))
        {
            CloseHelper.quietClose(channel);
            openConnections.decrementAndGet();
        }
        if (null != pendingOpen)
        {
            final Connection connection = pendingOpen;
            pendingOpen = null;
            connection.set(Connection.CLOSED);
            CloseHelper.quietClose(connection.channel);
            if (null != connection.tls)
            {
                tls.release(connection);
            }
            slots.release(connection);
            openConnections.decrementAndGet();
            counters.connectionsOpen.decrementRelease();
        }
        for (int slot = 0, highWater = slots.highWater(); slot < highWater; slot++)
        {
            final Connection connection = slots.get(slot);
            if (null != connection)
            {
                close(connection);
            }
        }
        final long deadlineNs = System.nanoTime() + CLOSE_NOTICE_GRACE_NS;
        while (!pendingCloseNotices.isEmpty() && System.nanoTime() - deadlineNs < 0)
        {
            if (0 == deliverCloseNotices())
            {
                Thread.yield();
            }
        }
    }
}
