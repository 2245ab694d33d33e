package dev.switchboard.ring;

import dev.switchboard.codec.SignedLogin;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LoginSignedDecoder;
import dev.switchboard.state.DeviceKeys;

/**
 * LoginSigned, before login: a login in one round trip, the device's signature over its address and the server's time
 * as it reckons it ({@link SignedLogin}). Session: find the device's key, check the time against the window and the
 * device's last signed login ({@link SignedLoginWindow}), then have the signature verified ({@link LoginVerdictFlow},
 * which takes the login once and only once).
 */
final class LoginSignedFlow extends Flow
{
    private final LoginSignedDecoder loginSigned = new LoginSignedDecoder();
    private final SignedLogin signedLogin = new SignedLogin();
    private final LoginVerdictFlow verdict;
    private final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    private final byte[] signature = new byte[255];

    LoginSignedFlow(final LoginVerdictFlow verdict)
    {
        super(BEFORE_LOGIN, true);
        this.verdict = verdict;
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        event.frame.decode(loginSigned);
        final long userId = loginSigned.device().userId();
        final int deviceId = loginSigned.device().deviceId();
        final long timestampMs = loginSigned.timestampMs();
        final int signatureLength = loginSigned.signatureLength();
        loginSigned.getSignature(signature, 0, signatureLength);

        // A new attempt: a challenge or proof under way is over.
        session.loginAttempt++;
        session.state = Session.STATE_NEW;
        session.nonce = null;
        if (deviceId < 1 || deviceId > DeviceKeys.MAX_DEVICE_ID ||
            !stage.devices.loginKey(userId, deviceId, loginKey) ||
            !stage.signedLogins.mayTake(DeviceKeys.pack(userId, deviceId), timestampMs, event.timestampMs))
        {
            stage.counters.increment(RingCounters.LOGIN_FAILURES);
            stage.reject(event, session, ErrorCode.LOGIN_FAILED);
            return;
        }
        session.userId = userId;
        session.deviceId = deviceId;
        session.signedLoginMs = timestampMs;
        verdict.verify(
            event, session, stage, loginKey, signedLogin.message(userId, deviceId, timestampMs), signature,
            signatureLength);
    }
}
