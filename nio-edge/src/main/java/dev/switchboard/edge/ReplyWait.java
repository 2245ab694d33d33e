package dev.switchboard.edge;

/**
 * How long a poller that blocks in its selector keeps polling after it wrote frames its clients answer at once (a
 * delivery, answered by its ack): if the answer comes within that window, the wake-up from a blocked select is saved,
 * and on a virtual machine a wake-up of an idle CPU is both dear and, now and then, milliseconds late.
 * <p>
 * The window adapts as the kernel's halt-polling does: a blocked wait that an answer ended within the bound grows it to
 * cover such an answer; a wait that outlasted the bound halves it. Clients that answer slowly (a phone, a far network)
 * so bring it to nothing and cost no polling; dense local traffic keeps it just wide enough. Only the poller's thread
 * uses it.
 */
final class ReplyWait
{
    /** The narrowest window worth polling for; below it the window closes. */
    static final long MIN_WINDOW_NS = 2_000;
    private static final long NOT_ARMED = Long.MIN_VALUE;

    private final long maxWindowNs;
    private long windowNs;
    private long armedAtNs = NOT_ARMED;

    /**
     * @param maxWindowNs the widest window; 0 turns the wait off.
     */
    ReplyWait(final long maxWindowNs)
    {
        if (maxWindowNs < 0)
        {
            throw new IllegalArgumentException("maxWindowNs negative: " + maxWindowNs);
        }
        this.maxWindowNs = maxWindowNs;
    }

    /**
     * Frames that clients answer at once were just written: answers are due from now.
     */
    void arm(final long nowNs)
    {
        if (0 != maxWindowNs)
        {
            armedAtNs = nowNs;
        }
    }

    /**
     * @return true while answers are due and the window has not passed: poll, do not block.
     */
    boolean keepPolling(final long nowNs)
    {
        return NOT_ARMED != armedAtNs && nowNs - armedAtNs < windowNs;
    }

    /**
     * A non-blocking select found something to read.
     *
     * @return true if it ended a wait for answers (the wake-up it saved).
     */
    boolean onPolledInput()
    {
        if (NOT_ARMED == armedAtNs)
        {
            return false;
        }
        armedAtNs = NOT_ARMED;
        return true;
    }

    /**
     * A blocking select returned.
     *
     * @param gotInput whether it found something to read, rather than a timeout or a wake-up call.
     * @return true if it ended a wait for answers that the window missed.
     */
    boolean onWoken(final long nowNs, final boolean gotInput)
    {
        if (NOT_ARMED == armedAtNs)
        {
            return false;
        }
        final long waitedNs = nowNs - armedAtNs;
        if (waitedNs > maxWindowNs)
        {
            windowNs = windowNs / 2 < MIN_WINDOW_NS ? 0 : windowNs / 2;
        }
        else if (!gotInput)
        {
            return false; // woken by another thread; the answers may still come
        }
        else
        {
            windowNs = Math.min(maxWindowNs, Math.max(Math.max(MIN_WINDOW_NS, 2 * windowNs), waitedNs + waitedNs / 2));
        }
        armedAtNs = NOT_ARMED;
        return true;
    }

    long windowNs()
    {
        return windowNs;
    }
}
