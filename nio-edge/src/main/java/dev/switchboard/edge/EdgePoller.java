package dev.switchboard.edge;

import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One selector thread: reads, cuts and validates frames for its connections and hands them to the
 * {@link InboundFrameSink}, answers Pings, sends idle Pings, and writes the frames other threads queue through its
 * {@link EdgeOutbound}. Only its own thread calls {@link #doWork()}.
 * <p>
 * The duty cycle is here; the jobs are its parts: {@link ConnectionSlots} (slot table), {@link ConnectionLifecycle}
 * (opens, closes, notices), {@link InboundFramer} (reads and frames), {@link OutboundWriter} (writes, with
 * {@link HeldFrames} and {@link StagedSends}), {@link OutputBacklog} (unwritten output, with {@link OutputCongestion}),
 * {@link ConnectionDeadlines} and {@link ConnectionTimers} (idle Pings and deadlines), {@link PollerCounters}.
 */
public final class EdgePoller implements Agent
{
    private static final int MAX_OUTBOUND_MESSAGES_PER_CYCLE = 1024;
    private static final long NO_GOODBYE = -1;
    private static final long POOL_TRIM_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** Sends a submission may carry; a fuller cycle submits more than once. */
    private static final int BATCHED_SENDS_CAPACITY = 1024;

    private final int pollerIndex;
    private final NanoClock nanoClock;
    private final CachedNanoClock clock = new CachedNanoClock();
    private final Selector selector;
    private final ManyToOneRingBuffer outboundRing;
    private final EdgeOutbound outbound;
    private final OneToOneConcurrentArrayQueue<SocketChannel> newConnections;
    private final PollerCounters counters;
    private final InboundChunks inboundChunks;
    private final ChunkPool outboundPool;
    private final ConnectionDeadlines deadlines;
    private final ConnectionLifecycle lifecycle;
    private final OutboundWriter writer;
    private final OutputBacklog backlog;
    private final OutputCongestion congestion;
    private final InboundFramer framer;
    private final ConnectionTimers timers;
    private final ControlFrames controls;
    /** Null on a plaintext port. */
    private final TlsTransport tls;
    /** A cycle's socket writes in one submission, or null when they go one write each. */
    private final BatchedSends sends;
    private final long selectTimeoutMs;
    private final long selectSpinNs;
    /** When a cycle last did work, for the spin before blocking. */
    private long lastWorkNs;
    /** When the chunk pools next give back what a burst left free ({@link ChunkPool#trim()}). */
    private long nextPoolTrimNs;
    private final ReplyWait replyWait;
    private final Consumer<SelectionKey> selectHandler = this::onSelected;
    private BooleanSupplier coAgentHasWork = () -> false;
    private BooleanSupplier coAgentAwaitsReplies = () -> false;
    private final PollerStats stats;
    private boolean closed;
    private volatile boolean sleeping;
    /** Set by the thread shutting the server down; read once per cycle. */
    private volatile long goodbyeRetryAfterMs = NO_GOODBYE;

    EdgePoller(
        final int pollerIndex,
        final EdgeContext ctx,
        final InboundFrameSink sink,
        final AtomicInteger openConnections)
    {
        this.pollerIndex = pollerIndex;
        this.nanoClock = ctx.nanoClock();
        this.selectTimeoutMs = ctx.selectTimeoutMs();
        this.selectSpinNs = ctx.selectSpinNs();
        this.replyWait = new ReplyWait(ctx.replyWaitNs());
        clock.update(nanoClock.nanoTime());

        OutboundRingTraining.ensureTrained();
        final ByteBuffer outboundByteBuffer = ByteBuffer.allocateDirect(ctx.outboundBufferLength());
        outboundRing = new ManyToOneRingBuffer(new UnsafeBuffer(outboundByteBuffer));
        outbound = new EdgeOutbound(outboundRing, ctx.maxFrameLength(), 0 != ctx.receiptHoldNs(), this);
        newConnections = new OneToOneConcurrentArrayQueue<>(ctx.acceptQueueCapacity());
        inboundChunks = new InboundChunks(ctx.readChunkLength(), ctx.maxFrameLength(), ctx.maxPooledChunks());
        outboundPool = new ChunkPool(ctx.writeChunkLength(), ctx.maxPooledChunks());

        try
        {
            selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        try
        {
            counters = new PollerCounters(ctx.countersManager(), pollerIndex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(selector);
            throw ex;
        }

        tls = ctx.tlsEnabled() ?
            new TlsTransport(ctx.sslContext(), ctx.tlsTaskExecutor(), this::wakeIfSleeping, counters) : null;
        final ConnectionSlots slots = new ConnectionSlots(pollerIndex, ctx.maxConnections());
        final ConnectionList stalled = new ConnectionList(Connection.STALLED_LISTED);
        final HeldFrames held = new HeldFrames(0 == ctx.receiptHoldNs() ? 0 : ctx.receiptHoldSlots());
        sends = openBatchedSends(ctx);
        deadlines = new ConnectionDeadlines(ctx, clock, counters.awaitingLogin);
        lifecycle = new ConnectionLifecycle(
            pollerIndex, sink, selector, clock, slots, deadlines, counters, inboundChunks, outboundPool, held,
            stalled, newConnections, openConnections, tls, null != sends);
        congestion = new OutputCongestion(pollerIndex, sink, deadlines, counters);
        backlog = new OutputBacklog(ctx, congestion, lifecycle, deadlines, counters, outboundPool);
        writer = new OutboundWriter(
            ctx, backlog, slots, lifecycle, deadlines, counters, outboundByteBuffer, held, tls, sends);
        if (null != tls)
        {
            tls.output(backlog);
        }
        controls = new ControlFrames(writer, clock);
        framer = new InboundFramer(
            ctx, pollerIndex, sink, clock, lifecycle, deadlines, controls, counters, inboundChunks, stalled, tls);
        timers = new ConnectionTimers(ctx, clock, deadlines, lifecycle, controls, writer, counters);
        stats = new PollerStats(counters, lifecycle, deadlines, inboundChunks, outboundPool, held, tls);
    }

    /** {@inheritDoc} */
    public String roleName()
    {
        return "edge-poller-" + pollerIndex;
    }

    /** Index of this poller, encoded in the ids of its connections. */
    public int pollerIndex()
    {
        return pollerIndex;
    }

    /** The proxy other threads use to send frames to, or close, this poller's connections. */
    public EdgeOutbound outbound()
    {
        return outbound;
    }

    /**
     * The listener joins this poller's selector, so that a pending connection wakes this poller's thread, which runs
     * the acceptor too. Called before the poller's thread starts.
     */
    SelectionKey registerListener(final ServerSocketChannel listener, final EdgeAcceptor acceptor)
        throws ClosedChannelException
    {
        return listener.register(selector, SelectionKey.OP_ACCEPT, acceptor);
    }

    /**
     * Hand over a freshly accepted socket; called by the acceptor only.
     */
    boolean offer(final SocketChannel channel)
    {
        if (newConnections.offer(channel))
        {
            wakeIfSleeping();
            return true;
        }

        return false;
    }

    /**
     * Called by producers after publishing: wake the poller if it blocks in its selector. The fence orders the
     * publication before the read of {@code sleeping}, mirroring the poller's write of it before its last look.
     */
    void wakeIfSleeping()
    {
        if (0 != selectTimeoutMs)
        {
            VarHandle.fullFence();
            if (sleeping)
            {
                selector.wakeup();
            }
        }
    }

    /**
     * Shutting down: from its next cycle on, the poller tells every connection Goodbye with the retry hint behind the
     * output already queued for it, and closes it once that is written. Called from any thread.
     */
    void sayGoodbye(final long retryAfterMs)
    {
        goodbyeRetryAfterMs = Math.max(0, retryAfterMs);
        selector.wakeup();
    }

    /** Wake the poller out of a blocking select, e.g. so its runner can stop. */
    void wakeUp()
    {
        selector.wakeup();
    }

    /**
     * Another agent runs after this one on its thread (see
     * {@link Edge#start(Agent, BooleanSupplier, BooleanSupplier)}): while it has work left, this poller must not block
     * in its selector. Set before the thread starts.
     */
    void coAgentHasWork(final BooleanSupplier coAgentHasWork)
    {
        this.coAgentHasWork = coAgentHasWork;
    }

    /**
     * Whether the other agent's last cycle sent frames that clients answer at once: this poller then polls a while for
     * the answers before it blocks ({@link ReplyWait}). Set before the thread starts.
     */
    void coAgentAwaitsReplies(final BooleanSupplier coAgentAwaitsReplies)
    {
        this.coAgentAwaitsReplies = coAgentAwaitsReplies;
    }

    /** {@inheritDoc} */
    public int doWork() throws IOException
    {
        clock.update(nanoClock.nanoTime());
        int workCount = lifecycle.deliverCloseNotices();
        workCount += lifecycle.pollNewConnections();
        workCount += framer.retryStalled();
        workCount += congestion.retryNotices();
        final int drained = outboundRing.read(writer, MAX_OUTBOUND_MESSAGES_PER_CYCLE);
        if (drained > 0)
        {
            // A read stops at the buffer's end: what was queued after a wrap goes out in this cycle too, so a wrap
            // takes no path of its own here.
            workCount += drained + outboundRing.read(writer, MAX_OUTBOUND_MESSAGES_PER_CYCLE - drained);
        }
        final long retryAfterMs = goodbyeRetryAfterMs;
        if (NO_GOODBYE != retryAfterMs)
        {
            workCount += lifecycle.sayGoodbye(controls, retryAfterMs);
        }
        workCount += timers.stageExpiredHolds();
        writer.flushStaged();
        if (null != tls)
        {
            workCount += tls.pollTasksDone();
            workCount += framer.retryTls();
        }
        workCount += select();
        workCount += timers.checkIdle();
        workCount += timers.checkDeadlines();
        if (clock.nanoTime() - nextPoolTrimNs >= 0)
        {
            nextPoolTrimNs = clock.nanoTime() + POOL_TRIM_INTERVAL_NS;
            inboundChunks.trim();
            outboundPool.trim();
        }
        if (workCount > 0)
        {
            lastWorkNs = clock.nanoTime();
        }

        return workCount;
    }

    /**
     * Block in the selector unless something is left to do: work done this cycle is not such a thing (what was
     * written is gone; a socket with more to read is ready, and a ready selector returns at once), so a cycle that
     * read, ran the stages and wrote costs one select, not a non-blocking one and then a blocking one.
     */
    private int select() throws IOException
    {
        if (coAgentAwaitsReplies.getAsBoolean())
        {
            // What was just written (deliveries) is answered at once by a client nearby: poll for it a while.
            replyWait.arm(clock.nanoTime());
        }
        if (0 == selectTimeoutMs || framer.hasStalled() || lifecycle.hasPendingNotices() ||
            congestion.hasPendingNotices() || coAgentHasWork.getAsBoolean() ||
            (null != tls && tls.hasRunnablePending()) ||
            clock.nanoTime() - lastWorkNs < selectSpinNs || replyWait.keepPolling(clock.nanoTime()))
        {
            return selectNow();
        }

        sleeping = true;
        try
        {
            if (0 != outboundRing.size() || !newConnections.isEmpty() || (null != tls && tls.hasTasksDone()))
            {
                return selectNow();
            }
            final long timeoutMs = Math.min(selectTimeoutMs, Math.max(1, timers.nextWakeInNs() / 1_000_000));
            final int selected = selector.select(selectHandler, timeoutMs);
            clock.update(nanoClock.nanoTime());
            if (replyWait.onWoken(clock.nanoTime(), selected > 0))
            {
                counters.replyWaitsMissed.incrementRelease();
            }
            return selected;
        }
        finally
        {
            sleeping = false;
        }
    }

    private int selectNow() throws IOException
    {
        final int selected = selector.selectNow(selectHandler);
        if (selected > 0 && replyWait.onPolledInput())
        {
            counters.replyWaitsCaught.incrementRelease();
        }
        return selected;
    }

    private void onSelected(final SelectionKey key)
    {
        final Object attachment = key.attachment();
        if (attachment instanceof EdgeAcceptor)
        {
            ((EdgeAcceptor)attachment).onAcceptable();
            return;
        }
        final Connection connection = (Connection)attachment;
        try
        {
            if (!key.isValid())
            {
                return;
            }
            final int readyOps = key.readyOps();
            if ((readyOps & SelectionKey.OP_WRITE) != 0)
            {
                backlog.onWritable(connection);
            }
            if ((readyOps & SelectionKey.OP_READ) != 0 && !connection.is(Connection.CLOSED))
            {
                framer.onReadable(connection);
            }
        }
        catch (final IOException ex)
        {
            lifecycle.close(connection);
        }
        catch (final RuntimeException ex)
        {
            // Whatever a peer did, the poller lives on; the connection does not.
            counters.errors.incrementRelease();
            lifecycle.close(connection);
        }
    }

    /**
     * Batched sends when asked for and possible here (what is not is said once, by the server's edge line); a TLS
     * port's writes go through the engine, so it needs no ring.
     */
    private static BatchedSends openBatchedSends(final EdgeContext ctx)
    {
        return ctx.batchesSends() ? BatchedSends.openOrNull(BATCHED_SENDS_CAPACITY) : null;
    }

    /** {@inheritDoc} */
    public void onClose()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            lifecycle.closeAll();
        }
        finally
        {
            CloseHelper.quietCloseAll(selector, sends);
            counters.close();
        }
    }

    /** What this poller has counted and holds now, for tests and tools; the live figures are in the counters file. */
    public PollerStats stats()
    {
        return stats;
    }
}
