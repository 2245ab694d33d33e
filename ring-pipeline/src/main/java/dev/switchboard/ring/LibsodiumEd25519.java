package dev.switchboard.ring;

import com.sun.jna.Native;

/**
 * Ed25519 verification (RFC 8032) by libsodium, the C library most Ed25519 users share, bound once through JNA's
 * direct mapping (static native methods: no proxy and no argument boxing per call). It verifies in about 42 us on a
 * 2 vCPU EPYC guest where Bouncy Castle takes about 68 us ({@code LoginVerifyBenchmark}), and a login's verify is
 * most of what a login costs the server. Where the library is not installed (Debian: {@code libsodium23}) the login
 * verifier keeps Bouncy Castle's.
 */
final class LibsodiumEd25519
{
    private static final String UNAVAILABLE_BECAUSE = load();

    private LibsodiumEd25519()
    {
    }

    /**
     * Whether libsodium was found and initialised in this process.
     */
    static boolean isAvailable()
    {
        return null == UNAVAILABLE_BECAUSE;
    }

    /**
     * Why libsodium is not used, or null when it is.
     */
    static String unavailableBecause()
    {
        return UNAVAILABLE_BECAUSE;
    }

    /**
     * Whether {@code signature} (64 bytes) is the key's signature over the whole of {@code message}. libsodium also
     * refuses a non-canonical S, a key of small order and a non-canonical key encoding. Only when
     * {@link #isAvailable()}.
     */
    static boolean verify(final byte[] publicKey, final byte[] message, final byte[] signature)
    {
        return 0 == Binding.crypto_sign_verify_detached(signature, message, message.length, publicKey);
    }

    private static String load()
    {
        try
        {
            return Binding.sodium_init() < 0 ? "sodium_init failed" : null;
        }
        catch (final LinkageError ex)
        {
            // JNA's own native part, or libsodium itself, is not there; JNA's message lists every path it tried.
            final String message = String.valueOf(ex.getMessage());
            final int lineEnd = message.indexOf('\n');
            return "libsodium not loaded, Debian package libsodium23: " +
                (lineEnd < 0 ? message : message.substring(0, lineEnd)).replaceAll("[:\\s]+$", "");
        }
    }

    /**
     * The direct-mapped functions; registering them loads the library, so a missing one fails this class alone.
     */
    private static final class Binding
    {
        static
        {
            Native.register(Binding.class, "sodium");
        }

        static native int sodium_init();

        static native int crypto_sign_verify_detached(byte[] signature, byte[] message, long messageLength, byte[] key);
    }
}
