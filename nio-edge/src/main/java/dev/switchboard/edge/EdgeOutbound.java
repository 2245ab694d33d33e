package dev.switchboard.edge;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Proxy through which any thread hands outbound frames to one poller. Thread safe: several ring stages may call
 * it at once. Each record in the poller's ring buffer is the connection id followed by a whole frame.
 * <pre>
 *  +-------------------------------+----------------------------------------------+
 *  | connection id (8 bytes, LE)   | frame, Sofh header included                  |
 *  +-------------------------------+----------------------------------------------+
 * </pre>
 */
public final class EdgeOutbound
{
    static final int FRAME_MSG_TYPE_ID = 1;
    static final int CLOSE_MSG_TYPE_ID = 2;
    /** A frame the poller may hold back a while to ride with the next frame to the connection ({@link HeldFrames}). */
    static final int HELD_FRAME_MSG_TYPE_ID = 3;

    private final ManyToOneRingBuffer ringBuffer;
    private final AtomicBuffer buffer;
    private final int maxFrameLength;
    /** {@link #HELD_FRAME_MSG_TYPE_ID}, or {@link #FRAME_MSG_TYPE_ID} when the poller holds nothing back. */
    private final int heldFrameMsgTypeId;
    private final EdgePoller poller;

    EdgeOutbound(
        final ManyToOneRingBuffer ringBuffer, final int maxFrameLength, final boolean holds, final EdgePoller poller)
    {
        this.ringBuffer = ringBuffer;
        this.buffer = ringBuffer.buffer();
        this.maxFrameLength = maxFrameLength;
        this.heldFrameMsgTypeId = holds ? HELD_FRAME_MSG_TYPE_ID : FRAME_MSG_TYPE_ID;
        this.poller = poller;
    }

    /**
     * Queue a whole frame for a connection; false when the ring is full or the frame is too long.
     */
    public boolean send(final long connectionId, final DirectBuffer frame, final int offset, final int length)
    {
        return send(FRAME_MSG_TYPE_ID, connectionId, frame, offset, length);
    }

    /**
     * As {@link #send}, for a frame wanted soon, not now (a delivery receipt): the poller may hold it up to its receipt
     * hold ({@code switchboard.edge.receipt.hold}) for the next frame to the connection to take it along.
     */
    public boolean sendHeld(final long connectionId, final DirectBuffer frame, final int offset, final int length)
    {
        return send(heldFrameMsgTypeId, connectionId, frame, offset, length);
    }

    private boolean send(
        final int msgTypeId, final long connectionId, final DirectBuffer frame, final int offset, final int length)
    {
        final int index = tryClaim(msgTypeId, connectionId, length);
        if (index < 0)
        {
            return false;
        }
        buffer.putBytes(index, frame, offset, length);
        commit(index);
        return true;
    }

    /**
     * Ask the poller to flush what is queued for the connection and then close it; false when the ring is full.
     */
    public boolean close(final long connectionId)
    {
        final int index = ringBuffer.tryClaim(CLOSE_MSG_TYPE_ID, EdgeContext.OUTBOUND_HEADER_LENGTH);
        if (index < 0)
        {
            return false;
        }
        buffer.putLong(index, connectionId);
        ringBuffer.commit(index);
        poller.wakeIfSleeping();
        return true;
    }

    /**
     * Claim room for a frame of {@code frameLength} bytes to be encoded in place in {@link #buffer()}.
     *
     * @return the offset in {@link #buffer()} at which to write the frame, or a negative value when full.
     */
    public int tryClaim(final long connectionId, final int frameLength)
    {
        return tryClaim(FRAME_MSG_TYPE_ID, connectionId, frameLength);
    }

    private int tryClaim(final int msgTypeId, final long connectionId, final int frameLength)
    {
        if (frameLength <= 0 || frameLength > maxFrameLength)
        {
            return RingBuffer.INSUFFICIENT_CAPACITY;
        }
        final int index = ringBuffer.tryClaim(msgTypeId, EdgeContext.OUTBOUND_HEADER_LENGTH + frameLength);
        if (index < 0)
        {
            return index;
        }
        buffer.putLong(index, connectionId);
        return index + EdgeContext.OUTBOUND_HEADER_LENGTH;
    }

    /** The buffer claimed frames are written into. */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** Publish a frame claimed at {@code frameOffset}; it must be exactly as long as claimed. */
    public void commit(final int frameOffset)
    {
        ringBuffer.commit(frameOffset - EdgeContext.OUTBOUND_HEADER_LENGTH);
        poller.wakeIfSleeping();
    }

    /** Give back a claim without sending anything. */
    public void abort(final int frameOffset)
    {
        ringBuffer.abort(frameOffset - EdgeContext.OUTBOUND_HEADER_LENGTH);
    }

    /** Bytes queued and not yet drained by the poller. */
    public int backlogBytes()
    {
        return ringBuffer.size();
    }

    /** Largest frame {@link #send} or {@link #tryClaim} accept. */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }
}
