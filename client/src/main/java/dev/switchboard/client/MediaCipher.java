package dev.switchboard.client;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Encryption of media files: AES-256-GCM through the JDK, in segments so neither side holds a whole file (the JDK's
 * GCM keeps all of a decryption in memory until the tag checks). Each segment of up to {@link #SEGMENT_BYTES} of
 * plaintext is sealed on its own with the nonce {@code noncePrefix (8 bytes) || segment index (4, big-endian)} and
 * one byte of associated data, 1 for the last segment and 0 for the others, so segments can be neither reordered,
 * dropped nor cut off at the end (the STREAM construction). An empty file is one empty segment.
 * <pre>
 *   ciphertext = seal(segment 0) || seal(segment 1) || ... ; seal(s) = AES-GCM(s) || tag (16 bytes)
 * </pre>
 * The key (32 bytes) and the nonce prefix are fresh from {@link SecureRandom} for every file and travel in the
 * {@link MediaReference}; the SHA-256 of the ciphertext is its digest and its id at the media service.
 */
public final class MediaCipher
{
    /** Plaintext bytes of each segment but the last. */
    public static final int SEGMENT_BYTES = 64 * 1024;
    public static final int KEY_BYTES = 32;
    public static final int NONCE_PREFIX_BYTES = 8;
    public static final int TAG_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = TAG_BYTES * 8;

    private MediaCipher()
    {
    }

    /** Segments of a plaintext of this many bytes. */
    public static long segments(final long plaintextBytes)
    {
        return Math.max(1, (plaintextBytes + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
    }

    /** Bytes of the ciphertext of a plaintext of this many bytes. */
    public static long ciphertextBytes(final long plaintextBytes)
    {
        return plaintextBytes + segments(plaintextBytes) * TAG_BYTES;
    }

    /**
     * Fresh key material: {@link #KEY_BYTES} of key then {@link #NONCE_PREFIX_BYTES} of nonce prefix.
     */
    public static byte[] newKeyAndNonce(final SecureRandom random)
    {
        final byte[] material = new byte[KEY_BYTES + NONCE_PREFIX_BYTES];
        random.nextBytes(material);
        return material;
    }

    /**
     * Encrypt {@code plain} into {@code sealed}; returns the SHA-256 of the ciphertext.
     */
    public static byte[] encrypt(final Path plain, final Path sealed, final byte[] key, final byte[] noncePrefix)
        throws IOException
    {
        try (FileChannel in = FileChannel.open(plain, StandardOpenOption.READ);
            FileChannel out = FileChannel.open(sealed, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING))
        {
            final long size = in.size();
            final long segments = segments(size);
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            final SecretKeySpec keySpec = new SecretKeySpec(key, "AES");
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] nonce = new byte[NONCE_BYTES];
            final ByteBuffer plainBuffer = ByteBuffer.allocate(SEGMENT_BYTES);
            final ByteBuffer sealedBuffer = ByteBuffer.allocate(SEGMENT_BYTES + TAG_BYTES);
            for (long index = 0; index < segments; index++)
            {
                plainBuffer.clear();
                readFully(in, plainBuffer);
                plainBuffer.flip();
                sealedBuffer.clear();
                init(cipher, Cipher.ENCRYPT_MODE, keySpec, noncePrefix, nonce, index, segments);
                cipher.doFinal(plainBuffer, sealedBuffer);
                sealedBuffer.flip();
                digest.update(sealedBuffer.array(), 0, sealedBuffer.limit());
                while (sealedBuffer.hasRemaining())
                {
                    out.write(sealedBuffer);
                }
            }
            return digest.digest();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    /**
     * Decrypt {@code sealed} into {@code plain}; false if any segment fails its tag or the length is not that of a
     * ciphertext (then {@code plain} holds nothing that was not authenticated, and the caller deletes it).
     */
    public static boolean decrypt(final Path sealed, final Path plain, final byte[] key, final byte[] noncePrefix)
        throws IOException
    {
        try (FileChannel in = FileChannel.open(sealed, StandardOpenOption.READ);
            FileChannel out = FileChannel.open(plain, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING))
        {
            final long size = in.size();
            final long fullSegments = size / (SEGMENT_BYTES + TAG_BYTES);
            final long rest = size % (SEGMENT_BYTES + TAG_BYTES);
            if (size < TAG_BYTES || (0 != rest && rest < TAG_BYTES))
            {
                return false;
            }
            final long segments = 0 == rest ? fullSegments : fullSegments + 1;
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            final SecretKeySpec keySpec = new SecretKeySpec(key, "AES");
            final byte[] nonce = new byte[NONCE_BYTES];
            final ByteBuffer sealedBuffer = ByteBuffer.allocate(SEGMENT_BYTES + TAG_BYTES);
            final ByteBuffer plainBuffer = ByteBuffer.allocate(SEGMENT_BYTES + TAG_BYTES);
            for (long index = 0; index < segments; index++)
            {
                sealedBuffer.clear();
                readFully(in, sealedBuffer);
                sealedBuffer.flip();
                plainBuffer.clear();
                init(cipher, Cipher.DECRYPT_MODE, keySpec, noncePrefix, nonce, index, segments);
                try
                {
                    cipher.doFinal(sealedBuffer, plainBuffer);
                }
                catch (final GeneralSecurityException ex)
                {
                    return false;
                }
                plainBuffer.flip();
                while (plainBuffer.hasRemaining())
                {
                    out.write(plainBuffer);
                }
            }
            return true;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    /**
     * Ready the cipher for one segment: its nonce, and whether it is the last as associated data.
     */
    private static void init(
        final Cipher cipher,
        final int mode,
        final SecretKeySpec keySpec,
        final byte[] noncePrefix,
        final byte[] nonce,
        final long index,
        final long segments) throws GeneralSecurityException
    {
        cipher.init(mode, keySpec, new GCMParameterSpec(TAG_BITS, nonce(noncePrefix, index, nonce)));
        cipher.updateAAD(new byte[]{ (byte)(index == segments - 1 ? 1 : 0) });
    }

    private static byte[] nonce(final byte[] prefix, final long index, final byte[] nonce)
    {
        if (index > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("file too large for one key: " + index + " segments");
        }
        System.arraycopy(prefix, 0, nonce, 0, NONCE_PREFIX_BYTES);
        nonce[8] = (byte)(index >>> 24);
        nonce[9] = (byte)(index >>> 16);
        nonce[10] = (byte)(index >>> 8);
        nonce[11] = (byte)index;
        return nonce;
    }

    private static void readFully(final FileChannel in, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (in.read(buffer) < 0)
            {
                return;
            }
        }
    }
}
