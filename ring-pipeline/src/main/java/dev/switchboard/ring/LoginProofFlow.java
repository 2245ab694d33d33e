package dev.switchboard.ring;

import dev.switchboard.codec.sbe.LoginProofDecoder;

/**
 * LoginProof, before login: the device's signature over the nonce of its {@link LoginStartFlow} challenge. Session:
 * check the state and find the device's key, then have the signature verified ({@link LoginVerdictFlow}).
 */
final class LoginProofFlow extends Flow
{
    private final LoginProofDecoder loginProof = new LoginProofDecoder();
    private final LoginVerdictFlow verdict;
    private final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    private final byte[] signature = new byte[255];

    LoginProofFlow(final LoginVerdictFlow verdict)
    {
        super(BEFORE_LOGIN, true);
        this.verdict = verdict;
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        event.frame.decode(loginProof);
        final int signatureLength = loginProof.signatureLength();
        loginProof.getSignature(signature, 0, signatureLength);
        if (Session.STATE_CHALLENGED != session.state ||
            !stage.devices.loginKey(session.userId, session.deviceId, loginKey))
        {
            verdict.conclude(event, session, stage, false);
            return;
        }
        verdict.verify(event, session, stage, loginKey, session.nonce, signature, signatureLength);
    }
}
