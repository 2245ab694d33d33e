package dev.switchboard.client;

import dev.switchboard.codec.sbe.ErrorCode;

/**
 * The server refused a request with an Error frame.
 */
public final class SwitchboardException extends RuntimeException
{
    private final ErrorCode code;
    private final long requestId;
    private final int templateId;

    public SwitchboardException(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
        super(code + " for template " + templateId + " request " + requestId + (detail.isEmpty() ? "" : ": " + detail));
        this.code = code;
        this.requestId = requestId;
        this.templateId = templateId;
    }

    public ErrorCode code()
    {
        return code;
    }

    public long requestId()
    {
        return requestId;
    }

    public int templateId()
    {
        return templateId;
    }
}
