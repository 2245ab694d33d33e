package dev.switchboard.edge;

import java.nio.channels.SelectionKey;

/**
 * A connection whose unwritten output passed the high-water mark is congested: its reads pause and the sink hears of
 * it, and again when the output drains below half the mark. A notice the sink refuses (its queue full) is retried each
 * cycle with the connection's state then. Owned by one poller; not thread safe.
 */
final class OutputCongestion
{
    private final int pollerIndex;
    private final InboundFrameSink sink;
    private final ConnectionDeadlines deadlines;
    private final PollerCounters counters;
    private final ConnectionList pendingNotices = new ConnectionList();

    OutputCongestion(
        final int pollerIndex,
        final InboundFrameSink sink,
        final ConnectionDeadlines deadlines,
        final PollerCounters counters)
    {
        this.pollerIndex = pollerIndex;
        this.sink = sink;
        this.deadlines = deadlines;
        this.counters = counters;
    }

    void change(final Connection connection, final boolean congested)
    {
        if (congested)
        {
            connection.set(Connection.CONGESTED);
            // reads pause: a partial frame is not the peer's delay now
            deadlines.updateFrameDeadline(connection, false);
        }
        else
        {
            connection.clear(Connection.CONGESTED);
            if (!connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CLOSED))
            {
                connection.addInterest(SelectionKey.OP_READ);
                // a partial frame left when reads paused: a fresh timeout
                deadlines.updateFrameDeadline(connection, true);
            }
        }
        if (connection.is(Connection.CONGESTION_NOTICE_PENDING))
        {
            return;
        }
        if (!sink.onOutputCongestion(pollerIndex, connection.id, congested))
        {
            counters.sinkFull.incrementRelease();
            connection.set(Connection.CONGESTION_NOTICE_PENDING);
            pendingNotices.add(connection);
        }
    }

    /** Offer the sink the congestion changes it refused, each with the connection's state now. */
    boolean hasPendingNotices()
    {
        return pendingNotices.size() > 0;
    }

    int retryNotices()
    {
        int workCount = 0;
        for (int i = pendingNotices.size() - 1; i >= 0; i--)
        {
            final Connection connection = pendingNotices.get(i);
            if (!connection.is(Connection.CLOSED) &&
                !sink.onOutputCongestion(pollerIndex, connection.id, connection.is(Connection.CONGESTED)))
            {
                counters.sinkFull.incrementRelease();
                continue;
            }
            connection.clear(Connection.CONGESTION_NOTICE_PENDING);
            pendingNotices.removeAt(i);
            workCount++;
        }

        return workCount;
    }
}
