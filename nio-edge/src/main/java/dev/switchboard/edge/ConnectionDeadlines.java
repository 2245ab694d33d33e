package dev.switchboard.edge;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.LinkPendingDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.RegisterAckDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteOrder;

/**
 * One poller's deadline queues (login, registration, partial frame, write) and the rules for when each starts, restarts
 * and stops; {@link ConnectionTimers} acts on what expires.
 */
final class ConnectionDeadlines
{
    private static final int TEMPLATE_ID_OFFSET = Sofh.HEADER_LENGTH + MessageHeaderDecoder.templateIdEncodingOffset();

    final DeadlineQueue login;
    final DeadlineQueue registration;
    final DeadlineQueue frame;
    final DeadlineQueue write;
    /** Held frames ({@link HeldFrames}) go out alone at this deadline when no other frame took them first. */
    final DeadlineQueue held;
    /**
     * Each open connection, due for a look at its silence every quarter of the shorter of the idle timeout and the
     * dead timeout's remainder: a Ping or a close is then at most that late, and no cycle walks every connection.
     */
    final DeadlineQueue idle;
    /**
     * A hold running out wakes a sleeping poller no sooner than this from now (a quarter of the hold). With hundreds of
     * connections holding, one runs out every few milliseconds, and a selector sleeping that briefly makes each sleep
     * and wake reprogram the CPU's timer, which a virtual machine pays dearly for; a receipt may wait a little longer.
     */
    private final long heldWakeSlackNs;
    private final CachedNanoClock clock;
    private final AtomicCounter awaitingLogin;

    ConnectionDeadlines(final EdgeContext ctx, final CachedNanoClock clock, final AtomicCounter awaitingLogin)
    {
        this.clock = clock;
        this.awaitingLogin = awaitingLogin;
        login = new DeadlineQueue(ctx.loginTimeoutNs());
        registration = new DeadlineQueue(ctx.registrationTimeoutNs());
        frame = new DeadlineQueue(ctx.frameTimeoutNs());
        write = new DeadlineQueue(ctx.writeTimeoutNs());
        held = new DeadlineQueue(Math.max(1, ctx.receiptHoldNs()));
        heldWakeSlackNs = ctx.receiptHoldNs() / 4;
        idle = new DeadlineQueue(
            Math.max(1, Math.min(ctx.idleTimeoutNs(), ctx.deadTimeoutNs() - ctx.idleTimeoutNs()) / 4));
    }

    /** A new connection joins the idle checks. */
    void startIdleChecks(final Connection connection)
    {
        connection.idleCheck = new DeadlineQueue.Entry(connection);
        idle.schedule(connection.idleCheck, clock.nanoTime());
    }

    /** The login deadline runs from when the connection is served, so one held back by a full ring is not cut short. */
    void startLogin(final Connection connection)
    {
        connection.loginDeadline = new DeadlineQueue.Entry(connection);
        login.schedule(connection.loginDeadline, clock.nanoTime());
    }

