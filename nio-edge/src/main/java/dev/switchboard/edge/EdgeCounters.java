package dev.switchboard.edge;

import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * Type ids and allocation of the edge's counters. Each counter has one writer, the agent that owns it, which bumps it
 * in place with a release store; another process reads it live from the counters file.
 */
public final class EdgeCounters
{
    /** Type of an edge poller's counters; the key holds the poller index as an int. */
    public static final int POLLER_TYPE_ID = 3;
    /** Type of the edge acceptor's counters. */
    public static final int ACCEPTOR_TYPE_ID = 4;

    private EdgeCounters()
    {
    }

    /**
     * Allocate one counter per label, each labelled {@code prefix + label} with {@code key} as an int key; if the
     * manager runs out, those already allocated are freed before the exception leaves.
     */
    static AtomicCounter[] allocate(
        final CountersManager countersManager,
        final int typeId,
        final int key,
        final String prefix,
        final String[] labels)
    {
        final AtomicCounter[] counters = new AtomicCounter[labels.length];
        try
        {
            for (int i = 0; i < labels.length; i++)
            {
                counters[i] = countersManager.newCounter(
                    prefix + labels[i], typeId, (keyBuffer) -> keyBuffer.putInt(0, key));
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.closeAll(counters);
            throw ex;
        }

        return counters;
    }

    /**
     * Free the counters in their manager. Each agent frees its own as it closes, on its own thread, so the edge's
     * agents take turns on the manager's monitor: a plain {@link CountersManager} is not safe for concurrent frees.
     */
    static void free(final CountersManager countersManager, final AtomicCounter[] counters)
    {
        synchronized (countersManager)
        {
            CloseHelper.closeAll(counters);
        }
    }
}
