package dev.switchboard.edge;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Per-connection state, kept tiny for density: primitives and references only, buffers borrowed from pools
 * only while a partial frame, unpublished frames or unwritten output exist.
 */
final class Connection
{
    static final int PING_SENT = 1;
    static final int CLOSE_AFTER_FLUSH = 2;
    static final int INBOUND_STALLED = 4;
    static final int CLOSED = 8;
    static final int CONGESTED = 16;
    static final int CONGESTION_NOTICE_PENDING = 32;
    /** The server sent this connection a LoginAck: the login deadline no longer applies. */
    static final int LOGGED_IN = 64;
    /** The connection had its one registration window (after a RegisterAck); another Register does not renew it. */
    static final int REGISTRATION_WINDOW_USED = 128;
    /** The connection is in its poller's list of stalled input to retry: membership without a scan of the list. */
    static final int STALLED_LISTED = 256;

    final long id;
    final SocketChannel channel;
    /** The socket's descriptor for {@link BatchedSends}, or {@link SocketDescriptors#UNKNOWN} when they are off. */
    int fd = SocketDescriptors.UNKNOWN;
    SelectionKey key;
    long lastReceiveNs;
    Chunk inbound;
    Chunk outboundHead;
    Chunk outboundTail;
    int pendingWriteBytes;
    int rejects;
    int flags;
    int stagedEntry = OutboundStaging.NONE;
    /** The slot of frames held back to ride with the next frame ({@link HeldFrames}), or none. */
    int heldSlot = HeldFrames.NONE;
    /** Login or registration deadline until logged in, then null so a logged-in connection does not keep it. */
    DeadlineQueue.Entry loginDeadline;
    /** Deadline for the partial frame held in {@link #inbound}; created on the first partial frame. */
    DeadlineQueue.Entry frameDeadline;
    /** Deadline for the socket to take some of the unwritten output; created on the first backlog. */
    DeadlineQueue.Entry writeDeadline;
    /** When the idle check next looks at this connection's silence; queued while the connection is open. */
    DeadlineQueue.Entry idleCheck;
    /** When the held frames go out alone if no other frame has taken them; created on the first hold. */
    DeadlineQueue.Entry heldDeadline;
    /** TLS engine and buffers; null on a plaintext port, so plaintext connections pay one null check. */
    TlsSession tls;

    Connection(final long id, final SocketChannel channel, final long nowNs)
    {
        this.id = id;
        this.channel = channel;
        this.lastReceiveNs = nowNs;
    }

    boolean is(final int flag)
    {
        return (flags & flag) != 0;
    }

    void set(final int flag)
    {
        flags |= flag;
    }

    void clear(final int flag)
    {
        flags &= ~flag;
    }

    void addInterest(final int op)
    {
        if (null != key && key.isValid())
        {
            key.interestOps(key.interestOps() | op);
        }
    }

    void removeInterest(final int op)
    {
        if (null != key && key.isValid())
        {
            key.interestOps(key.interestOps() & ~op);
        }
    }
}
