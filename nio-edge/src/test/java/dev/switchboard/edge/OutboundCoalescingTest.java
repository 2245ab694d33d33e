package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.switchboard.edge.Frames.assertFrames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundCoalescingTest
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

    @Test
    void shouldWriteEachConnectionsFramesOfACycleInOneCallAndInOrder() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] a = new TestClient[1];
        final TestClient[] b = new TestClient[1];
        final long idA = fixture.connectAndOpen(a);
        final long idB = fixture.connectAndOpen(b);
        final int perConnection = 50;
        final byte[][] framesA = new byte[perConnection][];
        final byte[][] framesB = new byte[perConnection][];
        for (int i = 0; i < perConnection; i++)
        {
            framesA[i] = Frames.logout(i);
            framesB[i] = Frames.send(i, 1 + i * 7);
            send(idA, framesA[i]);
            send(idB, framesB[i]);
        }
        final long writesBefore = fixture.poller().stats().socketWrites();
        final long framesBefore = fixture.poller().stats().framesOut();

        fixture.awaitTrue(() -> a[0].frames().size() == perConnection && b[0].frames().size() == perConnection);

        assertEquals(2 * perConnection, fixture.poller().stats().framesOut() - framesBefore);
        assertEquals(2, fixture.poller().stats().socketWrites() - writesBefore, "one write per connection");
        assertFrames(framesA, a[0].frames());
        assertFrames(framesB, b[0].frames());
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldWriteStagedFramesBeforeACloseQueuedBehindThem() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        final byte[][] frames = { Frames.logout(1), Frames.send(2, 100), Frames.logout(3) };
        for (final byte[] frame : frames)
        {
            send(id, frame);
        }
        assertTrue(fixture.edge.outboundFor(id).close(id));

        fixture.awaitTrue(() -> client[0].isEndOfStream());

        assertFrames(frames, client[0].frames());
        assertEquals(0, fixture.poller().stats().connectionCount());
    }

    @Test
    void shouldKeepOrderWhenACycleStagesMoreThanFits() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        // About 300 KiB in one cycle: more than the staging buffer, so it is flushed mid-cycle.
        final int count = 20;
        final byte[][] frames = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            frames[i] = Frames.send(i, 15_000);
            send(id, frames[i]);
        }

        fixture.awaitTrue(() -> client[0].frames().size() == count);

        assertFrames(frames, client[0].frames());
    }

    @Test
    void shouldWriteFramesQueuedAcrossTheRingsWrapInTheSameCycle() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long id = fixture.connectAndOpen(client);
        // Records of 1 KiB (ring header, connection id, frame) fill all but the last 1 KiB of the 1 MiB ring.
        final int lapRecords = 1023;
        for (int i = 0; i < lapRecords; i++)
        {
            send(id, frameInRecordOf(i, 1024));
        }
        fixture.awaitTrue(() -> client[0].frames().size() == lapRecords);
        // The first fits before the end; the second does not, so the ring pads to the end and wraps.
        final byte[][] acrossTheWrap = { frameInRecordOf(1, 512), frameInRecordOf(2, 1600), frameInRecordOf(3, 1600) };
        for (final byte[] frame : acrossTheWrap)
        {
            send(id, frame);
        }
        final long writesBefore = fixture.poller().stats().socketWrites();

        fixture.poller().doWork();

        assertEquals(0, fixture.edge.outboundFor(id).backlogBytes(), "all read in one cycle");
        assertEquals(1, fixture.poller().stats().socketWrites() - writesBefore, "and written in one call");
        fixture.awaitTrue(() -> client[0].frames().size() == lapRecords + acrossTheWrap.length);
        assertFrames(acrossTheWrap, client[0].frames().subList(lapRecords, lapRecords + acrossTheWrap.length));
    }

    /** A Send frame whose outbound ring record (8-byte header, 8-byte connection id, frame; 8-aligned) is this long. */
    private static byte[] frameInRecordOf(final long clientMsgId, final int recordLength)
    {
        final int overhead = Frames.send(clientMsgId, 0).length;
        final byte[] frame = Frames.send(clientMsgId, recordLength - 16 - overhead);
        assertEquals(recordLength, 16 + frame.length, "record length must be a multiple of 8");
        return frame;
    }

    private void send(final long connectionId, final byte[] frame)
    {
        assertTrue(fixture.edge.outboundFor(connectionId).send(connectionId, new UnsafeBuffer(frame), 0, frame.length));
    }
}
