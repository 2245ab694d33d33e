/**
 * The network edge: an {@link dev.switchboard.edge.EdgeAcceptor} deals accepted sockets to
 * {@link dev.switchboard.edge.EdgePoller}s, each a selector thread that cuts and validates inbound frames into an
 * {@link dev.switchboard.edge.InboundFrameSink} and writes the frames other threads queue through its
 * {@link dev.switchboard.edge.EdgeOutbound}. {@link dev.switchboard.edge.Edge} builds and runs them from an
 * {@link dev.switchboard.edge.EdgeContext}.
 */
package dev.switchboard.edge;
