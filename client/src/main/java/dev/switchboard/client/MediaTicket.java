package dev.switchboard.client;

import java.net.URI;
import java.util.Base64;

/**
 * A short-lived ticket to upload one blob of up to {@code maxBytes} to the media service at {@code host:mediaPort}
 * (the host the client connects to). Sent as {@code Authorization: Bearer} with every upload request.
 */
public record MediaTicket(long maxBytes, long expiresAtMs, String host, int mediaPort, byte[] ticket)
{
    /** The value of the Authorization header. */
    public String authorization()
    {
        return "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(ticket);
    }

    /** The media service's base address, e.g. {@code http://host:7421}. */
    public URI baseUri()
    {
        return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + mediaPort);
    }
}
