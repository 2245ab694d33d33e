package dev.switchboard.ring;

/**
 * One login proof on its way to the {@link LoginVerifierAgent} and back as a verdict. Pre-allocated; the session
 * stage fills it and takes it back, the verifier thread only reads the proof and writes {@link #verified}.
 */
final class LoginCheck
{
    final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    final byte[] nonce = new byte[LoginStartFlow.NONCE_LENGTH];
    final byte[] signature = new byte[LoginVerifier.SIGNATURE_LENGTH];

    /** The session that sent the proof, and which of its login attempts: a verdict for any other is stale. */
    Session session;
    int attempt;
    int pollerIndex;
    long connectionId;
    long requestId;
    int signatureLength;
    boolean verified;

    void fill(final Session session, final long requestId, final byte[] loginKey, final byte[] signature,
        final int signatureLength)
    {
        this.session = session;
        this.attempt = session.loginAttempt;
        this.pollerIndex = session.pollerIndex;
        this.connectionId = session.connectionId;
        this.requestId = requestId;
        System.arraycopy(loginKey, 0, this.loginKey, 0, this.loginKey.length);
        System.arraycopy(session.nonce, 0, nonce, 0, nonce.length);
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
