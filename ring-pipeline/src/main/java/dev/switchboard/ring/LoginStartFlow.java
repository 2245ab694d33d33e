package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LoginStartDecoder;
import dev.switchboard.state.DeviceKeys;

import java.security.SecureRandom;

/**
 * LoginStart, before login: a fresh nonce for the named device to sign with its key (see {@link LoginProofFlow}).
 */
final class LoginStartFlow extends Flow
{
    static final int NONCE_LENGTH = 32;

    private final LoginStartDecoder loginStart = new LoginStartDecoder();
    private final SecureRandom random = new SecureRandom();
    private final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];

    LoginStartFlow()
    {
        super(BEFORE_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(loginStart);
        final long userId = loginStart.device().userId();
        final int deviceId = loginStart.device().deviceId();
        if (deviceId < 1 || deviceId > DeviceKeys.MAX_DEVICE_ID || !stage.devices.loginKey(userId, deviceId, loginKey))
        {
            stage.counters.increment(RingCounters.LOGIN_FAILURES);
            stage.reject(event, session, ErrorCode.LOGIN_FAILED);
            return;
        }
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        session.state = Session.STATE_CHALLENGED;
        session.loginAttempt++;
        session.userId = userId;
        session.deviceId = deviceId;
        session.nonce = nonce;
        session.signedLoginMs = 0;
        event.reply.length = stage.encoders.loginChallenge(event.reply.buffer, frame.requestId, nonce);
    }
}