    /**
     * The edge learns of logins from what the server answers: a LoginAck ends the login deadline; the first RegisterAck
     * or LinkPending opens the registration window (a person has to read the texted code, or approve the link on the
     * primary); a VerifyAck gives a fresh login timeout to log in with the new device.
     */
    void onPreLoginAnswer(
        final Connection connection, final DirectBuffer buffer, final int frameOffset, final int frameLength)
    {
        if (frameLength < TEMPLATE_ID_OFFSET + Short.BYTES)
        {
            return;
        }
        final int templateId = buffer.getShort(frameOffset + TEMPLATE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final DeadlineQueue.Entry entry = connection.loginDeadline;
        switch (templateId)
        {
            case LoginAckDecoder.TEMPLATE_ID:
                connection.set(Connection.LOGGED_IN);
                remove(entry);
                connection.loginDeadline = null;
                break;

            case RegisterAckDecoder.TEMPLATE_ID:
            case LinkPendingDecoder.TEMPLATE_ID: // a person confirms the link on the primary
                if (!connection.is(Connection.REGISTRATION_WINDOW_USED) && null != entry)
                {
                    connection.set(Connection.REGISTRATION_WINDOW_USED);
                    registration.schedule(entry, clock.nanoTime());
                }
                break;

            case VerifyAckDecoder.TEMPLATE_ID:
                if (null != entry)
                {
                    login.schedule(entry, clock.nanoTime());
                }
                break;

            default:
                break;
        }
    }

    /**
     * A frame's first bytes start its deadline; a read that completes a frame and leaves part of the next restarts
     * it. Bytes held because the sink was full are the edge's doing, not the peer's: no deadline while stalled.
     *
     * @param restart a new partial frame, or reads resumed after a pause: the deadline runs from now.
     */
    void updateFrameDeadline(final Connection connection, final boolean restart)
    {
        if (connection.is(Connection.CLOSED))
        {
            return;
        }
        if (null == connection.inbound ||
            connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CONGESTED))
        {
            if (null != connection.frameDeadline)
            {
                frame.remove(connection.frameDeadline);
            }
            return;
        }
        DeadlineQueue.Entry entry = connection.frameDeadline;
        if (null == entry)
        {
            entry = new DeadlineQueue.Entry(connection);
            connection.frameDeadline = entry;
        }
        if (restart || !entry.isQueued())
        {
            frame.schedule(entry, clock.nanoTime());
        }
    }

    /** Output started to wait, or the socket took some of it: the socket has a write timeout from now. */
    void startWrite(final Connection connection)
    {
        if (null == connection.writeDeadline)
        {
            connection.writeDeadline = new DeadlineQueue.Entry(connection);
        }
        write.schedule(connection.writeDeadline, clock.nanoTime());
    }

    /** The connection began to hold frames: they go out alone at the latest after the hold. */
    void startHold(final Connection connection)
    {
        if (null == connection.heldDeadline)
        {
            connection.heldDeadline = new DeadlineQueue.Entry(connection);
        }
        held.schedule(connection.heldDeadline, clock.nanoTime());
    }

    /** The held frames went out, with another frame or on a close. */
    void stopHold(final Connection connection)
    {
        remove(connection.heldDeadline);
    }

    /** All waiting output is written. */
    void stopWrite(final Connection connection)
    {
        write.remove(connection.writeDeadline);
    }

    /** The connection closed: none of its deadlines applies. */
    void cancelAll(final Connection connection)
    {
        remove(connection.loginDeadline);
        remove(connection.frameDeadline);
        remove(connection.writeDeadline);
        remove(connection.heldDeadline);
        remove(connection.idleCheck);
    }

    /**
     * The earliest deadline of any queue's head, far in the future when none is set; a hold's no sooner than a quarter
     * of the hold from now ({@link #heldWakeSlackNs}).
     */
    long nextDeadlineNs(final long nowNs)
    {
        final long noneNs = nowNs + Long.MAX_VALUE / 2;
        long deadlineNs = noneNs;
        deadlineNs = login.earliest(deadlineNs, nowNs);
        deadlineNs = registration.earliest(deadlineNs, nowNs);
        deadlineNs = frame.earliest(deadlineNs, nowNs);
        deadlineNs = idle.earliest(deadlineNs, nowNs);
        deadlineNs = write.earliest(deadlineNs, nowNs);
        final long heldNs = Math.max(held.earliest(noneNs, nowNs) - nowNs, heldWakeSlackNs) + nowNs;

        return heldNs - deadlineNs < 0 ? heldNs : deadlineNs;
    }

    /** Connections waiting to log in (login or registration deadline running). */
    int awaitingLogin()
    {
        return login.size() + registration.size();
    }

    /** Publish {@link #awaitingLogin()} to its counter, a store only when it changed. */
    void updateAwaitingLoginCounter()
    {
        final int awaiting = awaitingLogin();
        if (awaitingLogin.getPlain() != awaiting)
        {
            awaitingLogin.setRelease(awaiting);
        }
    }

    private static void remove(final DeadlineQueue.Entry entry)
    {
        if (null != entry && null != entry.queue)
        {
            entry.queue.remove(entry);
        }
    }
}
