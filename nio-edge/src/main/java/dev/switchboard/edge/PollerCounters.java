package dev.switchboard.edge;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * One poller's counters, labelled {@code "edge-poller-N: frames-in"} and so on. Only the poller's thread writes them,
 * with the release variants ({@code incrementRelease}, {@code getAndAddRelease}, {@code setRelease}): a plain
 * read-modify-write and an ordered store, no locked instruction, and a reader in another process sees whole values.
 */
final class PollerCounters implements AutoCloseable
{
    /** Label suffixes, in allocation order. */
    static final String[] LABELS =
    {
        "connections-open",
        "connections-opened",
        "connections-closed",
        "frames-in",
        "frames-out",
        "frames-rejected",
        "corrupt-streams",
        "reject-disconnects",
        "bytes-in",
        "bytes-out",
        "socket-writes",
        "sink-full",
        "slow-consumer-closes",
        "idle-closes",
        "pings-in",
        "pings-out",
        "congestions",
        "outbound-dropped",
        "errors",
        "login-timeouts",
        "frame-timeouts",
        "write-timeouts",
        "awaiting-login",
        "tls-handshakes",
        "tls-failures",
        "reply-waits-caught",
        "reply-waits-missed",
        "frames-held",
        "held-written-alone",
        "send-submissions",
    };

    /** Connections this poller holds now. */
    final AtomicCounter connectionsOpen;
    /** Connections handed to the sink as opened. */
    final AtomicCounter connectionsOpened;
    /** Connections closed for any reason. */
    final AtomicCounter connectionsClosed;
    /** Validated frames handed to the sink. */
    final AtomicCounter framesIn;
    /** Frames written or queued to sockets, Pings, Pongs and Errors included. */
    final AtomicCounter framesOut;
    /** Frames refused by validation and answered with an Error. */
    final AtomicCounter framesRejected;
    /** Streams that declared an impossible frame length and were closed. */
    final AtomicCounter corruptStreams;
    /** Connections closed for sending too many rejected frames. */
    final AtomicCounter rejectDisconnects;
    /** Bytes read from sockets. */
    final AtomicCounter bytesIn;
    /** Bytes written to sockets. */
    final AtomicCounter bytesOut;
    /** Write calls on sockets. */
    final AtomicCounter socketWrites;
    /** Times the sink refused an event, to be offered again. */
    final AtomicCounter sinkFull;
    /** Connections closed because their unwritten output passed the bound. */
    final AtomicCounter slowConsumerCloses;
    /** Connections closed after staying silent past the dead timeout. */
    final AtomicCounter idleCloses;
    /** Pings from clients, answered with a Pong. */
    final AtomicCounter pingsIn;
    /** Pings sent to silent connections. */
    final AtomicCounter pingsOut;
    /** Times a connection's unwritten output reached the high-water mark. */
    final AtomicCounter congestions;
    /** Outbound frames or closes for a connection that no longer exists. */
    final AtomicCounter outboundDropped;
    /** Unexpected failures contained to one connection. */
    final AtomicCounter errors;
    /** Connections closed for not logging in within the login or registration timeout. */
    final AtomicCounter loginTimeouts;
    /** Connections closed for leaving a frame partial past the frame timeout. */
    final AtomicCounter frameTimeouts;
    /** Connections closed because their socket took none of the waiting output within the write timeout. */
    final AtomicCounter writeTimeouts;
    /** Connections waiting to log in, set once per duty cycle. */
    final AtomicCounter awaitingLogin;
    /** TLS handshakes completed. */
    final AtomicCounter tlsHandshakes;
    /** TLS connections closed for input that is not TLS or a failed handshake (an untrusted or plaintext client). */
    final AtomicCounter tlsFailures;
    /** Waits for clients' answers ({@link ReplyWait}) that an answer ended while the poller polled: wake-ups saved. */
    final AtomicCounter replyWaitsCaught;
    /** Waits for clients' answers that outlasted the window, so the poller blocked. */
    final AtomicCounter replyWaitsMissed;
    /** Frames sent held (receipts) that waited for the connection's next frame. */
    final AtomicCounter framesHeld;
    /** Holds that ran out with nothing to ride with, so the held frames went alone. */
    final AtomicCounter heldWrittenAlone;
    /** io_uring submissions of socket writes ({@link BatchedSends}); socket-writes over this is the batch size. */
    final AtomicCounter sendSubmissions;

    private final CountersManager countersManager;
    private final AtomicCounter[] all;

    PollerCounters(final CountersManager countersManager, final int pollerIndex)
    {
        this.countersManager = countersManager;
        all = EdgeCounters.allocate(
            countersManager, EdgeCounters.POLLER_TYPE_ID, pollerIndex, "edge-poller-" + pollerIndex + ": ", LABELS);
        int i = 0;
        connectionsOpen = all[i++];
        connectionsOpened = all[i++];
        connectionsClosed = all[i++];
        framesIn = all[i++];
        framesOut = all[i++];
        framesRejected = all[i++];
        corruptStreams = all[i++];
        rejectDisconnects = all[i++];
        bytesIn = all[i++];
        bytesOut = all[i++];
        socketWrites = all[i++];
        sinkFull = all[i++];
        slowConsumerCloses = all[i++];
        idleCloses = all[i++];
        pingsIn = all[i++];
        pingsOut = all[i++];
        congestions = all[i++];
        outboundDropped = all[i++];
        errors = all[i++];
        loginTimeouts = all[i++];
        frameTimeouts = all[i++];
        writeTimeouts = all[i++];
        awaitingLogin = all[i++];
        tlsHandshakes = all[i++];
        tlsFailures = all[i++];
        replyWaitsCaught = all[i++];
        replyWaitsMissed = all[i++];
        framesHeld = all[i++];
        heldWrittenAlone = all[i++];
        sendSubmissions = all[i];
    }

    /** Free the counters in their manager; the last values stay readable here until the ids are reused. */
    public void close()
    {
        EdgeCounters.free(countersManager, all);
    }
}
