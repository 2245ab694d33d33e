package dev.switchboard.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The Simple Open Framing Header that precedes every frame on a connection.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          Message Length (big-endian, includes this header)    |
 *  +-------------------------------+-------------------------------+
 *  |  Encoding Type 0x5BE0 (BE)    |  SBE message header ...       |
 *  +-------------------------------+-------------------------------+
 * </pre>
 * 0x5BE0 is the SOFH code for SBE version 1.0 little-endian.
 */
public final class Sofh
{
    public static final int LENGTH_OFFSET = 0;
    public static final int ENCODING_TYPE_OFFSET = 4;
    public static final int HEADER_LENGTH = 6;
    public static final int SBE_LITTLE_ENDIAN_ENCODING = 0x5BE0;

    private Sofh()
    {
    }

    /**
     * Length of the whole frame, header included, as the sender declared it (unvalidated).
     */
    public static int frameLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + LENGTH_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public static int encodingType(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + ENCODING_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Write a header for a frame whose SBE message (header included) is {@code messageLength} bytes.
     */
    public static void write(final MutableDirectBuffer buffer, final int offset, final int messageLength)
    {
        buffer.putInt(offset + LENGTH_OFFSET, HEADER_LENGTH + messageLength, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + ENCODING_TYPE_OFFSET, (short)SBE_LITTLE_ENDIAN_ENCODING, ByteOrder.BIG_ENDIAN);
    }
}
