package dev.switchboard.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What a device signs to log in in one round trip ({@code LoginSigned}): a context tag, its address and a timestamp
 * on the server's clock. Both ends build it the same way. At 26 bytes it can never be taken for a 32-byte
 * {@code LoginChallenge} nonce, so a signature made for one kind of login is no proof for the other.
 * <pre>
 *   "SBLOGIN1" (8 ASCII bytes) | userId (uint64) | deviceId (uint16) | timestampMs (uint64), little-endian
 * </pre>
 */
public final class SignedLogin
{
    public static final int LENGTH = 8 + 8 + 2 + 8;

    private static final byte[] CONTEXT = "SBLOGIN1".getBytes(StandardCharsets.US_ASCII);
    private static final int USER_ID_OFFSET = CONTEXT.length;
    private static final int DEVICE_ID_OFFSET = USER_ID_OFFSET + Long.BYTES;
    private static final int TIMESTAMP_OFFSET = DEVICE_ID_OFFSET + Short.BYTES;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[LENGTH]);

    /**
     * Write the message for one login attempt into the array this instance owns, and return that array.
     */
    public byte[] message(final long userId, final int deviceId, final long timestampMs)
    {
        buffer.putBytes(0, CONTEXT);
        buffer.putLong(USER_ID_OFFSET, userId, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(DEVICE_ID_OFFSET, (short)deviceId, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(TIMESTAMP_OFFSET, timestampMs, ByteOrder.LITTLE_ENDIAN);
        return buffer.byteArray();
    }
}
