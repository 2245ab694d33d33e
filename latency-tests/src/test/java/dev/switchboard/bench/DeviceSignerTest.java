package dev.switchboard.bench;

import dev.switchboard.client.DeviceIdentity;
import dev.switchboard.client.LoginSigner;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceSignerTest
{
    @Test
    void shouldMakeTheSdksSignatureWhicheverImplementationSigns() throws Exception
    {
        final Random random = new Random(7);
        for (int key = 0; key < 8; key++)
        {
            final KeyPair keyPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            final byte[] rawPublicKey = DeviceIdentity.rawPublicKey(keyPair.getPublic());
            final DeviceSigner signer = new DeviceSigner(keyPair.getPrivate(), rawPublicKey);
            final LoginSigner sdk = LoginSigner.of(keyPair.getPrivate(), rawPublicKey);

            final byte[] nonce = new byte[64];
            random.nextBytes(nonce);
            final int length = 32;
            final byte[] signature = new byte[DeviceSigner.SIGNATURE_LENGTH];
            signer.sign(nonce, length, signature);

            assertArrayEquals(sdk.sign(Arrays.copyOf(nonce, length)), signature, DeviceSigner.implementation());
            final Signature jdk = Signature.getInstance("Ed25519");
            jdk.initVerify(keyPair.getPublic());
            jdk.update(nonce, 0, length);
            assertTrue(jdk.verify(signature));
            jdk.initVerify(keyPair.getPublic());
            jdk.update(nonce, 0, length + 1);
            assertFalse(jdk.verify(signature), "signs only the first length bytes");
        }
    }
}
