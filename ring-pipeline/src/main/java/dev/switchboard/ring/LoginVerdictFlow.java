package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.state.DeviceKeys;

import java.util.Arrays;

/**
 * The end of a login, once its proof ({@link LoginProofFlow}) or signed login ({@link LoginSignedFlow}) is verified:
 * by the {@link LoginVerifierAgent}, whose verdict comes back as a control event, or inline. Session: bind the device
 * to this connection (closing an older connection of the same device) and mark it online, or refuse with
 * LOGIN_FAILED. Delivery: open its delivery
 * window, answer LoginAck with its backlog count, tell the device if its one-time prekeys run low
 * ({@link PreKeyStockNotices}) and start draining the backlog.
 */
final class LoginVerdictFlow extends Flow
{
    private final PreKeyStockNotices preKeyStockNotices;
    /** Verifies on the session stage when there is no verifier thread or no free check. */
    private final LoginVerifier inlineVerifier;
    /** Session step only: the device's login key now. */
    private final byte[] currentKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];

    LoginVerdictFlow(final PreKeyStockNotices preKeyStockNotices, final String loginSignatures)
    {
        super(ANYONE, false);
        this.preKeyStockNotices = preKeyStockNotices;
        this.inlineVerifier = new LoginVerifier(loginSignatures);
    }

    /**
     * Have a login's signature verified: by the {@link LoginVerifierAgent}, whose verdict comes back later as a control
     * event, or here when there is no verifier thread or no free check.
     */
    void verify(final RingEvent event, final Session session, final SessionStage stage, final byte[] loginKey,
        final byte[] message, final byte[] signature, final int signatureLength)
    {
        final LoginVerifierAgent verifierAgent = stage.loginVerifier;
        final LoginCheck check = null == verifierAgent ? null : verifierAgent.acquire();
        if (null != check)
        {
            check.fill(session, event.frame.requestId, event.frame.templateId, loginKey, message, signature,
                signatureLength);
            session.state = Session.STATE_VERIFYING;
            event.endFlow();
            verifierAgent.submit(check);
            return;
        }

        if (null != verifierAgent)
        {
            stage.counters.increment(RingCounters.LOGINS_VERIFIED_INLINE);
        }
        conclude(event, session, stage, inlineVerifier.verify(loginKey, message, signature, signatureLength));
    }

    /**
     * A verdict from the verifier: stale ones (the connection closed, or the client started over) are dropped.
     */
    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final LoginCheck check = event.loginCheck;
        final boolean current = null != session && check.isCurrentFor(session);
        // the device may have been unlinked, or the primary's key replaced, while the proof was verified
        final boolean verified = check.verified && current &&
            stage.devices.loginKey(session.userId, session.deviceId, currentKey) &&
            Arrays.equals(currentKey, check.loginKey);
        final long requestId = check.requestId;
        final int templateId = check.templateId;
        stage.loginVerifier.release(check);
        if (!current)
        {
            event.endFlow();
            return;
        }
        // Answers read the request's id and template from the frame, as they would for the proof itself.
        event.frame.templateId = templateId;
        event.frame.requestId = requestId;
        conclude(event, session, stage, verified);
    }

    /**
     * Log the session in, or refuse it, on the verdict.
     */
    void conclude(final RingEvent event, final Session session, final SessionStage stage, final boolean verified)
    {
        session.nonce = null;
        final long signedLoginMs = session.signedLoginMs;
        session.signedLoginMs = 0;
        if (!verified || !takeSignedLogin(event, session, stage, signedLoginMs))
        {
            session.state = Session.STATE_NEW;
            stage.counters.increment(RingCounters.LOGIN_FAILURES);
            stage.reject(event, session, ErrorCode.LOGIN_FAILED);
            return;
        }

        event.follow(this);
        session.state = Session.STATE_AUTHENTICATED;
        final long deviceKey = DeviceKeys.pack(session.userId, session.deviceId);
        final long previousConnectionId = stage.connectionByDevice.put(deviceKey, session.connectionId);
        if (SessionStage.NO_CONNECTION != previousConnectionId)
        {
            // The device logged in again elsewhere: the older connection is closed so one device has one stream.
            final Session previous = stage.sessionByConnection.get(previousConnectionId);
            if (null != previous)
            {
                previous.state = Session.STATE_NEW;
                event.reply.kick(previous.pollerIndex, previous.connectionId);
            }
        }
        stage.presence.online(
            session.userId, session.deviceId, session.pollerIndex, session.connectionId, event.timestampMs);
        stage.counters.increment(RingCounters.LOGINS);
        event.caller.set(session.userId, session.deviceId);
    }

    /**
     * A signed login is taken once: checked again here, as a replay may have raced its original through the verifier.
     */
    private static boolean takeSignedLogin(
        final RingEvent event, final Session session, final SessionStage stage, final long signedLoginMs)
    {
        if (0 == signedLoginMs)
        {
            return true;
        }
        final long deviceKey = DeviceKeys.pack(session.userId, session.deviceId);
        if (!stage.signedLogins.mayTake(deviceKey, signedLoginMs, event.timestampMs))
        {
            return false;
        }
        stage.signedLogins.taken(deviceKey, signedLoginMs, event.timestampMs);
        stage.counters.increment(RingCounters.SIGNED_LOGINS);
        return true;
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final Caller caller = event.caller;
        final DeviceDelivery delivery =
            new DeviceDelivery(caller.userId, caller.deviceId, event.pollerIndex, event.connectionId);
        delivery.lastProgressNs = stage.nanoClock.nanoTime();
        if (null == stage.deliveryByDevice.put(DeviceKeys.pack(caller.userId, caller.deviceId), delivery))
        {
            stage.presenceFeed.deviceOnline(caller.userId);
        }

        final int length = stage.encoders.loginAck(
            stage.scratch,
            event.frame.requestId,
            caller.userId,
            caller.deviceId,
            event.timestampMs,
            stage.journal.count(caller.userId, caller.deviceId));
        stage.send(event.pollerIndex, event.connectionId, stage.scratch, length);
        preKeyStockNotices.afterLogin(stage, caller.userId, caller.deviceId, event.pollerIndex, event.connectionId);
        stage.drain(delivery);
    }
}
