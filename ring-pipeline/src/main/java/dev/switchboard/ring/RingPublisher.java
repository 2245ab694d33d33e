package dev.switchboard.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * How pollers and the ticker put work into the ring; safe from many threads. Every method returns false instead of
 * waiting when the ring (or the large-frame pool) is full, so a poller never blocks: it keeps the bytes and retries.
 */
public final class RingPublisher
{
    private static final long NOT_CLAIMED = -1;

    private final RingBuffer<RingEvent> ringBuffer;
    private final LargeFrameBufferPool largeFrames;
    private final RingCounters counters;
    private final int slotFrameLength;
    private final boolean stampFrames;

    RingPublisher(
        final RingBuffer<RingEvent> ringBuffer,
        final LargeFrameBufferPool largeFrames,
        final RingCounters counters,
        final int slotFrameLength,
        final boolean stampFrames)
    {
        this.stampFrames = stampFrames;
        this.ringBuffer = ringBuffer;
        this.largeFrames = largeFrames;
        this.counters = counters;
        this.slotFrameLength = slotFrameLength;
    }

    /**
     * Publish a validated frame, {@link dev.switchboard.codec.Sofh} header included.
     */
    public boolean publishFrame(
        final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        UnsafeBuffer large = null;
        if (length > slotFrameLength)
        {
            if (length > largeFrames.bufferLength() || null == (large = largeFrames.acquire()))
            {
                counters.incrementShared(RingCounters.LARGE_FRAME_POOL_EMPTY);
                return false;
            }
        }

        final long sequence = claim();
        if (NOT_CLAIMED == sequence)
        {
            if (null != large)
            {
                largeFrames.release(large);
            }
            return false;
        }

        final RingEvent event = ringBuffer.get(sequence);
        event.reset(RingEvent.KIND_FRAME, pollerIndex, connectionId);
        event.frame.copy(large, buffer, offset, length);
        // for the send-to-deliver histogram: when the edge handed the frame over, on the real clock
        event.frame.publishedNs = stampFrames ? System.nanoTime() : 0;
        ringBuffer.publish(sequence);
        return true;
    }

    public boolean publishOpened(final int pollerIndex, final long connectionId, final long remoteAddress)
    {
        final long sequence = claim();
        if (NOT_CLAIMED == sequence)
        {
            return false;
        }
        final RingEvent event = ringBuffer.get(sequence);
        event.reset(RingEvent.KIND_OPENED, pollerIndex, connectionId);
        event.remoteAddress = remoteAddress;
        ringBuffer.publish(sequence);
        return true;
    }

    public boolean publishClosed(final int pollerIndex, final long connectionId)
    {
        return publishControl(RingEvent.KIND_CLOSED, pollerIndex, connectionId);
    }

    /**
     * The connection's output is backing up (pause deliveries to it) or has drained (resume).
     */
    public boolean publishCongestion(final int pollerIndex, final long connectionId, final boolean congested)
    {
        final long sequence = claim();
        if (NOT_CLAIMED == sequence)
        {
            return false;
        }
        final RingEvent event = ringBuffer.get(sequence);
        event.reset(RingEvent.KIND_CONGESTION, pollerIndex, connectionId);
        event.congested = congested;
        ringBuffer.publish(sequence);
        return true;
    }

    /**
     * The verdict on a login proof, from the {@link LoginVerifierAgent}'s thread.
     */
    boolean publishLoginVerdict(final LoginCheck check)
    {
        final long sequence = claim();
        if (NOT_CLAIMED == sequence)
        {
            return false;
        }
        final RingEvent event = ringBuffer.get(sequence);
        event.reset(RingEvent.KIND_LOGIN_VERDICT, check.pollerIndex, check.connectionId);
        event.loginCheck = check;
        ringBuffer.publish(sequence);
        return true;
    }

    /**
     * Housekeeping: code expiry, journal expiry, stuck readers. The server publishes one every few hundred ms.
     */
    public boolean publishTick()
    {
        return publishControl(RingEvent.KIND_TICK, -1, 0);
    }

    private boolean publishControl(final int kind, final int pollerIndex, final long connectionId)
    {
        final long sequence = claim();
        if (NOT_CLAIMED == sequence)
        {
            return false;
        }
        ringBuffer.get(sequence).reset(kind, pollerIndex, connectionId);
        ringBuffer.publish(sequence);
        return true;
    }

    /**
     * A slot to fill and publish, or {@link #NOT_CLAIMED} when the ring is full (counted).
     */
    private long claim()
    {
        try
        {
            return ringBuffer.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            counters.incrementShared(RingCounters.RING_FULL);
            return NOT_CLAIMED;
        }
    }
}
