package dev.switchboard.ring;

import dev.switchboard.codec.MediaTickets;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.MediaTicketEncoder;
import dev.switchboard.codec.sbe.MediaTicketRequestDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * MediaTicketRequest: a short-lived ticket that lets this device upload one blob of up to the asked size to the media
 * service, signed with the secret the media service shares ({@link MediaTickets}); nothing is stored. Refused
 * MEDIA_UNAVAILABLE when the server has no media service, MEDIA_TOO_LARGE above {@link RingContext#mediaMaxBytes()}
 * (a negative size, read as a uint64 above 2^63, too).
 */
final class MediaTicketFlow extends Flow
{
    private final MediaTicketRequestDecoder request = new MediaTicketRequestDecoder();
    private final MediaTicketEncoder ticketEncoder = new MediaTicketEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final byte[] ticket = new byte[MediaTickets.LENGTH];
    private final MediaTickets tickets;
    /** Distinct per ticket and signed with the rest: a count from a random start, no entropy read per request. */
    private long nonce;
    private final int mediaPort;
    private final long maxBytes;
    private final long ticketTtlMs;

    MediaTicketFlow(final RingContext ctx)
    {
        super(AFTER_LOGIN, true);
        final byte[] secret = ctx.mediaTicketSecret();
        mediaPort = ctx.mediaPort();
        tickets = null == secret || 0 == mediaPort ? null : new MediaTickets(secret);
        nonce = null == tickets ? 0 : new SecureRandom().nextLong();
        maxBytes = ctx.mediaMaxBytes();
        ticketTtlMs = TimeUnit.NANOSECONDS.toMillis(ctx.mediaTicketTtlNs());
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(request);
        if (null == tickets)
        {
            stage.refuse(event, ErrorCode.MEDIA_UNAVAILABLE);
            return;
        }
        final long sizeBytes = request.sizeBytes();
        if (sizeBytes < 0 || sizeBytes > maxBytes)
        {
            stage.refuse(event, ErrorCode.MEDIA_TOO_LARGE);
            return;
        }
        final long expiresAtMs = stage.epochClock.time() + ticketTtlMs;
        final int length = tickets.issue(
            session.userId, session.deviceId, sizeBytes, expiresAtMs, ++nonce, ticket, 0);

        final Reply reply = event.reply;
        ticketEncoder.wrapAndApplyHeader(reply.buffer, Sofh.HEADER_LENGTH, header)
            .requestId(frame.requestId)
            .maxBytes(sizeBytes)
            .expiresAtMs(expiresAtMs)
            .mediaPort(mediaPort)
            .putTicket(ticket, 0, length);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + ticketEncoder.encodedLength();
        Sofh.write(reply.buffer, 0, messageLength);
        reply.length = Sofh.HEADER_LENGTH + messageLength;
    }
}
