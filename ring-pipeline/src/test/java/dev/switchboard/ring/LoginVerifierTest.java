package dev.switchboard.ring;

import org.agrona.BitUtil;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LoginVerifierTest
{
    /** The scalar field's order L, little-endian, as a signature's S is encoded. */
    private static final byte[] GROUP_ORDER = BitUtil.fromHex(
        "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    private final byte[] nonce = new byte[32];

    LoginVerifierTest()
    {
        new Random(42).nextBytes(nonce);
    }

    @ParameterizedTest
    @ValueSource(strings = { LoginVerifier.LIBSODIUM, LoginVerifier.BOUNCY_CASTLE })
    void shouldAcceptAProofSignedByTheJdkWhichClientsUse(final String implementation) throws Exception
    {
        final LoginVerifier verifier = verifier(implementation);
        for (int i = 0; i < 16; i++)
        {
            final KeyPair pair = newKeyPair(); // keys of both signs of x among them
            final byte[] key = rawPublicKey(pair);

            assertTrue(LoginVerifier.isValidPublicKey(key));
            assertTrue(verifier.verify(key, nonce, sign(pair, nonce), LoginVerifier.SIGNATURE_LENGTH));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { LoginVerifier.LIBSODIUM, LoginVerifier.BOUNCY_CASTLE })
    void shouldAcceptTheRfc8032TestVectors(final String implementation)
    {
        final LoginVerifier verifier = verifier(implementation);
        // RFC 8032 section 7.1, tests 1 to 3: empty, one-byte and two-byte messages.
        assertTrue(verifier.verify(
            BitUtil.fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            new byte[0],
            BitUtil.fromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155" +
                "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
            64));
        assertTrue(verifier.verify(
            BitUtil.fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
            BitUtil.fromHex("72"),
            BitUtil.fromHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" +
                "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
            64));
        assertTrue(verifier.verify(
            BitUtil.fromHex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"),
            BitUtil.fromHex("af82"),
            BitUtil.fromHex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac" +
                "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
            64));
    }

    @ParameterizedTest
    @ValueSource(strings = { LoginVerifier.LIBSODIUM, LoginVerifier.BOUNCY_CASTLE })
    void shouldRefuseAnotherKeysProofAChangedNonceOrAChangedSignature(final String implementation) throws Exception
    {
        final LoginVerifier verifier = verifier(implementation);
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
        assertFalse(verifier.verify(Arrays.copyOf(key, 31), nonce, proof, proof.length));
    }

    @ParameterizedTest
    @ValueSource(strings = { LoginVerifier.LIBSODIUM, LoginVerifier.BOUNCY_CASTLE })
    void shouldRefuseTheSameSignatureWithSPlusTheGroupOrder(final String implementation) throws Exception
    {
        final LoginVerifier verifier = verifier(implementation);
        final KeyPair pair = newKeyPair();
        final byte[] key = rawPublicKey(pair);
        final byte[] proof = sign(pair, nonce);

        // S + L is the same scalar, so a verifier without the canonical check would accept this second proof.
        final byte[] malleated = proof.clone();
        int carry = 0;
        for (int i = 0; i < 32; i++)
        {
            final int sum = (malleated[32 + i] & 0xFF) + (GROUP_ORDER[i] & 0xFF) + carry;
            malleated[32 + i] = (byte)sum;
            carry = sum >>> 8;
        }
        assertEquals(0, carry);

        assertTrue(verifier.verify(key, nonce, proof, proof.length));
        assertFalse(verifier.verify(key, nonce, malleated, malleated.length));
    }

    @Test
    void shouldAgreeWithBouncyCastleOnRandomlyDamagedProofs() throws Exception
    {
        assumeLibsodium();
        final LoginVerifier libsodium = new LoginVerifier(LoginVerifier.LIBSODIUM);
        final LoginVerifier bouncyCastle = new LoginVerifier(LoginVerifier.BOUNCY_CASTLE);
        final Random random = new Random(7);
        final byte[] privateKey = new byte[Ed25519.SECRET_KEY_SIZE];
        final byte[] key = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
        final byte[] proof = new byte[LoginVerifier.SIGNATURE_LENGTH];
        int accepted = 0;
        for (int i = 0; i < 500; i++)
        {
            random.nextBytes(privateKey);
            random.nextBytes(nonce);
            Ed25519.generatePublicKey(privateKey, 0, key, 0);
            Ed25519.sign(privateKey, 0, key, 0, nonce, 0, nonce.length, proof, 0);
            if (random.nextBoolean())
            {
                final byte[] target = random.nextBoolean() ? proof : random.nextBoolean() ? key : nonce;
                target[random.nextInt(target.length)] ^= (byte)(1 << random.nextInt(8));
            }
            final boolean expected = bouncyCastle.verify(key, nonce, proof, proof.length);
            assertEquals(expected, libsodium.verify(key, nonce, proof, proof.length), "case " + i);
            accepted += expected ? 1 : 0;
        }
        assertTrue(accepted > 200 && accepted < 300, "about half the proofs are left whole: " + accepted);
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

    @Test
    void shouldRefuseAnUnknownImplementationName()
    {
        assertEquals(LoginVerifier.BOUNCY_CASTLE, RingConfiguration.checkLoginSignatures("bouncycastle"));
        final IllegalArgumentException refused = assertThrows(
            IllegalArgumentException.class, () -> RingConfiguration.checkLoginSignatures("openssl"));
        assertTrue(refused.getMessage().contains(RingConfiguration.LOGIN_SIGNATURES_PROP_NAME));
    }

    private static LoginVerifier verifier(final String implementation)
    {
        if (LoginVerifier.LIBSODIUM.equals(implementation))
        {
            assumeLibsodium();
        }
        return new LoginVerifier(implementation);
    }

    /**
     * libsodium is a system library (Debian: libsodium23, which the CI script installs); without it the server falls
     * back to Bouncy Castle, which the other half of these tests covers.
     */
    private static void assumeLibsodium()
    {
        assumeTrue(LibsodiumEd25519.isAvailable(), LibsodiumEd25519.unavailableBecause());
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
