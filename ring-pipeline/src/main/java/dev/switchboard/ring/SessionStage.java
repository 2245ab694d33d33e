package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.BlockDecoder;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.DeliverAckDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupCreateDecoder;
import dev.switchboard.codec.sbe.GroupInfoRequestDecoder;
import dev.switchboard.codec.sbe.GroupLeaveDecoder;
import dev.switchboard.codec.sbe.GroupUpdateDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchDecoder;
import dev.switchboard.codec.sbe.KeyBundleUploadDecoder;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.codec.sbe.LoginStartDecoder;
import dev.switchboard.codec.sbe.LogoutDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeDecoder;
import dev.switchboard.codec.sbe.PrivacySettingsDecoder;
import dev.switchboard.codec.sbe.PushTokenUpdateDecoder;
import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.RegisterDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SendGroupDecoder;
import dev.switchboard.codec.sbe.TypingDecoder;
import dev.switchboard.codec.sbe.UnblockDecoder;
import dev.switchboard.codec.sbe.VerifyDecoder;
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

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Stage 1: registration, login challenge and proof, the connection state machine, per-connection rate limits.
 * Stamps every accepted request with the authenticated sender: a client never names itself.
 * Sole writer of accounts, devices and presence.
 */
final class SessionStage implements EventHandler<RingEvent>
{
    private static final int NONCE_LENGTH = 32;
    private static final long RATE_WINDOW_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long LOOKUP_WINDOW_NS = TimeUnit.DAYS.toNanos(1);

    /** Typing notices relayed per connection per second; more are dropped silently. */
    static final int TYPING_PER_SECOND = 5;
    /** Phone numbers one ContactLookup may carry. */
    static final int MAX_LOOKUP_NUMBERS = 64;
    /** Phone numbers a user may look up per 24 hours: a contact book fits, the number space does not. */
    static final int MAX_LOOKUPS_PER_DAY = 2_000;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RegisterDecoder register = new RegisterDecoder();
    private final VerifyDecoder verify = new VerifyDecoder();
    private final LoginStartDecoder loginStart = new LoginStartDecoder();
    private final LoginProofDecoder loginProof = new LoginProofDecoder();
    private final LogoutDecoder logout = new LogoutDecoder();
    private final PingDecoder ping = new PingDecoder();
    private final BlockDecoder block = new BlockDecoder();
    private final UnblockDecoder unblock = new UnblockDecoder();
    private final PrivacySettingsDecoder privacySettings = new PrivacySettingsDecoder();
    private final PushTokenUpdateDecoder pushTokenUpdate = new PushTokenUpdateDecoder();
    private final ContactLookupDecoder contactLookup = new ContactLookupDecoder();
    private final byte[] pushToken = new byte[255];
    private final Long2LongHashMap lookupWindowStartByUser = new Long2LongHashMap(Long.MIN_VALUE);
    private final Long2LongHashMap lookupsByUser = new Long2LongHashMap(-1);
    private final FrameEncoders encoders = new FrameEncoders();
    private final LoginVerifier loginVerifier = new LoginVerifier();
    private final SecureRandom random = new SecureRandom();
    private final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    private final byte[] signature = new byte[255];

    private final Long2ObjectHashMap<Session> sessionByConnection = new Long2ObjectHashMap<>();
    /** Connection ids may be any long value, 0 included; MIN_VALUE stands for none (a slot reused 2^31 times). */
    private static final long NO_CONNECTION = Long.MIN_VALUE;
    private final Long2LongHashMap connectionByDevice = new Long2LongHashMap(NO_CONNECTION);
    private final Accounts accounts;
    private final Devices devices;
    private final Presence presence;
    private final UserPairs blocks;
    private final Privacy privacy;
    private final VerificationCodes codes;
    private final EpochClock epochClock;
    private final NanoClock nanoClock;
    private final RingCounters counters;
    private final int framesPerSecond;
    private final int maxRejects;
    private long nextLookupSweepNs;

