package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The answer to the request, encoded in place by whichever stage decides it, sent by the delivery stage before the
 * flow's delivery step; and what to close afterwards.
 */
final class Reply
{
    final UnsafeBuffer buffer;
    /** Bytes of the encoded answer; 0: none. */
    int length;
    boolean closeAfterSend;
    /** The caller's device logged in again on this connection: close its older connection first. */
    boolean kick;
    int kickPollerIndex;
    long kickConnectionId;

    Reply(final int capacity)
    {
        buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RingEvent.align(capacity), 64));
    }

    void error(final FrameEncoders encoders, final InboundFrame frame, final ErrorCode code)
    {
        length = encoders.error(buffer, frame.requestId, frame.templateId, code);
    }

    void requestAck(final FrameEncoders encoders, final InboundFrame frame)
    {
        length = encoders.requestAck(buffer, frame.requestId, frame.templateId);
    }

    void kick(final int pollerIndex, final long connectionId)
    {
        kick = true;
        kickPollerIndex = pollerIndex;
        kickConnectionId = connectionId;
    }

    void reset()
    {
        length = 0;
        closeAfterSend = false;
        kick = false;
        kickPollerIndex = 0;
        kickConnectionId = 0;
    }
}
