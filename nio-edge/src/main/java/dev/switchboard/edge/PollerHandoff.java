package dev.switchboard.edge;

import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deals accepted connections round-robin to the pollers' hand-off queues. When every queue is full it holds the one
 * connection it has until a poller has room. Owned by the acceptor's thread.
 */
final class PollerHandoff
{
    private final EdgePoller[] pollers;
    private final AtomicInteger openConnections;
    private final AtomicCounter accepted;
    private final AtomicCounter handoffWaits;
    private int nextPoller;
    /** Accepted and counted open, but no poller had room for it yet; nothing more is accepted while it waits. */
    private SocketChannel heldChannel;

    PollerHandoff(final EdgePoller[] pollers, final AtomicInteger openConnections, final AcceptorCounters counters)
    {
        this.pollers = pollers;
        this.openConnections = openConnections;
        this.accepted = counters.accepted;
        this.handoffWaits = counters.handoffWaits;
    }

    /** Count the connection open and hand it to a poller; false when none had room, so it is held. */
    boolean offer(final SocketChannel channel)
    {
        openConnections.incrementAndGet();
        if (!handOff(channel))
        {
            heldChannel = channel;
            handoffWaits.incrementRelease();
            return false;
        }

        return true;
    }

    boolean isHolding()
    {
        return null != heldChannel;
    }

    /** Offer the held connection again; true once a poller took it. */
    boolean offerHeld()
    {
        if (!handOff(heldChannel))
        {
            return false;
        }
        heldChannel = null;

        return true;
    }

    void closeHeld()
    {
        if (null != heldChannel)
        {
            openConnections.decrementAndGet();
            CloseHelper.quietClose(heldChannel);
            heldChannel = null;
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
}
