package dev.switchboard.ring;

/**
 * The login verifier as the server builds it for a value of {@code switchboard.login.signatures}, for a benchmark
 * to measure the server's own call. It sits in the ring's package because {@link LoginVerifier} is package-private.
 */
public final class LoginVerifierBenchFixture
{
    private final LoginVerifier verifier;

    /**
     * @param implementation "libsodium" or "bouncycastle"; refused when libsodium is asked for and cannot be loaded,
     *                       so a run never measures the fallback under libsodium's name.
     */
    public LoginVerifierBenchFixture(final String implementation)
    {
        RingConfiguration.checkLoginSignatures(implementation);
        if (LoginVerifier.LIBSODIUM.equals(implementation) && !LoginVerifier.usesLibsodium(implementation))
        {
            throw new IllegalStateException(LibsodiumEd25519.unavailableBecause());
        }
        verifier = new LoginVerifier(implementation);
    }

    public boolean verify(final byte[] rawPublicKey, final byte[] message, final byte[] signature)
    {
        return verifier.verify(rawPublicKey, message, signature, signature.length);
    }
}
