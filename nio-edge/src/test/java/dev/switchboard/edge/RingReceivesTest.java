package dev.switchboard.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads through the poller's io_uring: frames of any size and cut anywhere arrive whole and in order, more connections
 * with bytes at once than the ring has buffers are all read, a refusing sink parks what arrived until it takes frames
 * again, and a close on either side lets the socket go.
 */
@EnabledOnOs(OS.LINUX)
class RingReceivesTest
{
    private EdgeFixture fixture;

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    private void start(final EdgeContext ctx)
    {
        fixture = new EdgeFixture(ctx.ringReceives(true));
        assertTrue(fixture.poller().receivesByRing(), "io_uring with provided buffer rings is missing on this Linux host");
    }

    @Test
    void shouldDeliverFramesLargerThanABufferAndCutAnywhere() throws IOException
    {
        start(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);
        final byte[] small = Frames.send(1, 10);
        final byte[] large = Frames.send(2, 9_000);
        final byte[] last = Frames.send(3, 100);
        final byte[] stream = Frames.concat(small, large, last);

        final int cut = small.length + 1_000;
        client[0].send(stream, 0, cut);
        fixture.awaitTrue(() -> 1 == fixture.sink.frameCount);
        fixture.workFor(20);
        client[0].send(stream, cut, stream.length - cut);
        fixture.awaitTrue(() -> 3 == fixture.sink.frameCount);

        assertArrayEquals(small, fixture.sink.frames.get(0).bytes());
        assertArrayEquals(large, fixture.sink.frames.get(1).bytes());
        assertArrayEquals(last, fixture.sink.frames.get(2).bytes());
        fixture.workFor(20);
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldReadEveryConnectionWhenMoreHaveBytesThanTheRingHasBuffers() throws IOException
    {
        start(new EdgeContext());
        final int connections = 700;
        final List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++)
        {
            clients.add(fixture.connect());
        }
        fixture.awaitTrue(() -> connections == fixture.sink.opened.size());
        fixture.workFor(50);

        for (int i = 0; i < connections; i++)
        {
            clients.get(i).send(Frames.send(i, 64));
        }
        fixture.awaitTrue(() -> connections == fixture.sink.frameCount);

        final Set<Long> senders = new HashSet<>();
        for (final RecordingSink.Frame frame : fixture.sink.frames)
        {
            senders.add(frame.connectionId());
        }
        assertEquals(connections, senders.size());
    }

    @Test
    void shouldParkWhatArrivesWhileTheSinkRefusesAndFrameItInOrderAfter() throws IOException
    {
        start(new EdgeContext().readChunkLength(1024));
        final TestClient[] client = new TestClient[1];
        fixture.connectAndOpen(client);
        final byte[] first = Frames.send(1, 600);
        final byte[] second = Frames.send(2, 300);
        final byte[] third = Frames.send(3, 300);
        final byte[] rest = Frames.concat(Arrays.copyOfRange(first, 100, first.length), second, third);

        // A partial frame waits in a 1 KiB chunk; the rest of it and two more frames then come in one buffer, more
        // than the chunk has room for, and the refusing sink stops at the first frame: the rest stays in the buffer.
        client[0].send(first, 0, 100);
        fixture.workFor(20);
        fixture.sink.acceptFrames = false;
        client[0].send(rest);
        fixture.awaitTrue(() -> fixture.sink.refusals > 0);
        fixture.workFor(20);
        assertEquals(0, fixture.sink.frameCount);

        fixture.sink.acceptFrames = true;
        fixture.awaitTrue(() -> 3 == fixture.sink.frameCount);
        assertArrayEquals(first, fixture.sink.frames.get(0).bytes());
        assertArrayEquals(second, fixture.sink.frames.get(1).bytes());
        assertArrayEquals(third, fixture.sink.frames.get(2).bytes());

        client[0].send(Frames.send(4, 10));
        fixture.awaitTrue(() -> 4 == fixture.sink.frameCount);
        fixture.workFor(20);
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldLetTheSocketGoWhenTheServerClosesAConnectionWithAReceiveArmed() throws IOException
    {
        start(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        fixture.workFor(20);

        assertTrue(fixture.edge.outboundFor(connectionId).close(connectionId));
        fixture.awaitTrue(() -> client[0].isEndOfStream());
        fixture.awaitTrue(() -> fixture.sink.closed.contains(connectionId));
        assertEquals(0, fixture.poller().stats().connectionCount());
    }

    @Test
    void shouldCloseWhenThePeerCloses() throws IOException
    {
        start(new EdgeContext());
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        client[0].send(Frames.send(7, 20));
        fixture.awaitTrue(() -> 1 == fixture.sink.frameCount);

        client[0].close();
        fixture.awaitTrue(() -> fixture.sink.closed.contains(connectionId));
        assertEquals(0, fixture.poller().stats().connectionCount());
        assertEquals(Arrays.asList(connectionId), fixture.sink.closed);
    }
}
