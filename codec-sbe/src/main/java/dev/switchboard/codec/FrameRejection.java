package dev.switchboard.codec;

import dev.switchboard.codec.sbe.ErrorCode;

/**
 * Why {@link FrameValidator} refused a frame, and the {@link ErrorCode} the peer is told.
 */
public enum FrameRejection
{
    NONE(null),
    TOO_SHORT(ErrorCode.MALFORMED_FRAME),
    TOO_LONG(ErrorCode.FRAME_TOO_LARGE),
    LENGTH_MISMATCH(ErrorCode.MALFORMED_FRAME),
    BAD_ENCODING_TYPE(ErrorCode.MALFORMED_FRAME),
    WRONG_SCHEMA(ErrorCode.MALFORMED_FRAME),
    UNSUPPORTED_VERSION(ErrorCode.UNSUPPORTED_VERSION),
    UNKNOWN_TEMPLATE(ErrorCode.UNKNOWN_TEMPLATE),
    BAD_BLOCK_LENGTH(ErrorCode.MALFORMED_FRAME),
    FIELD_OVERRUN(ErrorCode.MALFORMED_FRAME),
    BAD_GROUP(ErrorCode.MALFORMED_FRAME),
    BAD_FIELD_VALUE(ErrorCode.INVALID_FIELD);

    private final ErrorCode errorCode;

    FrameRejection(final ErrorCode errorCode)
    {
        this.errorCode = errorCode;
    }

    /**
     * The code sent back in an Error frame; null for {@link #NONE}.
     */
    public ErrorCode errorCode()
    {
        return errorCode;
    }
}
