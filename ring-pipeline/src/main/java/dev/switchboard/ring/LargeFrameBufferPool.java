package dev.switchboard.ring;

import org.agrona.BufferUtil;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Buffers for the rare frame larger than a ring slot, so slots stay small. Producers (pollers) take one, the last
 * stage gives it back. When none is free the publish fails and the poller retries later: back-pressure, not growth.
 */
final class LargeFrameBufferPool
{
    private final ManyToManyConcurrentArrayQueue<UnsafeBuffer> free;
    private final int bufferLength;

    LargeFrameBufferPool(final int count, final int bufferLength)
    {
        this.bufferLength = bufferLength;
        free = new ManyToManyConcurrentArrayQueue<>(Math.max(2, count));
        for (int i = 0; i < count; i++)
        {
            free.offer(new UnsafeBuffer(BufferUtil.allocateDirectAligned((bufferLength + 63) & ~63, 64)));
        }
    }

    UnsafeBuffer acquire()
    {
        return free.poll();
    }

    void release(final UnsafeBuffer buffer)
    {
        free.offer(buffer);
    }

    int bufferLength()
    {
        return bufferLength;
    }
}
