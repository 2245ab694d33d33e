package dev.switchboard.server;

import dev.switchboard.edge.Edge;
import dev.switchboard.edge.InboundFrameSink;
import dev.switchboard.ring.OutboundFrames;
import dev.switchboard.ring.RingPublisher;
import org.agrona.DirectBuffer;

/**
 * The two small interfaces that join the edge and the ring, which never import each other: inbound events from
 * pollers are published into the ring; outbound frames from the last stage go to the owning poller's queue.
 */
final class EdgeRingBridge implements InboundFrameSink, OutboundFrames
{
    private RingPublisher publisher;
    private Edge edge;

    void connect(final RingPublisher publisher, final Edge edge)
    {
        this.publisher = publisher;
        this.edge = edge;
    }

    public boolean onConnectionOpened(final int pollerIndex, final long connectionId, final long remoteAddress)
    {
        return publisher.publishOpened(pollerIndex, connectionId, remoteAddress);
    }

    public boolean onFrame(
        final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        return publisher.publishFrame(pollerIndex, connectionId, buffer, offset, length);
    }

    public boolean onConnectionClosed(final int pollerIndex, final long connectionId)
    {
        return publisher.publishClosed(pollerIndex, connectionId);
    }

    public boolean onOutputCongestion(final int pollerIndex, final long connectionId, final boolean congested)
    {
        return publisher.publishCongestion(pollerIndex, connectionId, congested);
    }

    public boolean send(
        final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        return edge.poller(pollerIndex).outbound().send(connectionId, buffer, offset, length);
    }

    public boolean sendHeld(
        final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        return edge.poller(pollerIndex).outbound().sendHeld(connectionId, buffer, offset, length);
    }

    public boolean close(final int pollerIndex, final long connectionId)
    {
        return edge.poller(pollerIndex).outbound().close(connectionId);
    }
}
