package dev.switchboard.edge;

import dev.switchboard.codec.sbe.PongDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgeOutboundTest
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
    void shouldWriteQueuedFramesAndCloseAfterFlush() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final byte[] frame = Frames.pong(42);

        assertTrue(outbound.send(connectionId, new UnsafeBuffer(frame), 0, frame.length));
        assertTrue(outbound.close(connectionId));
        fixture.awaitTrue(() -> client[0].isEndOfStream() && fixture.sink.closed.contains(connectionId));

        final List<byte[]> received = client[0].frames();
        assertEquals(1, received.size());
        assertArrayEquals(frame, received.get(0));
    }

    @Test
    void shouldEncodeStraightIntoTheRingWithAClaim() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final byte[] frame = Frames.pong(7);

        final int aborted = outbound.tryClaim(connectionId, frame.length);
        assertTrue(aborted >= 0);
        outbound.abort(aborted);
        final int offset = outbound.tryClaim(connectionId, frame.length);
        outbound.buffer().putBytes(offset, frame);
        outbound.commit(offset);
        fixture.awaitTrue(() -> 1 == client[0].frames().size());

        assertArrayEquals(frame, client[0].frames().get(0));
        assertTrue(outbound.tryClaim(connectionId, outbound.maxFrameLength() + 1) < 0);
    }

    @Test
    void shouldDropFramesForAStaleConnectionId() throws IOException
    {
        fixture = new EdgeFixture();
        final TestClient[] first = new TestClient[1];
        final long staleId = fixture.connectAndOpen(first);
        first[0].close();
        fixture.awaitTrue(() -> fixture.sink.closed.contains(staleId));
        final TestClient[] second = new TestClient[1];
        final long liveId = fixture.connectAndOpen(second);
        assertEquals(ConnectionId.slot(staleId), ConnectionId.slot(liveId), "the slot is reused");

        final byte[] frame = Frames.pong(1);
        fixture.edge.outboundFor(staleId).send(staleId, new UnsafeBuffer(frame), 0, frame.length);
        fixture.edge.outboundFor(staleId).close(staleId);
        fixture.awaitTrue(() -> 2 == fixture.poller().stats().outboundDropped());
        fixture.workFor(20);

        assertEquals(0, second[0].frames().size());
        assertFalse(second[0].isEndOfStream());
        assertEquals(1, fixture.poller().stats().connectionCount());
    }

    @Test
    void shouldCloseASlowReaderWhoseOutputPassesTheBound() throws IOException
    {
        final int maxPending = 64 * 1024;
        fixture = new EdgeFixture(new EdgeContext().maxPendingWriteBytes(maxPending).socketSendBufferLength(8192));
        final TestClient slow = fixture.connect(4096);
        fixture.awaitTrue(() -> 1 == fixture.sink.opened.size());
        final long connectionId = fixture.sink.opened.get(0);
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        frame.putBytes(0, Frames.pong(9));
        frame.putInt(0, 1024, java.nio.ByteOrder.BIG_ENDIAN);

        int sent = 0;
        while (0 == fixture.poller().stats().slowConsumerCloses())
        {
            if (outbound.send(connectionId, frame, 0, frame.capacity()))
            {
                sent++;
            }
            fixture.work();
            assertTrue(sent < 100_000, "never closed");
        }

        fixture.awaitTrue(() -> fixture.sink.closed.contains(connectionId));
        assertTrue(sent * 1024L > maxPending);
        assertEquals(0, fixture.poller().stats().borrowedChunks());
        assertEquals(0, fixture.poller().stats().connectionCount());
    }

    @Test
    void shouldReportCongestionToTheSinkAndItsEndOnceTheReaderCatchesUp() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext()
            .maxPendingWriteBytes(1024 * 1024)
            .writeHighWaterBytes(32 * 1024)
            .socketSendBufferLength(8192));
        final TestClient reader = fixture.connect(4096);
        fixture.awaitTrue(() -> 1 == fixture.sink.opened.size());
        final long connectionId = fixture.sink.opened.get(0);
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        frame.putBytes(0, Frames.pong(9));
        frame.putInt(0, 1024, java.nio.ByteOrder.BIG_ENDIAN);

        int sent = 0;
        while (fixture.sink.congestion.isEmpty())
        {
            if (outbound.send(connectionId, frame, 0, frame.capacity()))
            {
                sent++;
            }
            fixture.work();
            assertTrue(sent < 10_000, "never congested");
        }
        assertEquals(List.of(true), fixture.sink.congestion);

        final int expected = sent;
        fixture.awaitTrue(() -> expected == reader.frames().size());
        fixture.awaitTrue(() -> 2 == fixture.sink.congestion.size());
        assertEquals(List.of(true, false), fixture.sink.congestion);
        assertEquals(0, fixture.poller().stats().slowConsumerCloses());
        assertEquals(1, fixture.poller().stats().connectionCount());
        assertEquals(0, fixture.poller().stats().borrowedChunks());
    }

    @Test
    void shouldDeliverEveryFrameFromTwoSendingThreadsInPerThreadOrder() throws Exception
    {
        fixture = new EdgeFixture();
        final TestClient[] client = new TestClient[1];
        final long connectionId = fixture.connectAndOpen(client);
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final int perThread = 20_000;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        final Thread copier = new Thread(() -> sendAll(outbound, connectionId, 0, perThread, false, failure));
        final Thread claimer = new Thread(() -> sendAll(outbound, connectionId, 1, perThread, true, failure));
        copier.start();
        claimer.start();
        fixture.awaitTrue(() -> 2 * perThread == client[0].frames().size());
        copier.join();
        claimer.join();
        assertNull(failure.get());

        final long[] next = new long[2];
        for (final byte[] frame : client[0].frames())
        {
            assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(frame));
            final long value = Frames.firstLong(frame);
            final int sender = (int)(value >>> 32);
            assertEquals(next[sender], value & 0xFFFF_FFFFL, "order from sender " + sender);
            next[sender]++;
        }
        assertEquals(perThread, next[0]);
        assertEquals(perThread, next[1]);
    }

    private static void sendAll(
        final EdgeOutbound outbound,
        final long connectionId,
        final int sender,
        final int count,
        final boolean claim,
        final AtomicReference<Throwable> failure)
    {
        try
        {
            for (int i = 0; i < count; i++)
            {
                final byte[] frame = Frames.pong(((long)sender << 32) | i);
                if (claim)
                {
                    int offset;
                    while ((offset = outbound.tryClaim(connectionId, frame.length)) < 0)
                    {
                        Thread.yield();
                    }
                    outbound.buffer().putBytes(offset, frame);
                    outbound.commit(offset);
                }
                else
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(frame);
                    while (!outbound.send(connectionId, buffer, 0, frame.length))
                    {
                        Thread.yield();
                    }
                }
            }
        }
        catch (final Throwable ex)
        {
            failure.set(ex);
        }
    }
}
