package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that does not read its output gets no reads either: what it sends waits in its own socket until it drains
 * what the server wrote, so a client that never reads cannot make the server hold answers without bound.
 */
class InboundBackPressureTest
{
    private static final int HIGH_WATER_BYTES = 16 * 1024;

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
    void shouldPauseReadsWhileOutputIsBackedUpAndResumeWhenThePeerDrainsIt() throws IOException
    {
        fixture = new EdgeFixture(new EdgeContext()
            .writeHighWaterBytes(HIGH_WATER_BYTES)
            .maxPendingWriteBytes(8 * 1024 * 1024)
            .socketSendBufferLength(8192));
        final TestClient client = fixture.connect(4096);
        fixture.awaitTrue(() -> 1 == fixture.sink.opened.size());
        final long connectionId = fixture.sink.opened.get(0);
        final EdgeOutbound outbound = fixture.edge.outboundFor(connectionId);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        frame.putBytes(0, Frames.pong(9));
        frame.putInt(0, 1024, ByteOrder.BIG_ENDIAN);

        int sent = 0;
        while (fixture.sink.congestion.isEmpty())
        {
            if (outbound.send(connectionId, frame, 0, frame.capacity()))
            {
                sent++;
            }
            fixture.work();
            assertTrue(sent < 10_000, "output never backed up");
        }
        assertEquals(Boolean.TRUE, fixture.sink.congestion.get(0));

        client.send(Frames.logout(1));
        fixture.workFor(100);
        assertEquals(0, fixture.sink.frameCount, "read while the peer's output was backed up");

        final int expectedBytes = sent * frame.capacity();
        fixture.awaitTrue(() ->
        {
            client.poll();
            return client.receivedBytes() >= expectedBytes && 1 == fixture.sink.frameCount;
        });
        assertEquals(Boolean.FALSE, fixture.sink.congestion.get(fixture.sink.congestion.size() - 1));
        assertEquals(1, fixture.poller().stats().connectionCount());
    }
}
