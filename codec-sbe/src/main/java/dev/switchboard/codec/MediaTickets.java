package dev.switchboard.codec;

import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The media upload ticket: issued by the ring to a logged-in device (MediaTicket frame), checked by the media service
 * without the ring. An HMAC-SHA256 under a server secret over who may upload how much until when; the random nonce
 * makes every ticket distinct. Little-endian:
 * <pre>
 *   0        1          9          11          19             27        35                     67
 *   | version | userId  | deviceId | maxBytes  | expiresAtMs  | nonce   | HMAC-SHA256(0..35)   |
 * </pre>
 * One instance per thread: the MAC and scratch are reused.
 */
public final class MediaTickets
{
    /** Format of the ticket bytes. */
    public static final byte VERSION = 1;
    /** Bytes of a ticket. */
    public static final int LENGTH = 67;
    /** Bytes of the secret key. */
    public static final int SECRET_LENGTH = 32;
    private static final int SIGNED_LENGTH = 35;
    private static final int MAC_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;
    private final byte[] expected = new byte[MAC_LENGTH];
    private final byte[] actual = new byte[MAC_LENGTH];
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private long userId;
    private int deviceId;
    private long maxBytes;
    private long expiresAtMs;

    public MediaTickets(final byte[] secret)
    {
        if (null == secret || secret.length < SECRET_LENGTH)
        {
            throw new IllegalArgumentException("media ticket secret must have " + SECRET_LENGTH + " bytes");
        }
        try
        {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Write a ticket into {@code dst} at {@code offset}; returns {@link #LENGTH}.
     */
    public int issue(
        final long userId,
        final int deviceId,
        final long maxBytes,
        final long expiresAtMs,
        final long nonce,
        final byte[] dst,
        final int offset)
    {
        view.wrap(dst, offset, LENGTH);
        view.putByte(0, VERSION);
        view.putLong(1, userId);
        view.putShort(9, (short)deviceId);
        view.putLong(11, maxBytes);
        view.putLong(19, expiresAtMs);
        view.putLong(27, nonce);
        sign(dst, offset, dst, offset + SIGNED_LENGTH);
        return LENGTH;
    }

    /**
     * Check a ticket's format and signature (not its expiry); on success its fields are readable from the getters.
     */
    public boolean verify(final byte[] ticket, final int offset, final int length)
    {
        if (LENGTH != length || VERSION != ticket[offset])
        {
            return false;
        }
        sign(ticket, offset, expected, 0);
        System.arraycopy(ticket, offset + SIGNED_LENGTH, actual, 0, MAC_LENGTH);
        if (!MessageDigest.isEqual(expected, actual))
        {
            return false;
        }
        view.wrap(ticket, offset, LENGTH);
        userId = view.getLong(1);
        deviceId = view.getShort(9) & 0xFFFF;
        maxBytes = view.getLong(11);
        expiresAtMs = view.getLong(19);
        return true;
    }

    public long userId()
    {
        return userId;
    }

    public int deviceId()
    {
        return deviceId;
    }

    public long maxBytes()
    {
        return maxBytes;
    }

    public long expiresAtMs()
    {
        return expiresAtMs;
    }

    private void sign(final byte[] src, final int offset, final byte[] dst, final int dstOffset)
    {
        try
        {
            mac.update(src, offset, SIGNED_LENGTH);
            mac.doFinal(dst, dstOffset);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
