package dev.switchboard.edge;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.net.StandardSocketOptions;
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
    /** How long to leave a held connection before offering it to the pollers again. */
    private static final long HANDOFF_RETRY_NS = 200_000;

    private final AtomicInteger openConnections;
    private final int maxConnections;
    private final boolean tcpNoDelay;
    private final int sendBufferLength;
    private final ListeningSocket listener;
    private final AcceptReadiness readiness;
    private final NanoClock nanoClock;
    private final long acceptBackoffNs;
    private final ErrorHandler errorHandler;
    private final ConnectionRefusal refusal = new ConnectionRefusal();
    private final PollerHandoff handoff;
    private boolean backingOff;
    private volatile boolean stopAccepting;
    private boolean listenerClosed;
    private long backoffDeadlineNs;
    private final AcceptorCounters counters;

    EdgeAcceptor(
        final EdgeContext ctx,
        final EdgePoller[] pollers,
        final AtomicInteger openConnections,
        final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.nanoClock = ctx.nanoClock();
        this.acceptBackoffNs = ctx.acceptBackoffNs();
        this.openConnections = openConnections;
        this.maxConnections = ctx.maxConnections();
        this.tcpNoDelay = ctx.tcpNoDelay();
        this.sendBufferLength = ctx.socketSendBufferLength();
        final long selectTimeoutMs = ctx.selectTimeoutMs();
        final boolean wokenByPoller = 0 != selectTimeoutMs && !ctx.acceptorThread();
        listener = new ListeningSocket(ctx, wokenByPoller ? pollers[0] : null, this);
        readiness = new AcceptReadiness(listener, selectTimeoutMs, wokenByPoller);
        try
        {
            counters = new AcceptorCounters(ctx.countersManager());
        }
        catch (final RuntimeException ex)
        {
            listener.closeAll();
            throw ex;
        }
        handoff = new PollerHandoff(pollers, openConnections, counters);
    }

    /** {@inheritDoc} */
    public String roleName()
    {
        return "edge-acceptor";
    }

    /** The port actually listened on, useful when the configured port is 0. */
    public int boundPort()
    {
        return listener.boundPort();
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
        if (handoff.isHolding())
        {
            if (!handoff.offerHeld())
            {
                waitForRoom();
                return 0;
            }
            readiness.lookNextCycle();
            if (readiness.isWokenByPoller())
            {
                listener.resumeAccepting();
            }
            return 1;
        }
        if (!readiness.shouldTryAccept())
        {
            return 0;
        }
        int workCount = 0;
        for (int i = 0; i < MAX_ACCEPTS_PER_CYCLE; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = listener.accept();
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
            if (handoff.isHolding())
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
        counters.acceptErrors.incrementRelease();
        backingOff = true;
        backoffDeadlineNs = nanoClock.nanoTime() + acceptBackoffNs;
        listener.pauseAccepting();
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
            readiness.sleepDuringBackoff(remainingNs);
            return false;
        }
        backingOff = false;
        readiness.lookNextCycle();
        listener.resumeAccepting();

        return true;
    }

    private void onAccepted(final SocketChannel channel)
    {
        if (openConnections.get() >= maxConnections)
        {
            counters.refused.incrementRelease();
            refusal.refuse(channel);
            return;
        }

        try
        {
            if (!listener.isAcceptingByAccept4())
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
            counters.refused.incrementRelease();
            CloseHelper.quietClose(channel);
            return;
        }

        if (!handoff.offer(channel))
        {
            waitForRoom();
        }
    }

    /**
     * Every poller's queue is full: stop accepting for a moment (without interest in accepts, a blocking acceptor
     * sleeps rather than spins) and let the pollers catch up. On poller 0's thread the held connection is offered
     * again every cycle instead: that poller does not sleep while its queue holds connections, and a deadline could
     * fall while it does.
     */
    private void waitForRoom()
    {
        if (!readiness.isWokenByPoller())
        {
            backingOff = true;
            backoffDeadlineNs = nanoClock.nanoTime() + HANDOFF_RETRY_NS;
        }
        listener.pauseAccepting();
    }

    /**
     * Shutting down: close the listening socket on the acceptor's next cycle, so new connections are refused by the
     * host at once and clients back off. Called from any thread.
     */
    void stopAccepting()
    {
        stopAccepting = true;
        readiness.wakeUp();
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
            readiness.sleepWhileStopped();
            return 0;
        }
        listenerClosed = true;
        listener.close();
        handoff.closeHeld();

        return 1;
    }

    /** {@inheritDoc} */
    public void onClose()
    {
        handoff.closeHeld();
        listener.closeAll();
        counters.close();
    }

    /** Wake the acceptor out of a blocking select, e.g. so its runner can stop. */
    void wakeUp()
    {
        readiness.wakeUp();
    }

    /**
     * Poller 0's selector found the listener ready (when the acceptor is woken by it): accept when the acceptor runs
     * next, right after that poller in the same duty cycle.
     */
    void onAcceptable()
    {
        readiness.onAcceptable();
    }

    /** True when the acceptor blocks in a selector and so needs a thread of its own. */
    boolean isBlocking()
    {
        return readiness.isBlocking();
    }

    /** True when the acceptor runs on poller 0's thread and that poller's selector says when to accept. */
    boolean isWokenByPoller()
    {
        return readiness.isWokenByPoller();
    }

    /** Whether connections are accepted by accept4 rather than the JDK's accept. */
    boolean isAcceptingByAccept4()
    {
        return listener.isAcceptingByAccept4();
    }

    /** Connections handed to a poller. */
    public long accepted()
    {
        return counters.accepted.get();
    }

    /** Connections closed at once: the limit was reached, or the new socket refused its options. */
    public long refused()
    {
        return counters.refused.get();
    }

    /** Times every poller's hand-off queue was full, so accepting paused until one had room. */
    public long handoffWaits()
    {
        return counters.handoffWaits.get();
    }

    /** Times accept() failed, e.g. for want of file descriptors; each started a backoff. */
    public long acceptErrors()
    {
        return counters.acceptErrors.get();
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
