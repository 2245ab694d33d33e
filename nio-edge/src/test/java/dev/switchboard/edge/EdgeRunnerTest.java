package dev.switchboard.edge;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class EdgeRunnerTest
{
    @Test
    void shouldEchoFramesWithPollersOnTheirOwnThreads() throws IOException
    {
        echoWithPollersOnThreads(0, true);
    }

    @Test
    void shouldWakeSleepingPollersForNewConnectionsAndOutboundFrames() throws IOException
    {
        // Pollers sleep in select far longer than the test may run: everything here depends on wake-ups.
        echoWithPollersOnThreads(TimeUnit.MINUTES.toNanos(5), true);
    }

    @Test
    void shouldAcceptOnPollerZerosThreadWokenByItsSelector() throws IOException
    {
        // No acceptor thread, and a poller asleep for minutes: only the listener in poller 0's selector wakes it.
        echoWithPollersOnThreads(TimeUnit.MINUTES.toNanos(5), false);
    }

    @Test
    @Timeout(60)
    void shouldPollWithoutBlockingForTheSpinAfterACycleThatDidWork() throws IOException
    {
        final AtomicInteger frames = new AtomicInteger();
        final InboundFrameSink counting = new InboundFrameSink()
        {
            public boolean onConnectionOpened(final int pollerIndex, final long connectionId, final long address)
            {
                return true;
            }

            public boolean onFrame(
                final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset,
                final int length)
            {
                frames.incrementAndGet();
                return true;
            }

            public boolean onConnectionClosed(final int pollerIndex, final long connectionId)
            {
                return true;
            }
        };
        // A select that blocked would outlast the test's timeout: every idle cycle below must be a non-blocking one.
        final EdgeContext ctx = new EdgeContext()
            .bindAddress("127.0.0.1")
            .port(0)
            .pollerCount(1)
            .selectTimeoutNs(TimeUnit.MINUTES.toNanos(5))
            .selectSpinNs(TimeUnit.MINUTES.toNanos(2));

        try (Edge edge = new Edge(ctx, counting, (ex) -> fail(ex));
            TestClient client = new TestClient(edge.boundPort()))
        {
            final EdgePoller poller = edge.poller(0);
            client.send(Frames.register(1, "+4915123456789"));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (0 == frames.get())
            {
                assertTrue(System.nanoTime() < deadlineNs, "frame not read in time");
                edge.acceptor().doWork();
                poller.doWork();
            }

            int idleCycles = 0;
            for (int i = 0; i < 1_000; i++)
            {
                if (0 == poller.doWork())
                {
                    idleCycles++;
                }
            }
            assertEquals(1_000, idleCycles, "nothing more to do, and none of it blocked");
        }
    }

    private void echoWithPollersOnThreads(final long selectTimeoutNs, final boolean acceptorThread) throws IOException
    {
        final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final Queue<Long> closed = new ConcurrentLinkedQueue<>();
        final AtomicInteger opened = new AtomicInteger();
        final Edge[] edgeRef = new Edge[1];
        final InboundFrameSink echo = new InboundFrameSink()
        {
            public boolean onConnectionOpened(final int pollerIndex, final long connectionId, final long address)
            {
                opened.incrementAndGet();
                return true;
            }

            public boolean onFrame(
                final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset,
                final int length)
            {
                return edgeRef[0].outboundFor(connectionId).send(connectionId, buffer, offset, length);
            }

            public boolean onConnectionClosed(final int pollerIndex, final long connectionId)
            {
                closed.add(connectionId);
                return true;
            }
        };
        final EdgeContext ctx = new EdgeContext()
            .bindAddress("127.0.0.1")
            .port(0)
            .pollerCount(2)
            .outboundCapacity(1024 * 1024)
            .selectTimeoutNs(selectTimeoutNs)
            .acceptorThread(acceptorThread)
            .idleStrategySupplier(YieldingIdleStrategy::new);

        final TestClient[] clients = new TestClient[4];
        try (Edge edge = new Edge(ctx, echo, errors::add))
        {
            edgeRef[0] = edge;
            assertEquals(0 != selectTimeoutNs && !acceptorThread, edge.acceptor().isWokenByPoller());
            edge.start();
            for (int i = 0; i < clients.length; i++)
            {
                clients[i] = new TestClient(edge.boundPort());
            }
            final byte[] frame = Frames.register(1, "+4915123456789");
            for (int round = 0; round < 50; round++)
            {
                for (final TestClient client : clients)
                {
                    client.send(frame);
                }
            }
            for (final TestClient client : clients)
            {
                await(() -> 50 == client.frames().size());
                assertEquals(new UnsafeBuffer(frame), new UnsafeBuffer(client.frames().get(49)));
            }
            assertEquals(clients.length, opened.get());
            clients[0].close();
            await(() -> 1 == closed.size());

            // Shutting down closes the listener on the acceptor's thread, whichever thread that is.
            edge.sayGoodbye(0);
            await(() -> isRefused(edge.boundPort()));
        }
        finally
        {
            for (final TestClient client : clients)
            {
                if (null != client)
                {
                    client.close();
                }
            }
        }

        // Probes that connected while the listener was closing were accepted too: every connection opened was closed.
        assertEquals(opened.get(), closed.size());
        assertTrue(errors.isEmpty(), errors.toString());
    }

    private static boolean isRefused(final int port)
    {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port)))
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    private static void await(final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("condition not met in time");
            }
            Thread.yield();
        }
    }
}
