package dev.switchboard.ring;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * Checks a device's Ed25519 signature over its login nonce against the raw 32-byte public key it registered.
 * Runs on the session stage only, once per login: not on the message path.
 */
final class LoginVerifier
{
    static final int PUBLIC_KEY_LENGTH = 32;
    static final int SIGNATURE_LENGTH = 64;

    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112) before the raw key. */
    private static final byte[] X509_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };

    private final KeyFactory keyFactory;
    private final Signature signature;
    private final byte[] encodedKey = new byte[X509_PREFIX.length + PUBLIC_KEY_LENGTH];

    LoginVerifier()
    {
        try
        {
            keyFactory = KeyFactory.getInstance("Ed25519");
            signature = Signature.getInstance("Ed25519");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the JDK has no Ed25519", ex);
        }
        System.arraycopy(X509_PREFIX, 0, encodedKey, 0, X509_PREFIX.length);
    }

    boolean verify(final byte[] rawPublicKey, final byte[] message, final byte[] sig, final int sigLength)
    {
        if (sigLength != SIGNATURE_LENGTH)
        {
            return false;
        }
        try
        {
            System.arraycopy(rawPublicKey, 0, encodedKey, X509_PREFIX.length, PUBLIC_KEY_LENGTH);
            final PublicKey publicKey = keyFactory.generatePublic(new X509EncodedKeySpec(encodedKey));
            signature.initVerify(publicKey);
            signature.update(message);
            return signature.verify(sig, 0, sigLength);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return false;
        }
    }
}
