package dev.switchboard.edge;

import org.agrona.DirectBuffer;

/**
 * Where pollers hand connection events and validated frames; the server publishes them into the ring.
 * Every method returns false when the ring is full: the poller keeps the event and offers it again later, so
 * nothing is lost and TCP pushes back on the client. Every opened connection gets exactly one closed notice.
 */
public interface InboundFrameSink
{
    /**
     * A connection was accepted.
     *
     * @param remoteAddress the peer's IPv4 address in the low 32 bits, 0 when not IPv4.
     */
    boolean onConnectionOpened(int pollerIndex, long connectionId, long remoteAddress);

    /**
     * A validated whole frame, {@link dev.switchboard.codec.Sofh} header included, valid only during the call.
     */
    boolean onFrame(int pollerIndex, long connectionId, DirectBuffer buffer, int offset, int length);

    /**
     * The connection is gone; no frame for it follows.
     */
    boolean onConnectionClosed(int pollerIndex, long connectionId);

    /**
     * The connection's unwritten output crossed the high-water mark ({@code congested}) or drained below half of
     * it: pause deliveries to it, and resume. Reports the current state; a refused notice is offered again with
     * the state at that time. No notice follows the closed one.
     */
    default boolean onOutputCongestion(final int pollerIndex, final long connectionId, final boolean congested)
    {
        return true;
    }
}