    SessionStage(final RingContext ctx)
    {
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
        epochClock = ctx.epochClock();
        nanoClock = ctx.nanoClock();
        counters = ctx.counters();
        framesPerSecond = ctx.framesPerSecond();
        maxRejects = ctx.maxRejects();
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        event.timestampMs = epochClock.time();
        switch (event.kind)
        {
            case RingEvent.KIND_FRAME:
                onFrame(event);
                break;

            case RingEvent.KIND_OPENED:
                sessionByConnection.put(
                    event.connectionId, new Session(event.pollerIndex, event.connectionId, event.remoteAddress));
                break;

            case RingEvent.KIND_CLOSED:
                onClosed(event);
                break;

            case RingEvent.KIND_CONGESTION:
                stampDevice(event);
                break;

            case RingEvent.KIND_TICK:
                onTick(nanoClock.nanoTime());
                break;

            default:
                break;
        }
    }

    private void onTick(final long nowNs)
    {
        codes.expire(nowNs);
        if (nowNs - nextLookupSweepNs >= 0)
        {
            nextLookupSweepNs = nowNs + TimeUnit.MINUTES.toNanos(1);
            final Long2LongHashMap.EntryIterator windows = lookupWindowStartByUser.entrySet().iterator();
            while (windows.hasNext())
            {
                windows.next();
                if (nowNs - windows.getLongValue() >= LOOKUP_WINDOW_NS)
                {
                    lookupsByUser.remove(windows.getLongKey());
                    windows.remove();
                }
            }
        }
    }

    private void stampDevice(final RingEvent event)
    {
        final Session session = sessionByConnection.get(event.connectionId);
        if (null != session && session.isAuthenticated())
        {
            event.userId = session.userId;
            event.deviceId = session.deviceId;
        }
    }

    private void onClosed(final RingEvent event)
    {
        final Session session = sessionByConnection.remove(event.connectionId);
        if (null != session && session.isAuthenticated())
        {
            event.userId = session.userId;
            event.deviceId = session.deviceId;
            final long deviceKey = DeviceKeys.pack(session.userId, session.deviceId);
            if (connectionByDevice.get(deviceKey) == session.connectionId)
            {
                connectionByDevice.remove(deviceKey);
            }
            presence.offline(session.userId, session.deviceId, session.connectionId, event.timestampMs);
        }
    }

