package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;

/**
 * A template the server does not serve, after login: UNSUPPORTED_REQUEST. With a strike towards the disconnect
 * threshold for one no client should send (a server-to-client template, an unknown id); without, for one defined
 * on the wire but not served yet.
 */
final class UnsupportedFlow extends Flow
{
    private final boolean strike;

    UnsupportedFlow(final boolean strike)
    {
        super(AFTER_LOGIN, true);
        this.strike = strike;
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        if (strike)
        {
            stage.reject(event, session, ErrorCode.UNSUPPORTED_REQUEST);
        }
        else
        {
            stage.refuse(event, ErrorCode.UNSUPPORTED_REQUEST);
        }
    }
}
