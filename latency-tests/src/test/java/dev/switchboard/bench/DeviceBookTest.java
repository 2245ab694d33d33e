package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceBookTest
{
    @TempDir
    File dataDir;

    @Test
    void shouldKeepRegisteredDevicesAndTheLoginKeyAcrossOpens() throws Exception
    {
        final DeviceBook book = DeviceBook.open(dataDir);
        final List<Device> missing = book.missing(3);
        assertEquals(List.of("+199900000000", "+199900000001", "+199900000002"),
            missing.stream().map(device -> device.phone).toList());
        missing.get(0).userId = 100;
        missing.get(0).deviceId = 1;
        missing.get(1).userId = 101;
        missing.get(1).deviceId = 1;
        book.addRegistered(missing);

        final DeviceBook reopened = DeviceBook.open(dataDir);
        assertEquals(2, reopened.size(), "stops at the first device that did not register");
        assertEquals(101, reopened.get(1).userId);
        assertArrayEquals(book.rawPublicKey(), reopened.rawPublicKey());
        assertEquals(1, reopened.missing(3).size());

        final Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(reopened.privateKey());
        signer.update(new byte[]{ 1, 2, 3 });
        final byte[] signature = signer.sign();
        // X.509 prefix of an Ed25519 public key followed by the raw 32 bytes the server is given.
        final PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
            HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(book.rawPublicKey()))));
        final Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(new byte[]{ 1, 2, 3 });
        assertTrue(verifier.verify(signature), "the stored private key signs for the raw public key");
    }
}
