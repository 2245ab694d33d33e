package dev.switchboard.edge;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts connections without blocking and deals them round-robin to the pollers; past the connection limit a
 * new connection is accepted and closed at once, so the client sees a clean close rather than a hanging SYN. When
 * every poller's hand-off queue is full (a burst of connects faster than the pollers take them) the acceptor holds
 * the one connection it has and stops accepting until a poller has room: the rest wait in the listen backlog, which
 * is what it is for, instead of being closed without a word.
 * <p>
 * Where pollers block in their selectors the acceptor either blocks on a thread of its own, or, on a host with one
 * CPU for the server, runs on poller 0's thread with the listener in that poller's selector: a pending connection
 * wakes the thread that will read it, and no thread is woken only to hand a socket to another
 * ({@link EdgeConfiguration#ACCEPTOR_PROP_NAME}).
 */
public final class EdgeAcceptor implements Agent
{
    private static final int MAX_ACCEPTS_PER_CYCLE = 64;
    /** Alone on its thread, the acceptor wakes this often with nothing pending: only to see whether to stop. */
    private static final long BLOCKING_SELECT_TIMEOUT_MS = 1_000;
    // Sharing a poller's thread, look for pending connections once every few cycles: each look is a syscall.
    private static final int IDLE_CYCLES_BETWEEN_LOOKS = 8;
    /** How long to leave a held connection before offering it to the pollers again. */
    private static final long HANDOFF_RETRY_NS = 200_000;
    private static final byte[] REFUSAL_DETAIL = "connection limit".getBytes(StandardCharsets.US_ASCII);
    /** Label suffixes of the acceptor's counters, in allocation order. */
    static final String[] COUNTER_LABELS = { "accepted", "refused", "accept-errors", "handoff-waits" };

    private final ServerSocketChannel serverChannel;
    /** accept4 where the host has it; null to use the JDK's accept. */
    private final NativeAccept nativeAccept;
    private final EdgePoller[] pollers;
    private final AtomicInteger openConnections;
    private final int maxConnections;
    private final boolean tcpNoDelay;
    private final int receiveBufferLength;
    private final int sendBufferLength;
    private final int boundPort;
    private final long selectTimeoutMs;
    /** Sleeps in its own selector on its own thread. */
    private final boolean blocking;
    /** On poller 0's thread, told by that poller's selector when a connection is pending. */
    private final boolean wokenByPoller;
    /** The acceptor's own selector; null when it is woken by poller 0's. */
    private final Selector selector;
    private final SelectionKey acceptKey;
    private boolean acceptable;
    private final NanoClock nanoClock;
    private final long acceptBackoffNs;
    private final ErrorHandler errorHandler;
    private final ByteBuffer refusal = encodeRefusal();
    private int nextPoller;
    /** Accepted and counted open, but no poller had room for it yet; nothing more is accepted while it waits. */
    private SocketChannel heldChannel;
    private int cyclesToNextLook;
    private boolean backingOff;
    private volatile boolean stopAccepting;
    private boolean listenerClosed;
    private long backoffDeadlineNs;
    private final CountersManager countersManager;
    private final AtomicCounter[] counters;
    private final AtomicCounter accepted;
    private final AtomicCounter refused;
    private final AtomicCounter acceptErrors;
    private final AtomicCounter handoffWaits;

    EdgeAcceptor(
        final EdgeContext ctx,
        final EdgePoller[] pollers,
        final AtomicInteger openConnections,
        final ErrorHandler errorHandler)
    {
        this.pollers = pollers;
        this.errorHandler = errorHandler;
        this.nanoClock = ctx.nanoClock();
        this.acceptBackoffNs = ctx.acceptBackoffNs();
        this.openConnections = openConnections;
        this.maxConnections = ctx.maxConnections();
        this.tcpNoDelay = ctx.tcpNoDelay();
        this.receiveBufferLength = ctx.socketReceiveBufferLength();
        this.sendBufferLength = ctx.socketSendBufferLength();
        this.selectTimeoutMs = ctx.selectTimeoutMs();
        this.wokenByPoller = 0 != selectTimeoutMs && !ctx.acceptorThread();
        this.blocking = 0 != selectTimeoutMs && !wokenByPoller;

        ServerSocketChannel channel = null;
        Selector acceptSelector = null;
        SelectionKey key = null;
        try
        {
            channel = ServerSocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (receiveBufferLength > 0)
            {
                // Set on the listener so accepted sockets inherit it before the window is advertised.
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferLength);
            }
            channel.bind(new InetSocketAddress(ctx.bindAddress(), ctx.port()), 4096);
            boundPort = ((InetSocketAddress)channel.getLocalAddress()).getPort();
            // accept() allocates even when nothing is pending, so a selector says when to call it.
            if (wokenByPoller)
            {
                key = pollers[0].registerListener(channel, this);
            }
            else
            {
                acceptSelector = Selector.open();
                key = channel.register(acceptSelector, SelectionKey.OP_ACCEPT);
            }
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(acceptSelector, channel);
            throw new UncheckedIOException(ex);
        }
        serverChannel = channel;
        nativeAccept = nativeAcceptOrNull(ctx, channel, acceptSelector);
        selector = acceptSelector;
        acceptKey = key;
        countersManager = ctx.countersManager();
        try
        {
            counters = EdgeCounters.allocate(
                ctx.countersManager(), EdgeCounters.ACCEPTOR_TYPE_ID, 0, "edge-acceptor: ", COUNTER_LABELS);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(selector, serverChannel);
            throw ex;
        }
        accepted = counters[0];
        refused = counters[1];
        acceptErrors = counters[2];
        handoffWaits = counters[3];
    }

    private static NativeAccept nativeAcceptOrNull(
        final EdgeContext ctx, final ServerSocketChannel channel, final Selector acceptSelector)
    {
        try
        {
            // Null where accept4 is not available here: the edge line at start says why.
            return ctx.accept4() ? NativeAccept.openOrNull(channel, ctx.tcpNoDelay()) : null;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(acceptSelector, channel);
            throw new UncheckedIOException(ex);
        }
    }

    /** {@inheritDoc} */
    public String roleName()
    {
        return "edge-acceptor";
    }

    /** The port actually listened on, useful when the configured port is 0. */
    public int boundPort()
    {
        return boundPort;
    }

    /** {@inheritDoc} */
    public int doWork() throws IOException
    {
        if (stopAccepting)
        {
            return closeListener();
        }
        if (backingOff && !backoffElapsed())
        {
            return 0;
        }
        if (null != heldChannel)
        {
            if (!handOff(heldChannel))
            {
                waitForRoom();
                return 0;
            }
            heldChannel = null;
            cyclesToNextLook = 0;
            if (wokenByPoller && acceptKey.isValid())
            {
                acceptKey.interestOps(SelectionKey.OP_ACCEPT);
            }
            return 1;
        }
        if (wokenByPoller)
        {
            if (!acceptable)
            {
                return 0;
            }
            acceptable = false;
        }
        else
        {
            if (blocking)
            {
                // Sleep in the selector until a connection is pending, rather than polling accept(); a close wakes it.
                selector.select(BLOCKING_SELECT_TIMEOUT_MS);
            }
            else if (--cyclesToNextLook > 0)
            {
                return 0;
            }
            else if (0 == selector.selectNow())
            {
                cyclesToNextLook = IDLE_CYCLES_BETWEEN_LOOKS;
                return 0;
            }
            selector.selectedKeys().clear();
        }
        int workCount = 0;
        for (int i = 0; i < MAX_ACCEPTS_PER_CYCLE; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = null != nativeAccept ? nativeAccept.accept() : serverChannel.accept();
            }
            catch (final IOException ex)
            {
                onAcceptFailed(ex);
                return workCount + 1;
            }
            if (null == channel)
            {
                break;
            }
            workCount++;
            onAccepted(channel);
            if (null != heldChannel)
            {
                break;
            }
        }

        return workCount;
    }

    /**
     * Out of descriptors (EMFILE, ENFILE) or out of buffers, accept() fails again at once while the connection stays
     * pending: leave it for a while rather than spin, so whatever frees a descriptor (a close, a deadline) gets the
     * cycles. Reported once per failure, which the backoff bounds to one per interval.
     */
    private void onAcceptFailed(final IOException ex)
    {
        acceptErrors.incrementRelease();
        backingOff = true;
        backoffDeadlineNs = nanoClock.nanoTime() + acceptBackoffNs;
        if (acceptKey.isValid())
        {
            acceptKey.interestOps(0);
        }
        errorHandler.onError(ex);
    }

    /**
     * While backing off, a blocking acceptor sleeps in its selector with no interest (a close still wakes it); one that
     * shares a poller's thread returns at once. True once the backoff is over and accepting resumed.
     */
    private boolean backoffElapsed() throws IOException
    {
        final long remainingNs = backoffDeadlineNs - nanoClock.nanoTime();
        if (remainingNs > 0)
        {
            if (blocking)
            {
                selector.select(Math.max(1, Math.min(selectTimeoutMs, remainingNs / 1_000_000)));
            }
            return false;
        }
        backingOff = false;
        cyclesToNextLook = 0;
        if (acceptKey.isValid())
        {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }

        return true;
    }

    private void onAccepted(final SocketChannel channel)
    {
        if (openConnections.get() >= maxConnections)
        {
            refuse(channel);
            return;
        }

        try
        {
            if (null == nativeAccept)
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, tcpNoDelay);
            }
            if (sendBufferLength > 0)
            {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferLength);
            }
        }
        catch (final IOException ex)
        {
            refused.incrementRelease();
            CloseHelper.quietClose(channel);
            return;
        }

        openConnections.incrementAndGet();
        if (!handOff(channel))
        {
            heldChannel = channel;
            handoffWaits.incrementRelease();
            waitForRoom();
        }
    }

    private boolean handOff(final SocketChannel channel)
    {
        for (int attempt = 0; attempt < pollers.length; attempt++)
        {
            final EdgePoller poller = pollers[nextPoller];
            nextPoller = nextPoller + 1 == pollers.length ? 0 : nextPoller + 1;
            if (poller.offer(channel))
            {
                accepted.incrementRelease();
                return true;
            }
        }

        return false;
    }

    /**
     * Every poller's queue is full: stop accepting for a moment (without interest in accepts, a blocking acceptor
     * sleeps rather than spins) and let the pollers catch up. On poller 0's thread the held connection is offered
     * again every cycle instead: that poller does not sleep while its queue holds connections, and a deadline could
     * fall while it does.
     */
    private void waitForRoom()
    {
        if (!wokenByPoller)
        {
            backingOff = true;
            backoffDeadlineNs = nanoClock.nanoTime() + HANDOFF_RETRY_NS;
        }
        if (acceptKey.isValid())
        {
            acceptKey.interestOps(0);
        }
    }

    /**
     * Tell the client why before closing, so it backs off instead of reconnecting at once. A fresh socket's empty
     * send buffer takes the few bytes without blocking; if not, the close alone still says enough.
     */
    private void refuse(final SocketChannel channel)
    {
        refused.incrementRelease();
        try
        {
            channel.configureBlocking(false);
            channel.write(refusal.limit(refusal.capacity()).position(0));
        }
        catch (final IOException ignore)
        {
            // The peer is gone already.
        }
        CloseHelper.quietClose(channel);
    }

    private static ByteBuffer encodeRefusal()
    {
        final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(
            Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + ErrorEncoder.BLOCK_LENGTH +
            ErrorEncoder.detailHeaderLength() + REFUSAL_DETAIL.length);
        final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
        final ErrorEncoder encoder = new ErrorEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(0)
            .templateId(0)
            .code(ErrorCode.SERVER_BUSY)
            .putDetail(REFUSAL_DETAIL, 0, REFUSAL_DETAIL.length);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        Sofh.write(buffer, 0, messageLength);

        return byteBuffer;
    }

    /**
     * Shutting down: close the listening socket on the acceptor's next cycle, so new connections are refused by the
     * host at once and clients back off. Called from any thread.
     */
    void stopAccepting()
    {
        stopAccepting = true;
        wakeUp();
    }

    /** Whether the listening socket is closed after {@link #stopAccepting()}. */
    public boolean isListenerClosed()
    {
        return listenerClosed;
    }

    private int closeListener() throws IOException
    {
        if (listenerClosed)
        {
            if (blocking)
            {
                // Nothing to do until the runner stops, which wakes the selector.
                selector.select(BLOCKING_SELECT_TIMEOUT_MS);
            }
            return 0;
        }
        listenerClosed = true;
        CloseHelper.quietClose(serverChannel);
        if (null != selector)
        {
            // A registered channel's socket is closed when its key is deregistered, at its selector's next select:
            // without one here, a polling acceptor (which never selects again) would leave the port listening.
            selector.selectNow();
        }
        closeHeldChannel();

        return 1;
    }

    /** {@inheritDoc} */
    public void onClose()
    {
        closeHeldChannel();
        CloseHelper.quietCloseAll(selector, serverChannel);
        EdgeCounters.free(countersManager, counters);
    }

    private void closeHeldChannel()
    {
        if (null != heldChannel)
        {
            openConnections.decrementAndGet();
            CloseHelper.quietClose(heldChannel);
            heldChannel = null;
        }
    }

    /** Wake the acceptor out of a blocking select, e.g. so its runner can stop. */
    void wakeUp()
    {
        if (blocking)
        {
            selector.wakeup();
        }
        else if (wokenByPoller)
        {
            acceptKey.selector().wakeup();
        }
    }

    /**
     * Poller 0's selector found the listener ready (when the acceptor is woken by it): accept when the acceptor runs
     * next, right after that poller in the same duty cycle.
     */
    void onAcceptable()
    {
        acceptable = true;
    }

    /** True when the acceptor blocks in a selector and so needs a thread of its own. */
    boolean isBlocking()
    {
        return blocking;
    }

    /** True when the acceptor runs on poller 0's thread and that poller's selector says when to accept. */
    boolean isWokenByPoller()
    {
        return wokenByPoller;
    }

    /** Whether connections are accepted by accept4 rather than the JDK's accept. */
    boolean isAcceptingByAccept4()
    {
        return null != nativeAccept;
    }

    /** Connections handed to a poller. */
    public long accepted()
    {
        return accepted.get();
    }

    /** Connections closed at once because the limit was reached. */
    public long refused()
    {
        return refused.get();
    }

    /** Times every poller's hand-off queue was full, so accepting paused until one had room. */
    public long handoffWaits()
    {
        return handoffWaits.get();
    }

    /** Times accept() failed, e.g. for want of file descriptors; each started a backoff. */
    public long acceptErrors()
    {
        return acceptErrors.get();
    }

    /** Whether the acceptor is leaving pending connections after a failed accept(). */
    public boolean isBackingOff()
    {
        return backingOff;
    }

    /** Connections open across all pollers. */
    public int openConnections()
    {
        return openConnections.get();
    }
}
