package dev.switchboard.bench;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/**
 * A peer's protocol spoken by the {@link LoadPoller} selector loop in place of Switchboard frames, so every target is
 * driven by the same engine: the same connections (one per user), buffers, send path and duty cycle. User {@code n}
 * is {@link LoadConnection#index} {@code n} and subscribes to a subject or topic of its own on connect.
 */
interface LoadWire
{
    /**
     * The target's name, e.g. {@code nats} or {@code mosquitto}.
     */
    String target();

    /**
     * The socket connected: write the handshake (connect and subscribe) into the connection's output; the wire calls
     * {@link LoadPoller#onWireReady} when the server has confirmed both.
     */
    void onConnected(LoadConnection connection);

    /**
     * Write a publish of {@code payloadLength} bytes, carrying {@code stampNs} in its first eight (little-endian), from
     * {@code from} to {@code to}'s subject or topic; false when the output has no room or too much is unacknowledged.
     */
    boolean encodePublish(LoadConnection from, LoadConnection to, long stampNs, int payloadLength);

    /**
     * Handle the complete packets in {@code buffer[0, end)}, writing any replies into the connection's output.
     *
     * @return the bytes consumed; a partial packet stays for the next read.
     */
    int onRead(LoadPoller poller, LoadConnection connection, UnsafeBuffer buffer, int end, long readNs)
        throws IOException;
}
