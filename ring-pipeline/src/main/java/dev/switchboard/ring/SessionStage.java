package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.state.Accounts;
import dev.switchboard.state.DeviceKeys;
import dev.switchboard.state.Devices;
import dev.switchboard.state.Presence;
import dev.switchboard.state.Privacy;
import dev.switchboard.state.UserPairs;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * Stage 1: reads each frame's header, checks the connection's frame rate and login state, stamps the authenticated
 * {@link Caller} (a client never names itself) and picks the request's {@link Flow}, then runs its session step.
 * Owns the connection state machine ({@link Session}s), registration codes and lookup quotas; sole writer of
 * accounts, devices, presence, blocks and privacy settings. Flows use its collaborators on its thread.
 */
final class SessionStage implements EventHandler<RingEvent>
{
    /** Connection ids may be any long value, 0 included; MIN_VALUE stands for none (a slot reused 2^31 times). */
    static final long NO_CONNECTION = Long.MIN_VALUE;
    static final long RATE_WINDOW_NS = TimeUnit.SECONDS.toNanos(1);

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final Flows flows;
    private final int framesPerSecond;
    private final int maxRejects;

    final Long2ObjectHashMap<Session> sessionByConnection = new Long2ObjectHashMap<>();
    final Long2LongHashMap connectionByDevice = new Long2LongHashMap(NO_CONNECTION);
    final FrameEncoders encoders = new FrameEncoders();
    final Accounts accounts;
    final Devices devices;
    final Presence presence;
    final UserPairs blocks;
    final Privacy privacy;
    final VerificationCodes codes;
    /** Link codes and links in progress (see {@link LinkDeviceFlow}). */
    final DeviceLinks links;
    /** Phone numbers each user looked up in its current day (see {@link ContactLookupFlow}). */
    final FixedWindowQuota lookupQuota =
        new FixedWindowQuota(TimeUnit.DAYS.toNanos(1), ContactLookupFlow.MAX_LOOKUPS_PER_DAY);
    final EpochClock epochClock;
    final NanoClock nanoClock;
    /** Which signed logins may still be taken (see {@link LoginSignedFlow}). */
    final SignedLoginWindow signedLogins;
    final RingCounters counters;
    /** Where proofs are verified off this thread; null to verify them inline. */
    final LoginVerifierAgent loginVerifier;

    SessionStage(final RingContext ctx, final Flows flows, final LoginVerifierAgent loginVerifier)
    {
        this.loginVerifier = loginVerifier;
        accounts = ctx.state().newAccounts();
        devices = ctx.state().newDevices();
        presence = ctx.state().newPresence();
        blocks = ctx.state().newBlocks();
        privacy = ctx.state().newPrivacy();
        codes = new VerificationCodes(
            ctx.codeSender(),
            ctx.codeTtlNs(),
            ctx.codeAttempts(),
            ctx.codeIntervalPerPhoneNs(),
            ctx.codesPerAddressPerHour());
        links = new DeviceLinks(ctx.linkCodeTtlNs(), ctx.linkAttemptsPerAddressPerHour());
        epochClock = ctx.epochClock();
        nanoClock = ctx.nanoClock();
        signedLogins = new SignedLoginWindow(
            TimeUnit.NANOSECONDS.toMillis(ctx.signedLoginWindowNs()), epochClock.time());
        counters = ctx.counters();
        framesPerSecond = ctx.framesPerSecond();
        maxRejects = ctx.maxRejects();
        this.flows = flows;
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        event.timestampMs = epochClock.time();
        final Session session = sessionByConnection.get(event.connectionId);
        if (RingEvent.KIND_FRAME != event.kind)
        {
            final Flow flow = flows.control(event.kind);
            event.follow(flow);
            flow.session(event, session, this);
        }
        else if (null != session) // else a frame racing its connection's close: nobody to answer
        {
            onFrame(event, session);
        }
    }

    private void onFrame(final RingEvent event, final Session session)
    {
        event.frame.readHeader(header);
        final Flow flow = flows.request(event.frame.templateId);

        if (flow.rateLimited && !withinRate(session))
        {
            counters.increment(RingCounters.RATE_LIMITED);
            reject(event, session, ErrorCode.RATE_LIMITED);
            return;
        }

        if (Flow.BEFORE_LOGIN == flow.access && session.isAuthenticated())
        {
            reject(event, session, ErrorCode.ALREADY_AUTHENTICATED);
            return;
        }
        if (Flow.AFTER_LOGIN == flow.access)
        {
            if (!session.isAuthenticated())
            {
                reject(event, session, ErrorCode.NOT_AUTHENTICATED);
                return;
            }
            event.caller.set(session.userId, session.deviceId);
        }

        event.follow(flow);
        flow.session(event, session, this);
    }

    /**
     * The device of an authenticated session went offline (logout, or its connection closed): it no longer owns the
     * device's stream unless a newer login took it over, and its presence records the time.
     */
    void deviceOffline(final Session session, final long nowMs)
    {
        final long deviceKey = DeviceKeys.pack(session.userId, session.deviceId);
        if (connectionByDevice.get(deviceKey) == session.connectionId)
        {
            connectionByDevice.remove(deviceKey);
        }
        presence.offline(session.userId, session.deviceId, session.connectionId, nowMs);
    }

    private boolean withinRate(final Session session)
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - session.rateWindowStartNs >= RATE_WINDOW_NS)
        {
            session.rateWindowStartNs = nowNs;
            session.framesInWindow = 0;
        }
        return ++session.framesInWindow <= framesPerSecond;
    }

    /**
     * Refuse a request the client had no business sending (out of state, malformed field, failed proof, over the
     * frame rate): an Error, and a strike towards the disconnect threshold.
     */
    void reject(final RingEvent event, final Session session, final ErrorCode code)
    {
        refuse(event, code);
        if (++session.rejects >= maxRejects)
        {
            event.reply.closeAfterSend = true;
        }
    }

    /**
     * Refuse a well-formed request the server cannot grant (unknown user, full state, a wrong or expired code, a
     * request not served yet): an Error only, so a long-lived, well-behaved connection is never closed for them.
     */
    void refuse(final RingEvent event, final ErrorCode code)
    {
        counters.increment(RingCounters.REQUESTS_REJECTED);
        event.endFlow();
        event.reply.error(encoders, event.frame, code);
    }
}
