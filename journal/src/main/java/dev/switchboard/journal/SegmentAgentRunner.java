package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link SegmentAgent}: on a daemon thread of its own, or, for tests that step it
 * ({@link JournalContext#segmentAgentInvoked}), only when {@link #invoke()} is called. Its errors go to the context's
 * error handler and are counted.
 */
final class SegmentAgentRunner implements AutoCloseable
{
    /**
     * The segment agent parks 1 ms after work, doubling to 100 ms while idle: an idle server wakes it ten times a
     * second, and a request (made at the first write into a new tail, tens of MiB before it is needed) waits at most
     * that long.
     */
    private static final long MIN_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    // one of the two, by how the context asks the agent to run
    private final AgentRunner runner;
    private final AgentInvoker invoker;

    SegmentAgentRunner(final SegmentAgent agent, final JournalContext ctx, final JournalCounters counters)
    {
        if (ctx.isSegmentAgentInvoked())
        {
            runner = null;
            invoker = new AgentInvoker(ctx.errorHandler(), counters.segmentAgentErrors, agent);
        }
        else
        {
            runner = new AgentRunner(
                new BackoffIdleStrategy(0, 0, MIN_PARK_NS, MAX_PARK_NS),
                ctx.errorHandler(),
                counters.segmentAgentErrors,
                agent);
            invoker = null;
        }
    }

    void start()
    {
        if (null != invoker)
        {
            invoker.start();
        }
        else
        {
            AgentRunner.startOnThread(runner, (runnable) ->
            {
                final Thread thread = new Thread(runnable);
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /** Tests: runs one duty cycle of an agent run by invocation. */
    int invoke()
    {
        return invoker.invoke();
    }

    /** Stops the agent; it unmaps or deletes what it still holds on its way out. */
    public void close()
    {
        CloseHelper.closeAll(runner, invoker);
    }
}
