package dev.switchboard.ring;

import dev.switchboard.codec.sbe.PingDecoder;

/**
 * Ping, logged in or not: answered with a Pong carrying the client's timestamp.
 */
final class PingFlow extends Flow
{
    private final PingDecoder ping = new PingDecoder();

    PingFlow()
    {
        super(ANYONE, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        event.frame.decode(ping);
        event.reply.length = stage.encoders.pong(event.reply.buffer, ping.timestampNs());
    }
}
