package dev.switchboard.client;

import java.util.List;

/**
 * Short-lived credentials for the server's TURN relays (coturn's shared-secret scheme), for a WebRTC ICE server
 * configuration: {@code {urls: uris, username, credential: password}}.
 *
 * @param username   {@code <expiry unix seconds>:<userId>}.
 * @param password   base64 HMAC-SHA1 of the username with the secret the server shares with the TURN server.
 * @param uris       the TURN URIs, such as {@code turn:turn.example.org:3478?transport=udp}.
 * @param ttlSeconds how long they are valid from when they were issued.
 */
public record TurnCredentials(String username, String password, List<String> uris, int ttlSeconds)
{
    /**
     * @return the expiry the username carries, in unix seconds.
     */
    public long expiresAtSeconds()
    {
        return Long.parseLong(username.substring(0, username.indexOf(':')));
    }
}
