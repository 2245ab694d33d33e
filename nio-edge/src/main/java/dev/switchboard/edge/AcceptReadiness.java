package dev.switchboard.edge;

import java.io.IOException;

/**
 * When the acceptor tries accept(), and where it sleeps meanwhile: told by poller 0's selector on that poller's
 * thread, blocked in its own selector on its own thread, or, sharing a polling poller's thread, looking with
 * selectNow every few idle cycles. Owned by the acceptor's thread, but for {@link #wakeUp()}.
 */
final class AcceptReadiness
{
    /** Alone on its thread, the acceptor wakes this often with nothing pending: only to see whether to stop. */
    private static final long BLOCKING_SELECT_TIMEOUT_MS = 1_000;
    // Sharing a poller's thread, look for pending connections once every few cycles: each look is a syscall.
    private static final int IDLE_CYCLES_BETWEEN_LOOKS = 8;

    private final ListeningSocket listener;
    private final long selectTimeoutMs;
    /** Sleeps in its own selector on its own thread. */
    private final boolean blocking;
    /** On poller 0's thread, told by that poller's selector when a connection is pending. */
    private final boolean wokenByPoller;
    private boolean acceptable;
    private int cyclesToNextLook;

    AcceptReadiness(final ListeningSocket listener, final long selectTimeoutMs, final boolean wokenByPoller)
    {
        this.listener = listener;
        this.selectTimeoutMs = selectTimeoutMs;
        this.wokenByPoller = wokenByPoller;
        this.blocking = 0 != selectTimeoutMs && !wokenByPoller;
    }

    /** Whether to try accept() this cycle; a blocking acceptor sleeps here first. */
    boolean shouldTryAccept() throws IOException
    {
        if (wokenByPoller)
        {
            if (!acceptable)
            {
                return false;
            }
            acceptable = false;
            return true;
        }
        if (blocking)
        {
            // Sleep in the selector until a connection is pending, rather than polling accept(); a close wakes it.
            listener.select(BLOCKING_SELECT_TIMEOUT_MS);
        }
        else if (--cyclesToNextLook > 0)
        {
            return false;
        }
        else if (0 == listener.selectNow())
        {
            cyclesToNextLook = IDLE_CYCLES_BETWEEN_LOOKS;
            return false;
        }
        listener.clearSelectedKeys();

        return true;
    }

    /** Look for pending connections on the next cycle rather than after the idle count. */
    void lookNextCycle()
    {
        cyclesToNextLook = 0;
    }

    /** A blocking acceptor sleeps through a backoff in its selector, for no longer than the select timeout. */
    void sleepDuringBackoff(final long remainingNs) throws IOException
    {
        if (blocking)
        {
            listener.select(Math.max(1, Math.min(selectTimeoutMs, remainingNs / 1_000_000)));
        }
    }

    /** The listener is closed; a blocking acceptor sleeps rather than spins until its runner stops. */
    void sleepWhileStopped() throws IOException
    {
        if (blocking)
        {
            // Nothing to do until the runner stops, which wakes the selector.
            listener.select(BLOCKING_SELECT_TIMEOUT_MS);
        }
    }

    /** Wake the acceptor out of a blocking select, e.g. so its runner can stop. */
    void wakeUp()
    {
        if (blocking || wokenByPoller)
        {
            listener.wakeUp();
        }
    }

    void onAcceptable()
    {
        acceptable = true;
    }

    boolean isBlocking()
    {
        return blocking;
    }

    boolean isWokenByPoller()
    {
        return wokenByPoller;
    }
}
