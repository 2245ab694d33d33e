package dev.switchboard.codec;

import org.agrona.DirectBuffer;

/**
 * Receives whole frames cut from a byte stream by {@link FrameDecoder}.
 */
@FunctionalInterface
public interface FrameHandler
{
    /**
     * @param buffer holding the frame, valid only for the duration of the call.
     * @param offset of the frame's {@link Sofh} header.
     * @param length of the frame, header included.
     */
    void onFrame(DirectBuffer buffer, int offset, int length);
}