    private void onFrame(final RingEvent event)
    {
        final Session session = sessionByConnection.get(event.connectionId);
        if (null == session)
        {
            return; // a frame racing its connection's close: nobody to answer
        }

        header.wrap(event.frame, Sofh.HEADER_LENGTH);
        final int templateId = header.templateId();
        final int blockLength = header.blockLength();
        final int version = header.version();
        final int bodyOffset = RingEvent.BODY_OFFSET;
        event.templateId = templateId;
        event.blockLength = blockLength;
        event.version = version;
        event.requestId = event.frame.getLong(bodyOffset, MessageHeaderDecoder.BYTE_ORDER);

        // Acks are bounded by what was delivered, so they are not rate limited: a device draining a backlog acks fast.
        if (DeliverAckDecoder.TEMPLATE_ID != templateId && !withinRate(session))
        {
            counters.increment(RingCounters.RATE_LIMITED);
            reject(event, session, ErrorCode.RATE_LIMITED);
            return;
        }

        switch (templateId)
        {
            case PingDecoder.TEMPLATE_ID:
                ping.wrap(event.frame, bodyOffset, blockLength, version);
                event.responseLength = encoders.pong(event.response, ping.timestampNs());
                return;

            case RegisterDecoder.TEMPLATE_ID:
            case VerifyDecoder.TEMPLATE_ID:
            case LoginStartDecoder.TEMPLATE_ID:
            case LoginProofDecoder.TEMPLATE_ID:
                if (session.isAuthenticated())
                {
                    reject(event, session, ErrorCode.ALREADY_AUTHENTICATED);
                    return;
                }
                onUnauthenticatedRequest(event, session, templateId, bodyOffset, blockLength, version);
                return;

            default:
                break;
        }

        if (!session.isAuthenticated())
        {
            reject(event, session, ErrorCode.NOT_AUTHENTICATED);
            return;
        }

        event.userId = session.userId;
        event.deviceId = session.deviceId;
        switch (templateId)
        {
            case SendDecoder.TEMPLATE_ID:
                event.action = RingEvent.ACTION_SEND;
                break;

            case DeliverAckDecoder.TEMPLATE_ID:
                event.action = RingEvent.ACTION_DELIVER_ACK;
                break;

            case ReadMarkDecoder.TEMPLATE_ID:
                event.action = RingEvent.ACTION_READ_MARK;
                break;

            case LogoutDecoder.TEMPLATE_ID:
                onLogout(event, session);
                break;

            case TypingDecoder.TEMPLATE_ID:
                if (withinTypingRate(session))
                {
                    event.action = RingEvent.ACTION_TYPING;
                }
                break;

            case ContactLookupDecoder.TEMPLATE_ID:
                contactLookup.wrap(event.frame, bodyOffset, blockLength, version);
                onContactLookup(event, session, contactLookup.phones().count());
                break;

            case PresenceSubscribeDecoder.TEMPLATE_ID:
                event.action = RingEvent.ACTION_PRESENCE_SUBSCRIBE;
                break;

            case PresenceUnsubscribeDecoder.TEMPLATE_ID:
                event.action = RingEvent.ACTION_PRESENCE_UNSUBSCRIBE;
                break;

            case BlockDecoder.TEMPLATE_ID:
                block.wrap(event.frame, bodyOffset, blockLength, version);
                onBlock(event, session, block.userId(), true);
                break;

            case UnblockDecoder.TEMPLATE_ID:
                unblock.wrap(event.frame, bodyOffset, blockLength, version);
                onBlock(event, session, unblock.userId(), false);
                break;

            case PrivacySettingsDecoder.TEMPLATE_ID:
                privacySettings.wrap(event.frame, bodyOffset, blockLength, version);
                privacy.set(session.userId, privacySettings.lastSeenRaw(), privacySettings.onlineRaw());
                event.responseLength = encoders.requestAck(event.response, event.requestId, templateId);
                break;

            case PushTokenUpdateDecoder.TEMPLATE_ID:
                pushTokenUpdate.wrap(event.frame, bodyOffset, blockLength, version);
                onPushToken(event, session);
                break;

            case SendGroupDecoder.TEMPLATE_ID:
            case GroupCreateDecoder.TEMPLATE_ID:
            case GroupUpdateDecoder.TEMPLATE_ID:
            case GroupLeaveDecoder.TEMPLATE_ID:
            case GroupInfoRequestDecoder.TEMPLATE_ID:
            case KeyBundleUploadDecoder.TEMPLATE_ID:
            case KeyBundleFetchDecoder.TEMPLATE_ID:
                refuse(event, ErrorCode.UNSUPPORTED_REQUEST); // defined on the wire, not served yet
                break;

            default:
                reject(event, session, ErrorCode.UNSUPPORTED_REQUEST); // a server-to-client template
                break;
        }
    }

    private void onUnauthenticatedRequest(
        final RingEvent event,
        final Session session,
        final int templateId,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        switch (templateId)
        {
            case RegisterDecoder.TEMPLATE_ID:
                register.wrap(event.frame, bodyOffset, blockLength, version);
                onRegister(event, session, register.phone());
                break;

            case VerifyDecoder.TEMPLATE_ID:
                verify.wrap(event.frame, bodyOffset, blockLength, version);
                onVerify(event, session);
                break;

            case LoginStartDecoder.TEMPLATE_ID:
                loginStart.wrap(event.frame, bodyOffset, blockLength, version);
                onLoginStart(event, session, loginStart.device().userId(), loginStart.device().deviceId());
                break;

            default:
                loginProof.wrap(event.frame, bodyOffset, blockLength, version);
                onLoginProof(event, session);
                break;
        }
    }

