package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundStagingTest
{
    private final OutboundStaging staging = new OutboundStaging(1024);
    private final Connection first = new Connection(1, null, 0);
    private final Connection second = new Connection(2, null, 0);

    @Test
    void shouldGroupInterleavedFramesByConnectionInOrder()
    {
        stage(first, "a1");
        stage(second, "b1");
        stage(first, "a2");
        stage(second, "b2");
        stage(first, "a3");

        assertEquals(2, staging.entryCount());
        assertSame(first, staging.connection(0));
        assertSame(second, staging.connection(1));
        assertEquals("a1a2a3", gathered(0));
        assertEquals("b1b2", gathered(1));
    }

    @Test
    void shouldLendASingleFrameWithoutCopying()
    {
        stage(first, "x");
        stage(second, "yy");

        assertEquals("yy", gathered(1));
        assertEquals("x", gathered(0));
        assertEquals(8, staging.gatheredOffset(), "a lone frame is written from where it was staged");
    }

    @Test
    void shouldForgetConnectionsOnClear()
    {
        stage(first, "a");
        stage(first, "b");
        staging.clear();

        assertTrue(staging.isEmpty());
        assertEquals(OutboundStaging.NONE, first.stagedEntry);
        stage(second, "c");
        stage(first, "d");
        assertSame(second, staging.connection(0));
        assertEquals("d", gathered(1));
    }

    @Test
    void shouldSayWhenAFrameNoLongerFits()
    {
        final int capacity = 256 * 1024;
        final byte[] frame = new byte[1016];
        int staged = 0;
        while (staging.hasRoomFor(frame.length))
        {
            staging.stage(0 == (staged & 1) ? first : second, new UnsafeBuffer(frame), 0, frame.length);
            staged++;
        }
        assertEquals(capacity / (frame.length + 8), staged);
        assertFalse(staging.hasRoomFor(frame.length));
        assertEquals(frame.length * (staged / 2), staging.gather(0));
    }

    @Test
    void shouldGrowPastItsInitialConnectionTable()
    {
        final Connection[] connections = new Connection[200];
        for (int i = 0; i < connections.length; i++)
        {
            connections[i] = new Connection(i, null, 0);
            stage(connections[i], "f" + i);
        }
        for (int i = 0; i < connections.length; i++)
        {
            stage(connections[i], "g" + i);
        }
        assertEquals(connections.length, staging.entryCount());
        assertEquals("f150g150", gathered(150));
    }

    private void stage(final Connection connection, final String frame)
    {
        final byte[] bytes = frame.getBytes();
        staging.stage(connection, new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private String gathered(final int entry)
    {
        final int length = staging.gather(entry);
        final byte[] bytes = new byte[length];
        staging.gathered().getBytes(staging.gatheredOffset(), bytes);
        assertArrayEquals(bytes, bytes(staging.gatheredByteBuffer(), staging.gatheredOffset(), length));
        return new String(bytes);
    }

    private static byte[] bytes(final java.nio.ByteBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.duplicate().position(offset).get(bytes);
        return bytes;
    }
}
