package dev.switchboard.codec;

import org.agrona.DirectBuffer;

/**
 * Cuts a byte stream into frames by their {@link Sofh} length. Stateless: the caller keeps the unconsumed tail of
 * a read (a partial frame) and presents it again, followed by the next bytes, on the next call.
 */
public final class FrameDecoder
{
    /**
     * Returned when the stream declares a frame length below the header or above the maximum: the stream cannot be
     * resynchronised and the connection must be closed.
     */
    public static final int CORRUPT_STREAM = -1;

    private final int maxFrameLength;

    public FrameDecoder(final int maxFrameLength)
    {
        if (maxFrameLength < Sofh.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("maxFrameLength below the header length: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * Why a stream that {@link #decode} reported corrupt is refused, from the length its next frame declares: the
     * prefix is unsigned on the wire, so one at or above 2^31 (negative as an int) is too long, as is any above the
     * maximum; one below the framing header is too short.
     */
    public static FrameRejection corruptionOf(final int declaredLength, final int maxFrameLength)
    {
        return declaredLength < 0 || declaredLength > maxFrameLength ?
            FrameRejection.TOO_LONG : FrameRejection.TOO_SHORT;
    }

    /**
     * Hand every complete frame in {@code [offset, offset + length)} to the handler.
     *
     * @return the number of bytes consumed (whole frames only), or {@link #CORRUPT_STREAM}.
     */
    public int decode(final DirectBuffer buffer, final int offset, final int length, final FrameHandler handler)
    {
        int position = offset;
        final int end = offset + length;
        while (end - position >= Sofh.HEADER_LENGTH)
        {
            final int frameLength = Sofh.frameLength(buffer, position);
            if (frameLength < Sofh.HEADER_LENGTH || frameLength > maxFrameLength)
            {
                return CORRUPT_STREAM;
            }
            if (end - position < frameLength)
            {
                break;
            }
            handler.onFrame(buffer, position, frameLength);
            position += frameLength;
        }

        return position - offset;
    }
}
