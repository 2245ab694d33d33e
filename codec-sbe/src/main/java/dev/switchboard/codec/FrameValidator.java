package dev.switchboard.codec;

import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Checks an untrusted frame before anything decodes it: framing header, SBE header, template, block length,
 * enum values and every group and var-data length against the frame's bounds. Never throws on bad bytes, never
 * reads outside {@code [offset, offset + length)} and allocates nothing. Not thread safe: one per reading thread.
 * <p>
 * Versions: a frame may carry any schema version from 1 to {@link #SCHEMA_VERSION}; a newer one is refused with
 * {@link FrameRejection#UNSUPPORTED_VERSION} because its groups and var data could follow a longer block this
 * reader cannot interpret. A block longer than this reader knows is accepted for a supported version and skipped,
 * as SBE extension rules allow.
 */
public final class FrameValidator
{
    /** The schema version this validator understands. */
    public static final int SCHEMA_VERSION = MessageHeaderDecoder.SCHEMA_VERSION;

    private static final SchemaLayout SCHEMA = loadSchema();
    private static final int FAILED = -1;

    private static final int HEADER_OFFSET = Sofh.HEADER_LENGTH;
    private static final int BLOCK_LENGTH_OFFSET = HEADER_OFFSET + MessageHeaderDecoder.blockLengthEncodingOffset();
    private static final int TEMPLATE_ID_OFFSET = HEADER_OFFSET + MessageHeaderDecoder.templateIdEncodingOffset();
    private static final int SCHEMA_ID_OFFSET = HEADER_OFFSET + MessageHeaderDecoder.schemaIdEncodingOffset();
    private static final int VERSION_OFFSET = HEADER_OFFSET + MessageHeaderDecoder.versionEncodingOffset();

    private final int maxFrameLength;
    private final SchemaLayout schema;
    private final int schemaId;
    private final int schemaVersion;
    private DirectBuffer buffer;
    private int frameEnd;
    private int version;
    private FrameRejection rejection = FrameRejection.NONE;
    private int templateId;
    private long requestId;

    /**
     * @param maxFrameLength largest frame accepted, framing header included; see {@link MaxFrame}.
     */
    public FrameValidator(final int maxFrameLength)
    {
        this(maxFrameLength, SCHEMA);
    }

    /**
     * Validate against another schema's layouts: lets tests exercise versions this schema does not have yet.
     */
    FrameValidator(final int maxFrameLength, final SchemaLayout schema)
    {
        if (maxFrameLength < MaxFrame.MIN_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("maxFrameLength below the minimum frame: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
        this.schema = schema;
        this.schemaId = schema.schemaId();
        this.schemaVersion = schema.version();
    }

    /**
     * Largest frame accepted, framing header included.
     */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * Validate one frame.
     *
     * @param buffer holding the frame.
     * @param offset of the frame's {@link Sofh} header.
     * @param length of the whole frame, header included.
     * @return {@link FrameRejection#NONE} when the frame is safe to decode, else why it is not.
     */
    public FrameRejection validate(final DirectBuffer buffer, final int offset, final int length)
    {
        templateId = 0;
        requestId = 0;
        version = 0;
        rejection = FrameRejection.NONE;

        if (length < MaxFrame.MIN_FRAME_LENGTH)
        {
            return FrameRejection.TOO_SHORT;
        }
        if (length > maxFrameLength)
        {
            return FrameRejection.TOO_LONG;
        }
        if (offset < 0 || (long)offset + length > buffer.capacity())
        {
            return FrameRejection.LENGTH_MISMATCH;
        }
        if (Sofh.frameLength(buffer, offset) != length)
        {
            return FrameRejection.LENGTH_MISMATCH;
        }
        if (Sofh.encodingType(buffer, offset) != Sofh.SBE_LITTLE_ENDIAN_ENCODING)
        {
            return FrameRejection.BAD_ENCODING_TYPE;
        }
        if (uint16(buffer, offset + SCHEMA_ID_OFFSET) != schemaId)
        {
            return FrameRejection.WRONG_SCHEMA;
        }

        templateId = uint16(buffer, offset + TEMPLATE_ID_OFFSET);
        final int frameVersion = uint16(buffer, offset + VERSION_OFFSET);
        final MessageLayout message = schema.message(templateId);
        final int blockLength = uint16(buffer, offset + BLOCK_LENGTH_OFFSET);
        final int blockOffset = offset + MaxFrame.MIN_FRAME_LENGTH;
        final int end = offset + length;
        if (null != message)
        {
            readRequestId(buffer, message, blockOffset, blockLength, end);
        }
        if (frameVersion < 1 || frameVersion > schemaVersion)
        {
            return FrameRejection.UNSUPPORTED_VERSION;
        }
        if (null == message)
        {
            return FrameRejection.UNKNOWN_TEMPLATE;
        }

        this.buffer = buffer;
        this.frameEnd = end;
        this.version = frameVersion;
        final int position = validateBody(message.body(), blockOffset, blockLength);
        this.buffer = null;
        if (FAILED == position)
        {
            return rejection;
        }

        return position == end ? FrameRejection.NONE : FrameRejection.LENGTH_MISMATCH;
    }

    /**
     * Template id of the frame last validated, 0 if the frame was too damaged to read it.
     */
    public int templateId()
    {
        return templateId;
    }

    /**
     * Correlation id (requestId, clientMsgId, messageId or callId: the leading uint64 of the block) of the frame last
     * validated, whether accepted or refused, when its template is known and the field lies within the frame;
     * else 0.
     */
    public long requestId()
    {
        return requestId;
    }

    private void readRequestId(
        final DirectBuffer buffer,
        final MessageLayout message,
        final int blockOffset,
        final int blockLength,
        final int end)
    {
        final int correlationOffset = message.correlationOffset();
        if (MessageLayout.NO_CORRELATION != correlationOffset &&
            blockLength >= correlationOffset + Long.BYTES &&
            end - blockOffset >= correlationOffset + Long.BYTES)
        {
            requestId = buffer.getLong(blockOffset + correlationOffset, ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * @return the position after the body, or {@link #FAILED} with {@link #rejection} set.
     */
    private int validateBody(final BlockLayout body, final int blockOffset, final int blockLength)
    {
        if (blockLength < body.blockLength(version))
        {
            return fail(FrameRejection.BAD_BLOCK_LENGTH);
        }
        if (frameEnd - blockOffset < blockLength)
        {
            return fail(FrameRejection.FIELD_OVERRUN);
        }

        for (final EnumCheck check : body.enums())
        {
            if (check.sinceVersion() <= version && !check.isValid(buffer, blockOffset))
            {
                return fail(FrameRejection.BAD_FIELD_VALUE);
            }
        }

        int position = blockOffset + blockLength;
        for (final GroupLayout group : body.groups())
        {
            if (group.sinceVersion() <= version)
            {
                position = validateGroup(group, position);
                if (FAILED == position)
                {
                    return FAILED;
                }
            }
        }

        for (final VarDataLayout data : body.varData())
        {
            if (data.sinceVersion() <= version)
            {
                position = validateVarData(data, position);
                if (FAILED == position)
                {
                    return FAILED;
                }
            }
        }

        return position;
    }

    private int validateGroup(final GroupLayout group, final int position)
    {
        if (frameEnd - position < group.headerLength())
        {
            return fail(FrameRejection.FIELD_OVERRUN);
        }
        final long elementBlockLength = unsigned(position + group.blockLengthOffset(), group.blockLengthWidth());
        final long count = unsigned(position + group.numInGroupOffset(), group.numInGroupWidth());
        final BlockLayout body = group.body();
        if (count > group.maxNumInGroup() || elementBlockLength > Integer.MAX_VALUE)
        {
            return fail(FrameRejection.BAD_GROUP);
        }
        if (elementBlockLength < body.blockLength(version))
        {
            return fail(FrameRejection.BAD_GROUP);
        }

        int elementPosition = position + group.headerLength();
        final long minElementLength = elementBlockLength + body.minEncodedLength(version) - body.blockLength(version);
        if (count * minElementLength > frameEnd - elementPosition)
        {
            return fail(FrameRejection.FIELD_OVERRUN);
        }

        for (long i = 0; i < count; i++)
        {
            elementPosition = validateBody(body, elementPosition, (int)elementBlockLength);
            if (FAILED == elementPosition)
            {
                return FAILED;
            }
        }

        return elementPosition;
    }

    private int validateVarData(final VarDataLayout data, final int position)
    {
        if (frameEnd - position < data.headerLength())
        {
            return fail(FrameRejection.FIELD_OVERRUN);
        }
        final long dataLength = unsigned(position + data.lengthOffset(), data.lengthWidth());
        if (dataLength > data.maxLength())
        {
            return fail(FrameRejection.BAD_FIELD_VALUE);
        }
        final int dataOffset = position + data.headerLength();
        if (frameEnd - dataOffset < dataLength)
        {
            return fail(FrameRejection.FIELD_OVERRUN);
        }

        return dataOffset + (int)dataLength;
    }

    private long unsigned(final int index, final int width)
    {
        switch (width)
        {
            case 1:
                return buffer.getByte(index) & 0xFFL;
            case 2:
                return buffer.getShort(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFFL;
            default:
                return buffer.getInt(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        }
    }

    private int fail(final FrameRejection rejection)
    {
        this.rejection = rejection;
        return FAILED;
    }

    private static int uint16(final DirectBuffer buffer, final int index)
    {
        return buffer.getShort(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    private static SchemaLayout loadSchema()
    {
        final SchemaLayout schema = SchemaLayout.load();
        if (schema.schemaId() != MessageHeaderDecoder.SCHEMA_ID || schema.version() != SCHEMA_VERSION)
        {
            throw new IllegalStateException("schema resource " + schema.schemaId() + " v" + schema.version() +
                " does not match the generated codecs " + MessageHeaderDecoder.SCHEMA_ID + " v" + SCHEMA_VERSION);
        }

        return schema;
    }

    static SchemaLayout schema()
    {
        return SCHEMA;
    }
}
