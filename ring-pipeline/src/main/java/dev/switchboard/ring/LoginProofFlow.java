package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LoginProofDecoder;

/**
 * LoginProof, before login: the device's signature over the nonce of its {@link LoginStartFlow} challenge. Session:
 * check the state and find the device's key, then hand the proof to the {@link LoginVerifierAgent} (its verdict
 * comes back through {@link LoginVerdictFlow}), or verify it here when there is no verifier thread or no free check.
 */
final class LoginProofFlow extends Flow
{
    private final LoginProofDecoder loginProof = new LoginProofDecoder();
    private final LoginVerifier loginVerifier;
    private final LoginVerdictFlow verdict;
    private final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    private final byte[] signature = new byte[255];

    LoginProofFlow(final LoginVerdictFlow verdict, final String loginSignatures)
    {
        super(BEFORE_LOGIN, true);
        this.verdict = verdict;
        this.loginVerifier = new LoginVerifier(loginSignatures);
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

        final LoginVerifierAgent verifierAgent = stage.loginVerifier;
        final LoginCheck check = null == verifierAgent ? null : verifierAgent.acquire();
        if (null != check)
        {
            check.fill(session, event.frame.requestId, loginKey, signature, signatureLength);
            session.state = Session.STATE_VERIFYING;
            event.endFlow();
            verifierAgent.submit(check);
            return;
        }

        if (null != verifierAgent)
        {
            stage.counters.increment(RingCounters.LOGINS_VERIFIED_INLINE);
        }
        verdict.conclude(
            event, session, stage, loginVerifier.verify(loginKey, session.nonce, signature, signatureLength));
    }
}
