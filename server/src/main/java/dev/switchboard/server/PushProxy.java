package dev.switchboard.server;

import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.ring.CallPushGateway;
import dev.switchboard.ring.OfflineDeliveryListener;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;

/**
 * The delivery stage's side of the push queue: one bounded, allocation-free write of (user, device) per copy journaled
 * for an offline device; a full queue drops the request and counts it, never waits. The delivery stage is the only
 * writer; the {@link PushAgent} the only reader.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                            User Id                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           Device Id                           |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class PushProxy implements OfflineDeliveryListener, CallPushGateway
{
    static final int MSG_TYPE_ID = 1;
    /** A call rang a user none of whose devices is online: device id 0, every device with a token gets a call push. */
    static final int CALL_MSG_TYPE_ID = 2;
    static final int USER_ID_OFFSET = 0;
    static final int DEVICE_ID_OFFSET = USER_ID_OFFSET + Long.BYTES;
    static final int LENGTH = DEVICE_ID_OFFSET + Integer.BYTES;

    private final OneToOneRingBuffer queue;
    private final UnsafeBuffer request = new UnsafeBuffer(new byte[LENGTH]);
    private final AtomicCounter requested;
    private final AtomicCounter dropped;

    PushProxy(final OneToOneRingBuffer queue, final AtomicCounter requested, final AtomicCounter dropped)
    {
        this.queue = queue;
        this.requested = requested;
        this.dropped = dropped;
    }

    /** A queue of about the given bytes (rounded to a power of two) for requests. */
    static OneToOneRingBuffer newQueue(final int capacity)
    {
        final int length = Integer.highestOneBit(Math.max(1024, capacity - 1) << 1);
        final AtomicBuffer buffer = new UnsafeBuffer(
            ByteBuffer.allocateDirect(length + RingBufferDescriptor.TRAILER_LENGTH));
        return new OneToOneRingBuffer(buffer);
    }

    public void onOfflineDelivery(final long userId, final int deviceId)
    {
        offer(MSG_TYPE_ID, userId, deviceId);
    }

    /** The delivery stage (the call table's owner) is this queue's single writer for calls too. */
    public void offlineCallee(final long calleeUserId, final long callerUserId, final long callId, final CallMedia media)
    {
        offer(CALL_MSG_TYPE_ID, calleeUserId, 0);
    }

    private void offer(final int msgTypeId, final long userId, final int deviceId)
    {
        request.putLong(USER_ID_OFFSET, userId);
        request.putInt(DEVICE_ID_OFFSET, deviceId);
        if (queue.write(msgTypeId, request, 0, LENGTH))
        {
            requested.incrementRelease();
        }
        else
        {
            dropped.incrementRelease();
        }
    }
}
