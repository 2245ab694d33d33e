package dev.switchboard.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaCipherTest
{
    @TempDir
    Path dir;

    private final byte[] material = MediaCipher.newKeyAndNonce(new SecureRandom());
    private final byte[] key = Arrays.copyOf(material, MediaCipher.KEY_BYTES);
    private final byte[] nonce = Arrays.copyOfRange(material, MediaCipher.KEY_BYTES, material.length);

    private Path plain(final int length) throws Exception
    {
        final byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        final Path file = dir.resolve("plain-" + length);
        Files.write(file, bytes);
        return file;
    }

    @Test
    void shouldRoundTripAcrossSegmentBoundariesWithTheDigestOfTheCiphertext() throws Exception
    {
        for (final int length : new int[]{ 0, 1, MediaCipher.SEGMENT_BYTES - 1, MediaCipher.SEGMENT_BYTES,
            MediaCipher.SEGMENT_BYTES + 1, 3 * MediaCipher.SEGMENT_BYTES + 17 })
        {
            final Path plain = plain(length);
            final Path sealed = dir.resolve("sealed");
            final Path opened = dir.resolve("opened");
            final byte[] digest = MediaCipher.encrypt(plain, sealed, key, nonce);
            assertEquals(MediaCipher.ciphertextBytes(length), Files.size(sealed), "length " + length);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(sealed)), digest);
            assertTrue(MediaCipher.decrypt(sealed, opened, key, nonce));
            assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(opened), "length " + length);
        }
    }

    @Test
    void shouldRefuseAFlippedBitATruncationAReorderAndAnotherKey() throws Exception
    {
        final Path plain = plain(3 * MediaCipher.SEGMENT_BYTES);
        final Path sealed = dir.resolve("sealed");
        final Path opened = dir.resolve("opened");
        MediaCipher.encrypt(plain, sealed, key, nonce);
        final byte[] ciphertext = Files.readAllBytes(sealed);
        final int sealedSegment = MediaCipher.SEGMENT_BYTES + MediaCipher.TAG_BYTES;

        final byte[] flipped = ciphertext.clone();
        flipped[sealedSegment + 5] ^= 1;
        assertFalse(open(flipped, key, opened));

        // dropping the last segment leaves a stream whose new last segment was not sealed as last
        assertFalse(open(Arrays.copyOf(ciphertext, 2 * sealedSegment), key, opened));

        final byte[] swapped = ciphertext.clone();
        System.arraycopy(ciphertext, 0, swapped, sealedSegment, sealedSegment);
        System.arraycopy(ciphertext, sealedSegment, swapped, 0, sealedSegment);
        assertFalse(open(swapped, key, opened));

        final byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertFalse(open(ciphertext, otherKey, opened));
        assertFalse(open(new byte[5], key, opened));
        assertTrue(open(ciphertext, key, opened));
    }

    private boolean open(final byte[] ciphertext, final byte[] key, final Path opened) throws Exception
    {
        final Path sealed = dir.resolve("tampered");
        Files.write(sealed, ciphertext);
        return MediaCipher.decrypt(sealed, opened, key, nonce);
    }

    @Test
    void shouldEncodeAndDecodeAReferenceAndRejectMalformedOnes()
    {
        final byte[] digest = new byte[32];
        digest[31] = 7;
        final MediaReference reference = new MediaReference("http://127.0.0.1:7421/media/" + "00".repeat(31) + "07",
            key, nonce, digest, MediaCipher.ciphertextBytes(1000), 1000, "image/jpeg", "cat.jpg", new byte[]{ 1, 2 });
        final byte[] payload = reference.encode();
        assertTrue(MediaReference.isReference(payload));
        final MediaReference decoded = MediaReference.decode(payload);
        assertNotNull(decoded);
        assertEquals(reference.url(), decoded.url());
        assertArrayEquals(key, decoded.key());
        assertArrayEquals(nonce, decoded.noncePrefix());
        assertArrayEquals(digest, decoded.digest());
        assertEquals(1000, decoded.plaintextBytes());
        assertEquals("image/jpeg", decoded.mimeType());
        assertEquals("cat.jpg", decoded.fileName());
        assertArrayEquals(new byte[]{ 1, 2 }, decoded.thumbnail());
        assertEquals("00".repeat(31) + "07", decoded.mediaId());

        assertFalse(MediaReference.isReference("hello".getBytes()));
        for (int length = 0; length < payload.length; length++)
        {
            assertNull(MediaReference.decode(Arrays.copyOf(payload, length)), "cut at " + length);
        }
        final byte[] longer = Arrays.copyOf(payload, payload.length + 1);
        assertNull(MediaReference.decode(longer));
        final MediaReference inconsistent = new MediaReference(reference.url(), key, nonce, digest, 1000, 1000,
            "image/jpeg", "cat.jpg", new byte[0]);
        assertNull(MediaReference.decode(inconsistent.encode()), "ciphertext size must fit the plaintext size");
    }

    @Test
    void shouldKeepOnlyAPlainFileName()
    {
        assertEquals("passwd", MediaDownloader.safeName("../../etc/passwd"));
        assertEquals("evil.exe", MediaDownloader.safeName("C:\\evil.exe"));
        assertEquals("_hidden", MediaDownloader.safeName(".hidden"));
        assertEquals("media", MediaDownloader.safeName(""));
        assertEquals("a_b.txt", MediaDownloader.safeName("a*b.txt"));
    }
}
