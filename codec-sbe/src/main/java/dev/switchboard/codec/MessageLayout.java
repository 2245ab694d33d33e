package dev.switchboard.codec;

/**
 * The shape of one message template, derived from the schema.
 */
final class MessageLayout
{
    /** No correlation field: the message does not start with a uint64. */
    static final int NO_CORRELATION = -1;

    private final String name;
    private final int templateId;
    private final int correlationOffset;
    private final BlockLayout body;

    MessageLayout(final String name, final int templateId, final int correlationOffset, final BlockLayout body)
    {
        this.name = name;
        this.templateId = templateId;
        this.correlationOffset = correlationOffset;
        this.body = body;
    }

    String name()
    {
        return name;
    }

    int templateId()
    {
        return templateId;
    }

    /**
     * Offset in the block of the uint64 that correlates an answer with this frame, or {@link #NO_CORRELATION}.
     */
    int correlationOffset()
    {
        return correlationOffset;
    }

    BlockLayout body()
    {
        return body;
    }
}
