package dev.switchboard.edge;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The network edge: one {@link EdgeAcceptor} and {@link EdgeContext#pollerCount()} {@link EdgePoller}s.
 * Agents can be stepped by the caller or run on their own threads with {@link #start()}.
 */
public final class Edge implements AutoCloseable
{
    private static final int CLOSE_RETRY_MS = 20;

    private final EdgeContext ctx;
    private final EdgePoller[] pollers;
    private final EdgeAcceptor acceptor;
    private final ErrorHandler errorHandler;
    private AgentRunner[] runners;
    private boolean closed;

    /**
     * Bind the listening socket and build the pollers; nothing runs until {@link #start()} or doWork calls.
     */
    public Edge(final EdgeContext ctx, final InboundFrameSink sink, final ErrorHandler errorHandler)
    {
        this.ctx = ctx.conclude();
        this.errorHandler = errorHandler;
        final AtomicInteger openConnections = new AtomicInteger();
        pollers = new EdgePoller[ctx.pollerCount()];
        try
        {
            for (int i = 0; i < pollers.length; i++)
            {
                pollers[i] = new EdgePoller(i, ctx, sink, openConnections);
            }
            acceptor = new EdgeAcceptor(ctx, pollers, openConnections, errorHandler);
        }
        catch (final RuntimeException ex)
        {
            for (final EdgePoller poller : pollers)
            {
                if (null != poller)
                {
                    poller.onClose();
                }
            }
            throw ex;
        }
    }

    /**
     * Run every poller on its own thread; the acceptor shares poller 0's, or has its own when it blocks in a selector
     * of its own.
     */
    public Edge start()
    {
        return start(null, null, null);
    }

    /**
     * As {@link #start()}, with another agent run after poller 0 in each of its duty cycles: the ring's stages on a
     * small host, so that one thread reads, runs the stages and writes, and blocks in the selector when idle.
     * Whatever the co-agent leaves for poller 0 to write, poller 0 finds on its next cycle without a wake-up.
     *
     * @param coAgent        run on poller 0's thread, or null for none.
     * @param coAgentHasWork whether the co-agent has work left that its last cycle did not finish: poller 0 then
     *                       does not block in its selector. Null when the co-agent never leaves work.
     * @param coAgentAwaitsReplies whether the co-agent's last cycle sent frames that clients answer at once: poller 0
     *                       then polls a while for the answers before it blocks (see
     *                       {@link EdgeConfiguration#REPLY_WAIT_PROP_NAME}). Null when it never does.
     */
    public synchronized Edge start(
        final Agent coAgent, final BooleanSupplier coAgentHasWork, final BooleanSupplier coAgentAwaitsReplies)
    {
        if (null != runners)
        {
            throw new IllegalStateException("already started");
        }
        final boolean acceptorAlone = acceptor.isBlocking();
        final boolean pollersBlock = 0 != ctx.selectTimeoutMs();
        if (null != coAgentHasWork)
        {
            pollers[0].coAgentHasWork(coAgentHasWork);
        }
        if (null != coAgentAwaitsReplies)
        {
            pollers[0].coAgentAwaitsReplies(coAgentAwaitsReplies);
        }
        runners = new AgentRunner[pollers.length + (acceptorAlone ? 1 : 0)];
        for (int i = 0; i < pollers.length; i++)
        {
            final Agent agent = 0 == i ? pollerZeroAgent(acceptorAlone, coAgent) : pollers[i];
            // A poller that blocks in its selector idles there: an idle strategy on top would only delay the
            // cycle after a wake-up (a park of up to its maximum before the frames that woke it are written).
            final IdleStrategy idleStrategy = pollersBlock ? new NoOpIdleStrategy() : ctx.idleStrategySupplier().get();
            runners[i] = new AgentRunner(idleStrategy, errorHandler, null, agent);
        }
        if (acceptorAlone)
        {
            runners[pollers.length] = new AgentRunner(ctx.idleStrategySupplier().get(), errorHandler, null, acceptor);
        }
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner);
        }

        return this;
    }

    private Agent pollerZeroAgent(final boolean acceptorAlone, final Agent coAgent)
    {
        if (acceptor.isWokenByPoller())
        {
            // Right after the poller: what its selector found pending is accepted in the same cycle.
            return null == coAgent ?
                new CompositeAgent(pollers[0], acceptor) : new CompositeAgent(pollers[0], acceptor, coAgent);
        }
        if (null == coAgent)
        {
            return acceptorAlone ? pollers[0] : new CompositeAgent(acceptor, pollers[0]);
        }
        return acceptorAlone ?
            new CompositeAgent(pollers[0], coAgent) : new CompositeAgent(acceptor, pollers[0], coAgent);
    }

    private void wakeAll()
    {
        acceptor.wakeUp();
        for (final EdgePoller poller : pollers)
        {
            poller.wakeUp();
        }
    }

    /**
     * Another thread handed the co-agent work (see {@link #start(Agent, BooleanSupplier, BooleanSupplier)}): wake
     * poller 0's thread, which runs it, if it blocks in its selector.
     */
    public void wakeCoAgent()
    {
        pollers[0].wakeIfSleeping();
    }

    /**
     * Begin a graceful shutdown: stop accepting, and have every poller tell each of its connections Goodbye with the
     * retry hint behind the output already queued for it and close it once that is written. The agents keep running
     * until {@link #close()}; {@link #openConnections()} falls to zero as the connections go.
     */
    public void sayGoodbye(final long retryAfterMs)
    {
        acceptor.stopAccepting();
        for (final EdgePoller poller : pollers)
        {
            poller.sayGoodbye(retryAfterMs);
        }
    }

    /** Connections open across all pollers, those handed over and not yet taken included. */
    public int openConnections()
    {
        return acceptor.openConnections();
    }

    /** The port listened on. */
    public int boundPort()
    {
        return acceptor.boundPort();
    }

    public EdgeAcceptor acceptor()
    {
        return acceptor;
    }

    public int pollerCount()
    {
        return pollers.length;
    }

    public EdgePoller poller(final int index)
    {
        return pollers[index];
    }

    /** The outbound proxy of the poller that owns the connection. */
    public EdgeOutbound outboundFor(final long connectionId)
    {
        return pollers[ConnectionId.pollerIndex(connectionId)].outbound();
    }

    /** Stop the runners, or close the agents directly when they were stepped by the caller. */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (null != runners)
        {
            for (final AgentRunner runner : runners)
            {
                // A poller asleep in its selector would only notice the stop at its timeout: wake it.
                runner.close(CLOSE_RETRY_MS, thread -> wakeAll());
            }
        }
        else
        {
            acceptor.onClose();
            for (final EdgePoller poller : pollers)
            {
                poller.onClose();
            }
        }
        ctx.closeOwned();
    }
}
