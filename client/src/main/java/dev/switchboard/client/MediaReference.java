package dev.switchboard.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The message that stands for a media file: where its ciphertext is, how to check and decrypt it, what it is. Sent as
 * the payload of an ordinary Send or SendGroup; recognised by its magic. Version 1, little-endian:
 * <pre>
 *   "SBMR" | version (1) = 1 | key (32) | noncePrefix (8) | digest: SHA-256 of the ciphertext (32)
 *   | ciphertextBytes (8) | plaintextBytes (8)
 *   | url: uint16 length + UTF-8 | mimeType: uint8 length + UTF-8 | fileName: uint8 length + UTF-8
 *   | thumbnail: uint16 length + JPEG bytes (0: none)
 * </pre>
 * A reader skips nothing it does not know: a later version gets a new version byte.
 */
public record MediaReference(
    String url,
    byte[] key,
    byte[] noncePrefix,
    byte[] digest,
    long ciphertextBytes,
    long plaintextBytes,
    String mimeType,
    String fileName,
    byte[] thumbnail)
{
    /** Format version this SDK writes and reads. */
    public static final byte VERSION = 1;
    /** Longest thumbnail carried (JPEG bytes). */
    public static final int MAX_THUMBNAIL_BYTES = 16 * 1024;
    private static final byte[] MAGIC = { 'S', 'B', 'M', 'R' };
    private static final int DIGEST_BYTES = 32;
    private static final int MAX_SHORT_TEXT = 255;
    private static final int MAX_URL = 2048;

    /**
     * Whether a payload is a media reference (by its magic and version; {@link #decode} checks the rest).
     */
    public static boolean isReference(final byte[] payload)
    {
        return null != payload && payload.length > MAGIC.length &&
            Arrays.equals(payload, 0, MAGIC.length, MAGIC, 0, MAGIC.length) && VERSION == payload[MAGIC.length];
    }

    /**
     * The reference in a payload, or null if it is not a well-formed one.
     */
    public static MediaReference decode(final byte[] payload)
    {
        if (!isReference(payload))
        {
            return null;
        }
        try
        {
            final ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
            in.position(MAGIC.length + 1);
            final byte[] key = bytes(in, MediaCipher.KEY_BYTES);
            final byte[] noncePrefix = bytes(in, MediaCipher.NONCE_PREFIX_BYTES);
            final byte[] digest = bytes(in, DIGEST_BYTES);
            final long ciphertextBytes = in.getLong();
            final long plaintextBytes = in.getLong();
            final String url = text(in, in.getShort() & 0xFFFF);
            final String mimeType = text(in, in.get() & 0xFF);
            final String fileName = text(in, in.get() & 0xFF);
            final byte[] thumbnail = bytes(in, in.getShort() & 0xFFFF);
            if (in.hasRemaining() || ciphertextBytes != MediaCipher.ciphertextBytes(plaintextBytes) ||
                plaintextBytes < 0 || url.length() > MAX_URL || thumbnail.length > MAX_THUMBNAIL_BYTES)
            {
                return null;
            }
            return new MediaReference(
                url, key, noncePrefix, digest, ciphertextBytes, plaintextBytes, mimeType, fileName, thumbnail);
        }
        catch (final RuntimeException ex)
        {
            return null; // short or inconsistent: not a reference this SDK can use
        }
    }

    /**
     * The payload bytes.
     */
    public byte[] encode()
    {
        final byte[] urlBytes = url.getBytes(StandardCharsets.UTF_8);
        final byte[] mimeBytes = truncated(mimeType);
        final byte[] nameBytes = truncated(fileName);
        final byte[] thumb = null == thumbnail ? new byte[0] : thumbnail;
        if (urlBytes.length > MAX_URL || thumb.length > MAX_THUMBNAIL_BYTES || key.length != MediaCipher.KEY_BYTES ||
            noncePrefix.length != MediaCipher.NONCE_PREFIX_BYTES || digest.length != DIGEST_BYTES)
        {
            throw new IllegalArgumentException("media reference out of range");
        }
        final ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 1 + MediaCipher.KEY_BYTES +
            MediaCipher.NONCE_PREFIX_BYTES + DIGEST_BYTES + 16 + 2 + urlBytes.length + 1 + mimeBytes.length + 1 +
            nameBytes.length + 2 + thumb.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put(VERSION).put(key).put(noncePrefix).put(digest)
            .putLong(ciphertextBytes).putLong(plaintextBytes)
            .putShort((short)urlBytes.length).put(urlBytes)
            .put((byte)mimeBytes.length).put(mimeBytes)
            .put((byte)nameBytes.length).put(nameBytes)
            .putShort((short)thumb.length).put(thumb);
        return out.array();
    }

    /** The blob's id at the media service: the hex SHA-256 of the ciphertext. */
    public String mediaId()
    {
        final StringBuilder hex = new StringBuilder(2 * DIGEST_BYTES);
        for (final byte b : digest)
        {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

    private static byte[] truncated(final String text)
    {
        final byte[] bytes = (null == text ? "" : text).getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_SHORT_TEXT ? bytes : Arrays.copyOf(bytes, MAX_SHORT_TEXT);
    }

    private static byte[] bytes(final ByteBuffer in, final int length)
    {
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String text(final ByteBuffer in, final int length)
    {
        return new String(bytes(in, length), StandardCharsets.UTF_8);
    }
}
