package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;

import java.util.concurrent.TimeUnit;

/**
 * The ring as {@link RingPipeline} builds it (slots, multi-producer sequencer, wait strategy, {@link RingPublisher})
 * with one counting consumer in place of the stages, so a benchmark measures the hand-off alone. It sits in the
 * ring's package because the event and the publisher's constructor are package-private.
 */
public final class RingBenchFixture implements AutoCloseable
{
    private final Disruptor<RingEvent> disruptor;
    private final RingBuffer<RingEvent> ringBuffer;
    private final RingPublisher publisher;
    private final CountingHandler handler = new CountingHandler();

    /**
     * Ring size, slot and large-frame settings from {@link RingContext}'s defaults; the consumer thread starts here.
     */
    public RingBenchFixture(final String waitStrategy)
    {
        final RingContext ctx = new RingContext().waitStrategy(waitStrategy);
        final LargeFrameBufferPool largeFrames =
            new LargeFrameBufferPool(ctx.largeFrameBuffers(), ctx.maxFrameLength());
        disruptor = RingPipeline.newDisruptor(ctx);
        disruptor.handleEventsWith(handler);
        ringBuffer = disruptor.getRingBuffer();
        publisher = new RingPublisher(ringBuffer, largeFrames, new RingCounters(), ctx.slotFrameLength(), false);
        disruptor.start();
    }

    public RingPublisher publisher()
    {
        return publisher;
    }

    /**
     * The highest sequence claimed; with one publishing thread, the one it last published.
     */
    public long publishedSequence()
    {
        return ringBuffer.getCursor();
    }

    /**
     * The highest sequence the consumer has finished with.
     */
    public long consumedSequence()
    {
        return ringBuffer.getMinimumGatingSequence();
    }

    /**
     * Frames the consumer took; read it after {@link #close()}.
     */
    public long framesConsumed()
    {
        return handler.frames;
    }

    public int ringSize()
    {
        return ringBuffer.getBufferSize();
    }

    /**
     * Let the consumer drain what is published, then stop it.
     */
    public void close()
    {
        try
        {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        }
        catch (final TimeoutException ex)
        {
            disruptor.halt();
        }
    }

    /**
     * Counts frames and reads the slot's header fields, as the first stage would before decoding.
     */
    static final class CountingHandler implements EventHandler<RingEvent>
    {
        long frames;
        long bytes;

        public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
        {
            if (RingEvent.KIND_FRAME == event.kind)
            {
                frames++;
                bytes += event.frame.buffer.capacity();
            }
        }
    }
}
