package dev.switchboard.ring;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Checks a device's Ed25519 signature (RFC 8032) over its login nonce against the raw 32-byte public key it
 * registered, once per login, on the login verifier thread or the session stage. By libsodium when it is installed
 * and chosen ({@link LibsodiumEd25519}, about 42 us here), else by Bouncy Castle (about 68 us; the JDK's provider
 * takes over 1 ms), which works on the raw key without building a key object per login. Both refuse a non-canonical
 * signature (S at least the group order) and a key that is not a point of the curve.
 */
final class LoginVerifier
{
    static final int PUBLIC_KEY_LENGTH = Ed25519.PUBLIC_KEY_SIZE;
    static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    /** The values of {@link RingConfiguration#LOGIN_SIGNATURES_PROP_NAME}. */
    static final String LIBSODIUM = "libsodium";
    static final String BOUNCY_CASTLE = "bouncycastle";

    private final boolean libsodium;

    /**
     * @param implementation {@link #LIBSODIUM}, which falls back to Bouncy Castle where libsodium cannot be loaded,
     *                       or {@link #BOUNCY_CASTLE}.
     */
    LoginVerifier(final String implementation)
    {
        libsodium = usesLibsodium(implementation);
    }

    /**
     * Whether a verifier built for this implementation verifies with libsodium.
     */
    static boolean usesLibsodium(final String implementation)
    {
        return LIBSODIUM.equals(implementation) && LibsodiumEd25519.isAvailable();
    }

    /**
     * A key a device registers must be a point of the group (not of small order), or no proof could ever match it.
     */
    static boolean isValidPublicKey(final byte[] rawPublicKey)
    {
        return rawPublicKey.length == PUBLIC_KEY_LENGTH && Ed25519.validatePublicKeyFull(rawPublicKey, 0);
    }

    boolean verify(final byte[] rawPublicKey, final byte[] message, final byte[] sig, final int sigLength)
    {
        if (sigLength != SIGNATURE_LENGTH || rawPublicKey.length != PUBLIC_KEY_LENGTH || sig.length < SIGNATURE_LENGTH)
        {
            return false;
        }
        if (libsodium)
        {
            return LibsodiumEd25519.verify(rawPublicKey, message, sig);
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
