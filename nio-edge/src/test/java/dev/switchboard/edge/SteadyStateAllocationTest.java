package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SteadyStateAllocationTest
{
    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private EdgeFixture fixture;
    private long allocatedInPoller;

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldNotAllocatePerFrameOnceWarm() throws IOException
    {
        fixture = new EdgeFixture();
        fixture.sink.keepFrames = false;
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final byte[][] frames = new byte[100][];
        for (int i = 0; i < frames.length; i++)
        {
            frames[i] = 0 == (i & 1) ? Frames.logout(i) : Frames.ping(i);
        }
        final byte[] batch = Frames.concat(frames);
        final UnsafeBuffer pong = new UnsafeBuffer(Frames.pong(5));

        runRounds(client[0], batch, outbound, connectionId, pong, 200);
        allocatedInPoller = 0;
        final long framesBefore = fixture.sink.frameCount + fixture.poller().stats().pingsIn();
        runRounds(client[0], batch, outbound, connectionId, pong, 500);
        final long framesHandled = fixture.sink.frameCount + fixture.poller().stats().pingsIn() - framesBefore;

        final double bytesPerFrame = allocatedInPoller / (double)framesHandled;
        System.out.printf("poller allocation: %d B over %d inbound frames = %.3f B/frame%n",
            allocatedInPoller, framesHandled, bytesPerFrame);
        assertEquals(500L * frames.length, framesHandled);
        // Allowance for the JDK selector boxing a file descriptor per ready key; the edge itself allocates nothing.
        assertTrue(bytesPerFrame < 1.0, "bytes allocated per frame: " + bytesPerFrame);
    }

    private void runRounds(
        final TestClient client,
        final byte[] batch,
        final EdgeOutbound outbound,
        final long connectionId,
        final UnsafeBuffer pong,
        final int rounds) throws IOException
    {
        for (int round = 0; round < rounds; round++)
        {
            final long target = fixture.sink.frameCount + fixture.poller().stats().pingsIn() + 100;
            client.send(batch);
            for (int i = 0; i < 10; i++)
            {
                outbound.send(connectionId, pong, 0, pong.capacity());
            }
            final long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (fixture.sink.frameCount + fixture.poller().stats().pingsIn() < target)
            {
                stepPoller();
                client.poll();
                assertTrue(System.nanoTime() - deadlineNs < 0, "frames did not arrive");
            }
            stepPoller();
            client.poll();
        }
    }

    private void stepPoller() throws IOException
    {
        final long before = threads.getCurrentThreadAllocatedBytes();
        fixture.poller().doWork();
        allocatedInPoller += threads.getCurrentThreadAllocatedBytes() - before;
    }
}
