package dev.switchboard.bench;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.switchboard.client.LoginSigner;

import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;

/**
 * Signs the login nonces of every device the load generator plays. A real device signs its own nonce on its own
 * CPU; here one core signs for ten thousand, so the signature is the load generator's cost, not the server's, and it
 * takes the fastest one at hand: libsodium's {@code crypto_sign_detached} where the library is installed (Debian
 * {@code libsodium23}), else the client SDK's Bouncy Castle {@link LoginSigner}. Both make the same RFC 8032
 * signature (Ed25519 signing is deterministic).
 */
final class DeviceSigner
{
    static final int SIGNATURE_LENGTH = LoginSigner.SIGNATURE_LENGTH;

    private static final String LIBSODIUM_UNAVAILABLE_BECAUSE = loadLibsodium();

    private final LoginSigner bouncyCastle;
    /** libsodium's secret key: the 32-byte seed, then the public key. */
    private final byte[] libsodiumSecretKey;

    DeviceSigner(final PrivateKey privateKey, final byte[] rawPublicKey)
    {
        if (null == LIBSODIUM_UNAVAILABLE_BECAUSE)
        {
            final byte[] seed = ((EdECPrivateKey)privateKey).getBytes()
                .orElseThrow(() -> new IllegalArgumentException("Ed25519 private key without its seed"));
            libsodiumSecretKey = new byte[seed.length + rawPublicKey.length];
            System.arraycopy(seed, 0, libsodiumSecretKey, 0, seed.length);
            System.arraycopy(rawPublicKey, 0, libsodiumSecretKey, seed.length, rawPublicKey.length);
            bouncyCastle = null;
        }
        else
        {
            bouncyCastle = LoginSigner.of(privateKey, rawPublicKey);
            libsodiumSecretKey = null;
        }
    }

    /**
     * Which implementation signs, for the results.
     */
    static String implementation()
    {
        return null == LIBSODIUM_UNAVAILABLE_BECAUSE ? "libsodium" : "Bouncy Castle (" + LIBSODIUM_UNAVAILABLE_BECAUSE + ")";
    }

    /**
     * Sign the first {@code length} bytes of {@code message} into the first 64 bytes of {@code signature}.
     */
    void sign(final byte[] message, final int length, final byte[] signature)
    {
        if (null != libsodiumSecretKey)
        {
            if (0 != Binding.crypto_sign_detached(signature, null, message, length, libsodiumSecretKey))
            {
                throw new IllegalStateException("crypto_sign_detached failed");
            }
        }
        else
        {
            bouncyCastle.sign(message, 0, length, signature, 0);
        }
    }

    private static String loadLibsodium()
    {
        try
        {
            return Binding.sodium_init() < 0 ? "sodium_init failed" : null;
        }
        catch (final LinkageError ex)
        {
            return "libsodium not loaded";
        }
    }

    /**
     * JNA's direct mapping: static natives, no proxy or boxing per call.
     */
    private static final class Binding
    {
        static
        {
            Native.register(Binding.class, "sodium");
        }

        static native int sodium_init();

        static native int crypto_sign_detached(
            byte[] signature, Pointer signatureLength, byte[] message, long messageLength, byte[] secretKey);
    }
}