    private void onRegister(final RingEvent event, final Session session, final String phone)
    {
        if (!Accounts.isValidPhone(phone))
        {
            reject(event, session, ErrorCode.INVALID_PHONE);
            return;
        }
        if (VerificationCodes.OK != codes.issue(phone, session.remoteAddress, nanoClock.nanoTime()))
        {
            counters.increment(RingCounters.RATE_LIMITED);
            reject(event, session, ErrorCode.RATE_LIMITED);
            return;
        }
        event.responseLength = encoders.registerAck(event.response, event.requestId, codes.ttlSeconds());
    }

    private void onVerify(final RingEvent event, final Session session)
    {
        final int registrationId = (int)verify.registrationId();
        final String phone = verify.phone();
        final String code = verify.code();
        final int keyLength = verify.loginKeyLength();
        if (!Accounts.isValidPhone(phone))
        {
            reject(event, session, ErrorCode.INVALID_PHONE);
            return;
        }
        if (LoginVerifier.PUBLIC_KEY_LENGTH != keyLength)
        {
            reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }
        final byte[] key = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
        verify.getLoginKey(key, 0, keyLength);
        if (!LoginVerifier.isValidPublicKey(key))
        {
            reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }

        switch (codes.verify(phone, code, nanoClock.nanoTime()))
        {
            case VerificationCodes.OK:
                break;

            case VerificationCodes.EXPIRED:
                refuse(event, ErrorCode.CODE_EXPIRED);
                return;

            case VerificationCodes.TOO_MANY_ATTEMPTS:
                refuse(event, ErrorCode.TOO_MANY_ATTEMPTS);
                return;

            default:
                refuse(event, ErrorCode.CODE_INVALID);
                return;
        }

        final long userId = accounts.create(phone);
        if (userId < 0)
        {
            refuse(event, ErrorCode.STATE_FULL);
            return;
        }
        final int deviceId = devices.addDevice(userId, key, registrationId);
        if (deviceId <= 0)
        {
            refuse(event, ErrorCode.DEVICE_LIMIT);
            return;
        }
        counters.increment(RingCounters.REGISTRATIONS);
        event.responseLength = encoders.verifyAck(event.response, event.requestId, userId, deviceId);
    }

    private void onLoginStart(final RingEvent event, final Session session, final long userId, final int deviceId)
    {
        if (deviceId < 1 || deviceId > DeviceKeys.MAX_DEVICE_ID || !devices.loginKey(userId, deviceId, loginKey))
        {
            counters.increment(RingCounters.LOGIN_FAILURES);
            reject(event, session, ErrorCode.LOGIN_FAILED);
            return;
        }
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        session.state = Session.STATE_CHALLENGED;
        session.userId = userId;
        session.deviceId = deviceId;
        session.nonce = nonce;
        session.challengeRequestId = event.requestId;
        event.responseLength = encoders.loginChallenge(event.response, event.requestId, nonce);
    }

    private void onLoginProof(final RingEvent event, final Session session)
    {
        final int signatureLength = loginProof.signatureLength();
        loginProof.getSignature(signature, 0, signatureLength);
        if (Session.STATE_CHALLENGED != session.state ||
            !devices.loginKey(session.userId, session.deviceId, loginKey) ||
            !loginVerifier.verify(loginKey, session.nonce, signature, signatureLength))
        {
            session.state = Session.STATE_NEW;
            session.nonce = null;
            counters.increment(RingCounters.LOGIN_FAILURES);
            reject(event, session, ErrorCode.LOGIN_FAILED);
            return;
        }

        session.state = Session.STATE_AUTHENTICATED;
        session.nonce = null;
        final long deviceKey = DeviceKeys.pack(session.userId, session.deviceId);
        final long previousConnectionId = connectionByDevice.put(deviceKey, session.connectionId);
        if (NO_CONNECTION != previousConnectionId)
        {
            // The device logged in again elsewhere: the older connection is closed so one device has one stream.
            final Session previous = sessionByConnection.get(previousConnectionId);
            if (null != previous)
            {
                previous.state = Session.STATE_NEW;
                event.kick = true;
                event.kickConnectionId = previous.connectionId;
                event.kickPollerIndex = previous.pollerIndex;
            }
        }
        presence.online(session.userId, session.deviceId, session.pollerIndex, session.connectionId, event.timestampMs);
        counters.increment(RingCounters.LOGINS);
        event.userId = session.userId;
        event.deviceId = session.deviceId;
        event.action = RingEvent.ACTION_LOGGED_IN;
    }

