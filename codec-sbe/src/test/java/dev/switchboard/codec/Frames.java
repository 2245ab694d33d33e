package dev.switchboard.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Builds test frames from {@link TypicalFrames} and edits them in place.
 */
final class Frames
{
    static final int HEADER = Sofh.HEADER_LENGTH;
    static final int BLOCK = MaxFrame.MIN_FRAME_LENGTH;

    private Frames()
    {
    }

    /**
     * The typical frame of a message type, alone in an exactly sized buffer.
     */
    static UnsafeBuffer typical(final String message)
    {
        for (final TypicalFrames.Sample sample : TypicalFrames.all())
        {
            if (sample.message().equals(message))
            {
                return write(sample.writer());
            }
        }
        throw new IllegalArgumentException("no typical " + message);
    }

    static UnsafeBuffer write(final TypicalFrames.Writer writer)
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MaxFrame.DEFAULT_MAX_FRAME_LENGTH]);
        final int length = writer.write(scratch, 0);
        final byte[] frame = new byte[length];
        scratch.getBytes(0, frame);

        return new UnsafeBuffer(frame);
    }

    static void putUint16(final UnsafeBuffer frame, final int index, final int value)
    {
        frame.putShort(index, (short)value, ByteOrder.LITTLE_ENDIAN);
    }

    static int uint16(final UnsafeBuffer frame, final int index)
    {
        return frame.getShort(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * Insert bytes into a frame and fix its framing header.
     */
    static UnsafeBuffer insert(final UnsafeBuffer frame, final int index, final byte[] bytes)
    {
        final byte[] result = new byte[frame.capacity() + bytes.length];
        frame.getBytes(0, result, 0, index);
        System.arraycopy(bytes, 0, result, index, bytes.length);
        frame.getBytes(index, result, index + bytes.length, frame.capacity() - index);
        final UnsafeBuffer grown = new UnsafeBuffer(result);
        grown.putInt(0, result.length, ByteOrder.BIG_ENDIAN);

        return grown;
    }

    static String hex(final UnsafeBuffer frame, final int offset, final int length)
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            builder.append(String.format("%02x", frame.getByte(offset + i) & 0xFF));
        }

        return builder.toString();
    }

    static byte[] unhex(final String hex)
    {
        final String digits = hex.replace(" ", "");
        final byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }

        return bytes;
    }
}
