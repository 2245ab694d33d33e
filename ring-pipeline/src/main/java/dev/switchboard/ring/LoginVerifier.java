package dev.switchboard.ring;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Checks a device's Ed25519 signature (RFC 8032) over its login nonce against the raw 32-byte public key it
 * registered. Runs on the session stage, once per login: the stage does nothing else meanwhile, so the verify must
 * be quick. Bouncy Castle's takes about 150 us here where the JDK's provider takes about 1.2 ms, and it works on the
 * raw key without building a key object per login.
 */
final class LoginVerifier
{
    static final int PUBLIC_KEY_LENGTH = Ed25519.PUBLIC_KEY_SIZE;
    static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    /**
     * A key a device registers must be a point of the group (not of small order), or no proof could ever match it.
     */
    static boolean isValidPublicKey(final byte[] rawPublicKey)
    {
        return rawPublicKey.length == PUBLIC_KEY_LENGTH && Ed25519.validatePublicKeyFull(rawPublicKey, 0);
    }

    boolean verify(final byte[] rawPublicKey, final byte[] message, final byte[] sig, final int sigLength)
    {
        if (sigLength != SIGNATURE_LENGTH || rawPublicKey.length < PUBLIC_KEY_LENGTH || sig.length < SIGNATURE_LENGTH)
        {
            return false;
        }
        try
        {
            // Rejects keys that are not points on the curve and non-canonical signatures (S >= L).
            return Ed25519.verify(sig, 0, rawPublicKey, 0, message, 0, message.length);
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }
}
