package dev.switchboard.ring;

/**
 * What the session stage knows of one connection. Allocated once per connection, on the session stage's thread.
 */
final class Session
{
    static final int STATE_NEW = 0;
    static final int STATE_CHALLENGED = 1;
    static final int STATE_AUTHENTICATED = 2;
    /** A proof is with the {@link LoginVerifierAgent}. */
    static final int STATE_VERIFYING = 3;

    final int pollerIndex;
    final long connectionId;
    final long remoteAddress;

    int state = STATE_NEW;
    long userId;
    int deviceId;
    /** What the current login attempt's signature must be over: a challenge's nonce or a signed-login message. */
    byte[] nonce;
    /** The timestamp of the signed login being verified, 0 for a challenge's proof. */
    long signedLoginMs;
    /** Counts login attempts, so a verdict on an older proof is told from the current one's. */
    int loginAttempt;
    int rejects;

    long rateWindowStartNs;
    int framesInWindow;

    long typingWindowStartNs;
    int typingInWindow;

    Session(final int pollerIndex, final long connectionId, final long remoteAddress)
    {
        this.pollerIndex = pollerIndex;
        this.connectionId = connectionId;
        this.remoteAddress = remoteAddress;
    }

    boolean isAuthenticated()
    {
        return STATE_AUTHENTICATED == state;
    }
}
