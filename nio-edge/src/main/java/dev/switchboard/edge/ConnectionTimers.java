package dev.switchboard.edge;

import dev.switchboard.codec.sbe.ErrorCode;
import org.agrona.concurrent.CachedNanoClock;

import java.nio.charset.StandardCharsets;

/**
 * A poller's timed duties: a Ping to a connection silent past the idle timeout and a close past the dead timeout,
 * and what happens when a login, registration, frame, write or hold deadline expires.
 */
final class ConnectionTimers
{
    /** Deadlines handled per cycle, so a mass expiry (a flood of idle connections) is spread over cycles. */
    private static final int MAX_EXPIRIES_PER_CYCLE = 256;
    private static final byte[] LOGIN_TIMEOUT_DETAIL = "login timeout".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FRAME_TIMEOUT_DETAIL = "frame timeout".getBytes(StandardCharsets.US_ASCII);

    private final CachedNanoClock clock;
    private final ConnectionDeadlines deadlines;
    private final ConnectionLifecycle lifecycle;
    private final ControlFrames controls;
    private final OutboundWriter writer;
    private final PollerCounters counters;
    private final long idleTimeoutNs;
    private final long deadTimeoutNs;

    ConnectionTimers(
        final EdgeContext ctx,
        final CachedNanoClock clock,
        final ConnectionDeadlines deadlines,
        final ConnectionLifecycle lifecycle,
        final ControlFrames controls,
        final OutboundWriter writer,
        final PollerCounters counters)
    {
        this.writer = writer;
        this.clock = clock;
        this.deadlines = deadlines;
        this.lifecycle = lifecycle;
        this.controls = controls;
        this.counters = counters;
        this.idleTimeoutNs = ctx.idleTimeoutNs();
        this.deadTimeoutNs = ctx.deadTimeoutNs();
    }

    /** Time until the next idle check or deadline, for how long the poller may sleep. */
    long nextWakeInNs()
    {
        final long nowNs = clock.nanoTime();

        return deadlines.nextDeadlineNs(nowNs) - nowNs;
    }

    /**
     * Look at the silence of the connections due for it (at most {@link #MAX_EXPIRIES_PER_CYCLE} a cycle): a Ping past
     * the idle timeout, a close past the dead timeout. Each goes back in the queue for its next look.
     */
    int checkIdle()
    {
        final long nowNs = clock.nanoTime();
        int checked = 0;
        int workCount = 0;
        DeadlineQueue.Entry entry;
        while (checked < MAX_EXPIRIES_PER_CYCLE && null != (entry = deadlines.idle.pollExpired(nowNs)))
        {
            checked++;
            final Connection connection = entry.connection;
            workCount += checkSilence(connection, nowNs);
            if (!connection.is(Connection.CLOSED))
            {
                deadlines.idle.schedule(entry, nowNs);
            }
        }

        return workCount;
    }

    private int checkSilence(final Connection connection, final long nowNs)
    {
        if (connection.is(Connection.INBOUND_STALLED | Connection.CONGESTED))
        {
            // The edge stopped reading (ring full, or the client's output backed up; the write deadline watches
            // that one), not the client: silence is ours.
            connection.lastReceiveNs = nowNs;
            return 0;
        }
        final long silentNs = nowNs - connection.lastReceiveNs;
        if (silentNs >= deadTimeoutNs)
        {
            counters.idleCloses.incrementRelease();
            lifecycle.close(connection);
            return 1;
        }
        if (silentNs >= idleTimeoutNs && !connection.is(Connection.PING_SENT))
        {
            connection.set(Connection.PING_SENT);
            counters.pingsOut.incrementRelease();
            controls.sendPing(connection);
            return 1;
        }

        return 0;
    }

    /**
     * Stage the frames whose hold ran out, to go out with this cycle's other output after what the outbound ring
     * brought: written before the ring's stages run, each would be a write the frames just read wait behind.
     */
    int stageExpiredHolds()
    {
        final long nowNs = clock.nanoTime();
        int expired = 0;
        DeadlineQueue.Entry entry;
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = deadlines.held.pollExpired(nowNs)))
        {
            expired++;
            writer.stageHeldAlone(entry.connection);
        }

        return expired;
    }

    int checkDeadlines()
    {
        final long nowNs = clock.nanoTime();
        int expired = 0;
        DeadlineQueue.Entry entry;
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = deadlines.login.pollExpired(nowNs)))
        {
            expired++;
            onLoginTimeout(entry.connection);
        }
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = deadlines.registration.pollExpired(nowNs)))
        {
            expired++;
            onLoginTimeout(entry.connection);
        }
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = deadlines.frame.pollExpired(nowNs)))
        {
            expired++;
            final Connection connection = entry.connection;
            if (!connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH))
            {
                counters.frameTimeouts.incrementRelease();
                controls.sendError(connection, ErrorCode.MALFORMED_FRAME, FRAME_TIMEOUT_DETAIL);
                lifecycle.closeAfterFlush(connection);
            }
        }
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = deadlines.write.pollExpired(nowNs)))
        {
            expired++;
            // The peer reads nothing: an Error would only join the output it ignores.
            counters.writeTimeouts.incrementRelease();
            lifecycle.close(entry.connection);
        }
        deadlines.updateAwaitingLoginCounter();

        return expired;
    }

    private void onLoginTimeout(final Connection connection)
    {
        if (!connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH | Connection.LOGGED_IN))
        {
            counters.loginTimeouts.incrementRelease();
            controls.sendError(connection, ErrorCode.NOT_AUTHENTICATED, LOGIN_TIMEOUT_DETAIL);
            lifecycle.closeAfterFlush(connection);
        }
    }
}
