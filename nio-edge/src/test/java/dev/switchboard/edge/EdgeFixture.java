package dev.switchboard.edge;

import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * An edge on an ephemeral loopback port whose agents the test thread steps, with a clock the test moves.
 */
final class EdgeFixture implements AutoCloseable
{
    static final long IDLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    static final long DEAD_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);

    final CachedNanoClock clock = new CachedNanoClock();
    final RecordingSink sink = new RecordingSink();
    final List<Throwable> errors = new ArrayList<>();
    final List<TestClient> clients = new ArrayList<>();
    final Edge edge;

    EdgeFixture()
    {
        this(new EdgeContext());
    }

    /** Login, frame and write deadlines an hour away, so tests that move the clock meet only the idle timeouts. */
    EdgeFixture(final EdgeContext ctx)
    {
        this(ctx.loginTimeoutNs(TimeUnit.HOURS.toNanos(1))
            .frameTimeoutNs(TimeUnit.HOURS.toNanos(1))
            .writeTimeoutNs(TimeUnit.HOURS.toNanos(1))
            .idleTimeoutNs(IDLE_TIMEOUT_NS)
            .deadTimeoutNs(DEAD_TIMEOUT_NS), true);
    }

    /** With the timeouts and deadlines the context holds. */
    EdgeFixture(final EdgeContext ctx, final boolean timeoutsAsGiven)
    {
        clock.update(TimeUnit.SECONDS.toNanos(1));
        ctx.bindAddress("127.0.0.1")
            .port(0)
            .nanoClock(clock)
            .outboundCapacity(1024 * 1024);
        edge = new Edge(ctx, sink, errors::add);
    }

    EdgePoller poller()
    {
        return edge.poller(0);
    }

    TestClient connect() throws IOException
    {
        final TestClient client = new TestClient(edge.boundPort());
        clients.add(client);
        return client;
    }

    TestClient connect(final int receiveBufferLength) throws IOException
    {
        final TestClient client = new TestClient(edge.boundPort(), receiveBufferLength);
        clients.add(client);
        return client;
    }

    /** Connect and step until the sink has seen the open notice; returns the connection id. */
    long connectAndOpen(final TestClient[] holder) throws IOException
    {
        final int before = sink.opened.size();
        holder[0] = connect();
        awaitTrue(() -> sink.opened.size() > before);
        return sink.opened.get(sink.opened.size() - 1);
    }

    int work()
    {
        try
        {
            int workCount = edge.acceptor().doWork();
            for (int i = 0; i < edge.pollerCount(); i++)
            {
                workCount += edge.poller(i).doWork();
            }
            return workCount;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Step the agents until the condition holds; the deadline only guards against a hang. */
    void awaitTrue(final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("condition not met in time");
            }
            if (0 == work())
            {
                Thread.onSpinWait();
            }
        }
    }

    /** Step the agents a while, giving the kernel time to move bytes, for conditions that must stay false. */
    void workFor(final long millis)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() - deadlineNs < 0)
        {
            work();
        }
    }

    public void close()
    {
        for (final TestClient client : clients)
        {
            CloseHelper.quietClose(client);
        }
        CloseHelper.quietClose(edge);
    }
}
