package dev.switchboard.edge;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Runs a small ring buffer around its end a few thousand times at start, so that the branches a poller's outbound ring
 * takes only when it wraps (the claim that pads to the end, the read that skips the padding) have been seen before
 * the compiler sees the hot path. Left untaken, they are compiled as traps: at a low rate the first wrap comes tens of
 * seconds in, and throws the whole flush-and-select path back to slower code, recompiled on the server's own CPU.
 * Branch profiles belong to the method, not the instance, so a scratch ring trains the real ones.
 */
final class OutboundRingTraining
{
    private static final int CAPACITY = 1024;
    private static final int CLAIMS = 20_000;
    private static final int CLAIMS_PER_READ = 3;
    private static final MessageHandler DISCARD = OutboundRingTraining::discard;

    private OutboundRingTraining()
    {
    }

    /** Train once per JVM; later calls return at once. */
    static void ensureTrained()
    {
        Once.trained();
    }

    /** @return claims that wrapped around the end; the test of this class checks there were many. */
    static int train()
    {
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH)));
        int wraps = 0;
        long lastTail = 0;
        for (int i = 0; i < CLAIMS; i++)
        {
            // Lengths that do not divide the capacity, so claims land at every offset and some must pad.
            final int length = EdgeContext.OUTBOUND_HEADER_LENGTH + 8 + i % 89;
            final int index = ring.tryClaim(EdgeOutbound.FRAME_MSG_TYPE_ID, length);
            if (index >= 0)
            {
                ring.buffer().putLong(index, i);
                ring.commit(index);
                final long tail = ring.producerPosition();
                if (tail / CAPACITY != lastTail / CAPACITY)
                {
                    wraps++;
                }
                lastTail = tail;
            }
            if (0 == i % CLAIMS_PER_READ)
            {
                ring.read(DISCARD);
                ring.read(DISCARD);
            }
        }

        return wraps;
    }

    private static void discard(
        final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
    }

    private static final class Once
    {
        static
        {
            train();
        }

        static void trained()
        {
        }
    }
}
