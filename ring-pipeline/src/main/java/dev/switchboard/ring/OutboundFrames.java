package dev.switchboard.ring;

import org.agrona.DirectBuffer;

/**
 * Where the pipeline's last stage hands frames for connections; the server routes them to the owning poller.
 */
public interface OutboundFrames
{
    /**
     * @return false when the poller's queue is full or the connection is gone; the frame was not taken.
     */
    boolean send(int pollerIndex, long connectionId, DirectBuffer buffer, int offset, int length);

    /**
     * As {@link #send}, for a frame wanted soon, not now (a delivery receipt): the edge may hold it a while for the
     * connection's next frame to take along. By default it goes as any other.
     *
     * @return false when the poller's queue is full or the connection is gone; the frame was not taken.
     */
    default boolean sendHeld(int pollerIndex, long connectionId, DirectBuffer buffer, int offset, int length)
    {
        return send(pollerIndex, connectionId, buffer, offset, length);
    }

    /**
     * Flush what is queued for the connection, then close it.
     */
    boolean close(int pollerIndex, long connectionId);
}