    private void onBlock(final RingEvent event, final Session session, final long userId, final boolean isBlock)
    {
        if (!accounts.exists(userId))
        {
            refuse(event, ErrorCode.UNKNOWN_USER);
            return;
        }
        if (isBlock)
        {
            if (!blocks.add(session.userId, userId, event.timestampMs))
            {
                refuse(event, ErrorCode.STATE_FULL);
                return;
            }
        }
        else
        {
            blocks.remove(session.userId, userId);
        }
        event.responseLength = encoders.requestAck(event.response, event.requestId, event.templateId);
    }

    private void onPushToken(final RingEvent event, final Session session)
    {
        final int length = pushTokenUpdate.getToken(pushToken, 0, pushTokenUpdate.tokenLength());
        if (0 == length)
        {
            devices.clearPushToken(session.userId, session.deviceId);
        }
        else if (!devices.pushToken(
            session.userId, session.deviceId, (byte)pushTokenUpdate.platformRaw(), pushToken, 0, length))
        {
            reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }
        event.responseLength = encoders.requestAck(event.response, event.requestId, event.templateId);
    }

    private void onContactLookup(final RingEvent event, final Session session, final int numbers)
    {
        if (numbers > MAX_LOOKUP_NUMBERS)
        {
            reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }

        final long nowNs = nanoClock.nanoTime();
        final long windowStartNs = lookupWindowStartByUser.get(session.userId);
        if (Long.MIN_VALUE == windowStartNs || nowNs - windowStartNs >= LOOKUP_WINDOW_NS)
        {
            lookupWindowStartByUser.put(session.userId, nowNs);
            lookupsByUser.put(session.userId, 0);
        }
        final long used = Math.max(0, lookupsByUser.get(session.userId));
        if (used + numbers > MAX_LOOKUPS_PER_DAY)
        {
            counters.increment(RingCounters.RATE_LIMITED);
            refuse(event, ErrorCode.RATE_LIMITED);
            return;
        }
        lookupsByUser.put(session.userId, used + numbers);
        event.action = RingEvent.ACTION_CONTACT_LOOKUP;
    }

    private boolean withinTypingRate(final Session session)
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - session.typingWindowStartNs >= RATE_WINDOW_NS)
        {
            session.typingWindowStartNs = nowNs;
            session.typingInWindow = 0;
        }
        return ++session.typingInWindow <= TYPING_PER_SECOND;
    }

    private void onLogout(final RingEvent event, final Session session)
    {
        final long deviceKey = DeviceKeys.pack(session.userId, session.deviceId);
        if (connectionByDevice.get(deviceKey) == session.connectionId)
        {
            connectionByDevice.remove(deviceKey);
        }
        presence.offline(session.userId, session.deviceId, session.connectionId, event.timestampMs);
        session.state = Session.STATE_NEW;
        event.action = RingEvent.ACTION_LOGOUT;
        event.responseLength = encoders.requestAck(event.response, event.requestId, LogoutDecoder.TEMPLATE_ID);
        event.closeAfterResponse = true;
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
    private void reject(final RingEvent event, final Session session, final ErrorCode code)
    {
        refuse(event, code);
        if (++session.rejects >= maxRejects)
        {
            event.closeAfterResponse = true;
        }
    }

    /**
     * Refuse a well-formed request the server cannot grant (unknown user, full state, a wrong or expired code, a
     * request not served yet): an Error only, so a long-lived, well-behaved connection is never closed for them.
     */
    private void refuse(final RingEvent event, final ErrorCode code)
    {
        counters.increment(RingCounters.REQUESTS_REJECTED);
        event.action = RingEvent.ACTION_NONE;
        event.responseLength = encoders.error(event.response, event.requestId, event.templateId, code);
    }
}
