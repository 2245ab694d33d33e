package dev.switchboard.ring;

import dev.switchboard.codec.SignedLogin;

/**
 * One login proof on its way to the {@link LoginVerifierAgent} and back as a verdict. Pre-allocated; the session
 * stage fills it and takes it back, the verifier thread only reads the proof and writes {@link #verified}.
 */
final class LoginCheck
{
    final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    final byte[] signature = new byte[LoginVerifier.SIGNATURE_LENGTH];
    private final byte[] nonce = new byte[LoginStartFlow.NONCE_LENGTH];
    private final byte[] signedLogin = new byte[SignedLogin.LENGTH];
    /** What the signature is over: the challenge's nonce or the signed-login message, by length. */
    byte[] message;

    /** The session that sent the proof, and which of its login attempts: a verdict for any other is stale. */
    Session session;
    int attempt;
    int pollerIndex;
    long connectionId;
    long requestId;
    /** The request's template, LoginProof or LoginSigned, for the answer. */
    int templateId;
    int signatureLength;
    boolean verified;

    void fill(final Session session, final long requestId, final int templateId, final byte[] loginKey,
        final byte[] message, final byte[] signature, final int signatureLength)
    {
        this.session = session;
        this.attempt = session.loginAttempt;
        this.pollerIndex = session.pollerIndex;
        this.connectionId = session.connectionId;
        this.requestId = requestId;
        this.templateId = templateId;
        System.arraycopy(loginKey, 0, this.loginKey, 0, this.loginKey.length);
        this.message = message.length == signedLogin.length ? signedLogin : nonce;
        System.arraycopy(message, 0, this.message, 0, this.message.length);
        final int length = Math.min(signatureLength, this.signature.length);
        System.arraycopy(signature, 0, this.signature, 0, length);
        this.signatureLength = signatureLength;
        verified = false;
    }

    /** Whether the verdict still concerns what the session is waiting for. */
    boolean isCurrentFor(final Session session)
    {
        return this.session == session && Session.STATE_VERIFYING == session.state && attempt == session.loginAttempt;
    }

    void clear()
    {
        session = null;
    }
}
