package dev.switchboard.ring;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginVerifierTest
{
    private final LoginVerifier verifier = new LoginVerifier();
    private final byte[] nonce = new byte[32];

    LoginVerifierTest()
    {
        new Random(42).nextBytes(nonce);
    }

    @Test
    void shouldAcceptAProofSignedByTheJdkWhichClientsUse() throws Exception
    {
        final KeyPair pair = newKeyPair();
        final byte[] key = rawPublicKey(pair);

        assertTrue(LoginVerifier.isValidPublicKey(key));
        assertTrue(verifier.verify(key, nonce, sign(pair, nonce), LoginVerifier.SIGNATURE_LENGTH));
    }

    @Test
    void shouldRefuseAnotherKeysProofAChangedNonceOrAChangedSignature() throws Exception
    {
        final KeyPair pair = newKeyPair();
        final byte[] key = rawPublicKey(pair);
        final byte[] proof = sign(pair, nonce);

        assertFalse(verifier.verify(rawPublicKey(newKeyPair()), nonce, proof, proof.length));

        final byte[] otherNonce = nonce.clone();
        otherNonce[7] ^= 1;
        assertFalse(verifier.verify(key, otherNonce, proof, proof.length));

        for (final int index : new int[]{ 0, 31, 32, 63 })
        {
            final byte[] changed = proof.clone();
            changed[index] ^= 0x10;
            assertFalse(verifier.verify(key, nonce, changed, changed.length), "byte " + index);
        }
        assertFalse(verifier.verify(key, nonce, proof, proof.length - 1));
    }

    @Test
    void shouldRefuseKeysThatAreNotUsablePoints()
    {
        assertFalse(LoginVerifier.isValidPublicKey(new byte[32]), "small order point (y = 0)");
        final byte[] identity = new byte[32];
        identity[0] = 1;
        assertFalse(LoginVerifier.isValidPublicKey(identity), "the identity");
        final byte[] notOnCurve = new byte[32];
        Arrays.fill(notOnCurve, (byte)0xFF);
        notOnCurve[31] = 0x7F;
        assertFalse(LoginVerifier.isValidPublicKey(notOnCurve), "y not reduced");
        assertFalse(LoginVerifier.isValidPublicKey(new byte[31]));
    }

    private static KeyPair newKeyPair() throws Exception
    {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static byte[] rawPublicKey(final KeyPair pair)
    {
        final byte[] encoded = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    private static byte[] sign(final KeyPair pair, final byte[] message) throws Exception
    {
        final Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(pair.getPrivate());
        signature.update(message);
        return signature.sign();
    }
}
