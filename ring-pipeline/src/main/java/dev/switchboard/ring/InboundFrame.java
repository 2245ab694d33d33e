package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

/**
 * The request part of a ring slot: the frame as the edge validated it, in the slot's own buffer or, when larger
 * than a slot, in one borrowed from the {@link LargeFrameBufferPool}; and its header, read once by the session stage.
 */
final class InboundFrame
{
    /** Where a frame's message body starts: after the framing header and the SBE message header. */
    static final int BODY_OFFSET = Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;

    /** The frame, {@link Sofh} header included, at offset 0. */
    final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer inlineBuffer;
    /** Borrowed from the pool for a frame larger than a slot; the delivery stage, last, gives it back. */
    UnsafeBuffer largeBuffer;

    int templateId;
    /** Block length and schema version of the frame's message. */
    int blockLength;
    int version;
    /** The request's correlation id: the first field of every request. */
    long requestId;
    /** When the edge published the frame (System.nanoTime), or 0 when service times are off. */
    long publishedNs;

    InboundFrame(final int inlineFrameLength)
    {
        inlineBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RingEvent.align(inlineFrameLength), 64));
    }

    /**
     * Copy a frame in, into the slot's buffer or into {@code large} when one was borrowed for it.
     */
    void copy(final UnsafeBuffer large, final DirectBuffer source, final int offset, final int length)
    {
        largeBuffer = large;
        buffer.wrap(null == large ? inlineBuffer : large, 0, length);
        buffer.putBytes(0, source, offset, length);
    }

    /**
     * Read the SBE header: the template picks the flow, the rest is what every flow's decoder wraps with.
     */
    void readHeader(final MessageHeaderDecoder header)
    {
        header.wrap(buffer, Sofh.HEADER_LENGTH);
        templateId = header.templateId();
        blockLength = header.blockLength();
        version = header.version();
        requestId = buffer.getLong(BODY_OFFSET, MessageHeaderDecoder.BYTE_ORDER);
    }

    /**
     * Wrap a flow's decoder over the frame's message body.
     */
    <T extends MessageDecoderFlyweight> T decode(final T decoder)
    {
        decoder.wrap(buffer, BODY_OFFSET, blockLength, version);
        return decoder;
    }

    void reset()
    {
        templateId = 0;
        blockLength = 0;
        version = 0;
        requestId = 0;
        publishedNs = 0;
    }
}
