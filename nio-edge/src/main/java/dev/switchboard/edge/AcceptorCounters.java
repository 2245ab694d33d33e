package dev.switchboard.edge;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The acceptor's counters, labelled {@code "edge-acceptor: accepted"} and so on. Only the acceptor's thread writes
 * them, with {@code incrementRelease}.
 */
final class AcceptorCounters implements AutoCloseable
{
    /** Label suffixes, in allocation order. */
    static final String[] LABELS = { "accepted", "refused", "accept-errors", "handoff-waits" };

    /** Connections handed to a poller. */
    final AtomicCounter accepted;
    /** Connections closed at once: past the limit, or their socket refused its options. */
    final AtomicCounter refused;
    /** Times accept() failed; each started a backoff. */
    final AtomicCounter acceptErrors;
    /** Times every poller's hand-off queue was full, so accepting paused. */
    final AtomicCounter handoffWaits;

    private final CountersManager countersManager;
    private final AtomicCounter[] all;

    AcceptorCounters(final CountersManager countersManager)
    {
        this.countersManager = countersManager;
        all = EdgeCounters.allocate(countersManager, EdgeCounters.ACCEPTOR_TYPE_ID, 0, "edge-acceptor: ", LABELS);
        accepted = all[0];
        refused = all[1];
        acceptErrors = all[2];
        handoffWaits = all[3];
    }

    /** Free the counters in their manager. */
    public void close()
    {
        EdgeCounters.free(countersManager, all);
    }
}
