package dev.switchboard.client;

import java.io.IOException;

/**
 * A media transfer that failed for a {@link MediaFailure} reason.
 */
public final class MediaException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final MediaFailure failure;

    public MediaException(final MediaFailure failure, final String detail)
    {
        super(failure + ": " + detail);
        this.failure = failure;
    }

    public MediaFailure failure()
    {
        return failure;
    }
}
