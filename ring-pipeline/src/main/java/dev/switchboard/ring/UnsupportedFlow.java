package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;

/**
 * A template the server does not serve, after login (a server-to-client template, an unknown id): UNSUPPORTED_REQUEST
 * with a strike towards the disconnect threshold, since no client should send one. Every client request of the
 * schema has a flow of its own.
 */
final class UnsupportedFlow extends Flow
{
    UnsupportedFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        stage.reject(event, session, ErrorCode.UNSUPPORTED_REQUEST);
    }
}
