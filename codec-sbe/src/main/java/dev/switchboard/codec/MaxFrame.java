package dev.switchboard.codec;

import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import org.agrona.SystemUtil;

/**
 * Frame size limits. The default admits the largest opaque payload (65,534 bytes, the most a uint16 var-data
 * length may declare) with room for the framing header, message header, block and var-data header of any
 * message: 64 KiB + 512 = 66,048 bytes per frame, header included.
 */
public final class MaxFrame
{
    /** Largest payload of a Send, SendGroup or Deliver. */
    public static final int MAX_PAYLOAD_LENGTH = 65_534;

    /** Smallest frame that can carry a message: framing header plus SBE message header. */
    public static final int MIN_FRAME_LENGTH = Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;

    /** Default largest frame, framing header included. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 66_048;

    /**
     * Smallest setting allowed: every frame the server itself sends (login, receipts, acks, errors) fits, and so does
     * the ring's default slot ({@code switchboard.ring.slot.frame.length}, 1 KiB), which may not exceed it.
     */
    public static final int MIN_MAX_FRAME_LENGTH = 1024;

    /** System property that overrides {@link #DEFAULT_MAX_FRAME_LENGTH}, e.g. {@code 128k}. */
    public static final String MAX_FRAME_LENGTH_PROP_NAME = "switchboard.codec.max.frame.length";

    /**
     * The edge's former knob, read by nothing since the codec's one rules the edge, ring and journal alike: a server
     * started with it refuses to start rather than quietly ignore it.
     */
    public static final String REMOVED_EDGE_PROP_NAME = "switchboard.edge.max.frame.length";

    private MaxFrame()
    {
    }

    /**
     * The configured largest frame: {@link #MAX_FRAME_LENGTH_PROP_NAME} if set, else the default.
     */
    public static int maxFrameLength()
    {
        if (null != System.getProperty(REMOVED_EDGE_PROP_NAME))
        {
            throw new IllegalStateException(REMOVED_EDGE_PROP_NAME + " is no longer read: set " +
                MAX_FRAME_LENGTH_PROP_NAME + " instead (one limit for the edge, ring and journal)");
        }
        final int maxFrameLength = SystemUtil.getSizeAsInt(MAX_FRAME_LENGTH_PROP_NAME, DEFAULT_MAX_FRAME_LENGTH);
        if (maxFrameLength < MIN_MAX_FRAME_LENGTH)
        {
            throw new IllegalStateException(MAX_FRAME_LENGTH_PROP_NAME + " below " + MIN_MAX_FRAME_LENGTH + ": " +
                maxFrameLength);
        }

        return maxFrameLength;
    }
}
