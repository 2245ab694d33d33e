package dev.switchboard.edge;

/**
 * A read-only view of one poller's counters and pools. The counters are read from any thread; the pool and queue
 * sizes are the poller thread's own figures, exact only on that thread or once it has stopped.
 */
public final class PollerStats
{
    private final PollerCounters counters;
    private final ConnectionLifecycle lifecycle;
    private final ConnectionDeadlines deadlines;
    private final InboundChunks inboundChunks;
    private final ChunkPool outboundPool;
    private final HeldFrames held;
    private final TlsTransport tls;

    PollerStats(
        final PollerCounters counters,
        final ConnectionLifecycle lifecycle,
        final ConnectionDeadlines deadlines,
        final InboundChunks inboundChunks,
        final ChunkPool outboundPool,
        final HeldFrames held,
        final TlsTransport tls)
    {
        this.held = held;
        this.counters = counters;
        this.lifecycle = lifecycle;
        this.deadlines = deadlines;
        this.inboundChunks = inboundChunks;
        this.outboundPool = outboundPool;
        this.tls = tls;
    }

    /** Connections this poller holds now. */
    public int connectionCount()
    {
        return (int)counters.connectionsOpen.get();
    }

    /** Connections handed to the sink as opened. */
    public long connectionsOpened()
    {
        return counters.connectionsOpened.get();
    }

    /** Connections closed for any reason. */
    public long connectionsClosed()
    {
        return counters.connectionsClosed.get();
    }

    /** Validated frames handed to the sink. */
    public long framesIn()
    {
        return counters.framesIn.get();
    }

    /** Frames written or queued to sockets, Pings, Pongs and Errors included. */
    public long framesOut()
    {
        return counters.framesOut.get();
    }

    /** Frames refused by validation and answered with an Error. */
    public long framesRejected()
    {
        return counters.framesRejected.get();
    }

    /** Streams that declared an impossible frame length and were closed. */
    public long corruptStreams()
    {
        return counters.corruptStreams.get();
    }

    /** Connections closed for sending too many rejected frames. */
    public long rejectDisconnects()
    {
        return counters.rejectDisconnects.get();
    }

    /** Bytes read from sockets. */
    public long bytesIn()
    {
        return counters.bytesIn.get();
    }

    /** Write calls on sockets: fewer than {@link #framesOut()} when frames for a connection are coalesced. */
    public long socketWrites()
    {
        return counters.socketWrites.get();
    }

    /** Bytes written to sockets. */
    public long bytesOut()
    {
        return counters.bytesOut.get();
    }

    /** Times the sink refused an event, to be offered again. */
    public long sinkFull()
    {
        return counters.sinkFull.get();
    }

    /** Connections closed because their unwritten output passed the bound. */
    public long slowConsumerCloses()
    {
        return counters.slowConsumerCloses.get();
    }

    /** Connections closed after staying silent past the dead timeout. */
    public long idleCloses()
    {
        return counters.idleCloses.get();
    }

    /** Pings from clients, answered with a Pong. */
    public long pingsIn()
    {
        return counters.pingsIn.get();
    }

    /** Pings sent to silent connections. */
    public long pingsOut()
    {
        return counters.pingsOut.get();
    }

    /** Times a connection's unwritten output reached the high-water mark. */
    public long congestions()
    {
        return counters.congestions.get();
    }

    /** Outbound frames or closes for a connection that no longer exists. */
    public long outboundDropped()
    {
        return counters.outboundDropped.get();
    }

    /** Connections told NOT_AUTHENTICATED and closed for not logging in within the login or registration timeout. */
    public long loginTimeouts()
    {
        return counters.loginTimeouts.get();
    }

    /** Connections told MALFORMED_FRAME and closed for leaving a frame partial past the frame timeout. */
    public long frameTimeouts()
    {
        return counters.frameTimeouts.get();
    }

    /** Connections closed because their socket took none of the waiting output within the write timeout. */
    public long writeTimeouts()
    {
        return counters.writeTimeouts.get();
    }

    /** Unexpected failures contained to one connection. */
    public long errors()
    {
        return counters.errors.get();
    }

    /** Open connections queued for their next idle check; read on the poller's own thread. */
    int idleChecksQueued()
    {
        return deadlines.idle.size();
    }

    /** Connections waiting to log in (login or registration deadline running), as of the last duty cycle. */
    public int awaitingLogin()
    {
        return (int)counters.awaitingLogin.get();
    }

    /** Close notices the sink has not yet taken. */
    public int pendingCloseNotices()
    {
        return lifecycle.pendingCloseNotices();
    }

    /** TLS handshakes completed. */
    public long tlsHandshakes()
    {
        return counters.tlsHandshakes.get();
    }

    /** TLS connections closed for input that is not TLS or a failed handshake. */
    public long tlsFailures()
    {
        return counters.tlsFailures.get();
    }

    /** TLS connections this poller holds now (engines alive), 0 on a plaintext port. */
    public int tlsSessions()
    {
        return null == tls ? 0 : tls.sessions();
    }

    /** TLS buffers lent to connections now, 0 on a plaintext port. */
    public int borrowedTlsBuffers()
    {
        return null == tls ? 0 : tls.borrowedBuffers();
    }

    /** Pooled buffers lent to connections now, inbound and outbound. */
    public int borrowedChunks()
    {
        return inboundChunks.borrowed() + outboundPool.borrowed();
    }

    /** Frames sent held (receipts) that waited for their connection's next frame. */
    public long framesHeld()
    {
        return counters.framesHeld.get();
    }

    /** Holds that ran out with nothing to ride with, so their frames went alone. */
    public long heldWrittenAlone()
    {
        return counters.heldWrittenAlone.get();
    }

    /** Connections holding frames now. */
    public int holdingConnections()
    {
        return held.holding();
    }
}
