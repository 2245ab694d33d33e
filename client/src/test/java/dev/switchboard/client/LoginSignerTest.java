package dev.switchboard.client;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginSignerTest
{
    @Test
    void shouldMakeTheSignatureTheJdkProviderMakesAndItVerifies() throws Exception
    {
        final KeyPair keyPair = DeviceIdentity.generateKeyPair();
        final byte[] rawPublicKey = DeviceIdentity.rawPublicKey(keyPair.getPublic());
        final LoginSigner signer = LoginSigner.of(keyPair.getPrivate(), rawPublicKey);
        for (int i = 0; i < 20; i++)
        {
            final byte[] nonce = new byte[32];
            ThreadLocalRandom.current().nextBytes(nonce);

            final Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(keyPair.getPrivate());
            jdk.update(nonce);
            // Ed25519 is deterministic: the same key and message give the same signature.
            assertArrayEquals(jdk.sign(), signer.sign(nonce));

            final Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(keyPair.getPublic());
            verifier.update(nonce);
            assertTrue(verifier.verify(signer.sign(nonce)));
        }
    }

    @Test
    void shouldSignASliceIntoTheGivenArray() throws Exception
    {
        final KeyPair keyPair = DeviceIdentity.generateKeyPair();
        final LoginSigner signer =
            LoginSigner.of(keyPair.getPrivate(), DeviceIdentity.rawPublicKey(keyPair.getPublic()));
        final byte[] message = new byte[48];
        ThreadLocalRandom.current().nextBytes(message);
        final byte[] slice = Arrays.copyOfRange(message, 8, 40);
        final byte[] into = new byte[LoginSigner.SIGNATURE_LENGTH + 3];

        signer.sign(message, 8, 32, into, 3);

        assertArrayEquals(signer.sign(slice), Arrays.copyOfRange(into, 3, into.length));
    }

    @Test
    void shouldRefuseAKeyThatIsNotEd25519() throws Exception
    {
        final KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> LoginSigner.of(ec.getPrivate(), new byte[32]));
    }
}
