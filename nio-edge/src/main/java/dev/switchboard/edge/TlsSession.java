package dev.switchboard.edge;

import javax.net.ssl.SSLEngine;
import java.nio.ByteBuffer;

/**
 * One TLS connection's engine and the buffers it holds only while it must: ciphertext short of a whole record, and
 * plaintext the framer had no room for. A plaintext connection has none of this.
 */
final class TlsSession
{
    final SSLEngine engine;
    /** Ciphertext read and not yet unwrapped, in fill mode (position = bytes held); null when none is held. */
    ByteBuffer netIn;
    /** Plaintext unwrapped and not yet taken, in drain mode (position to limit); null when none is held. */
    ByteBuffer appIn;
    /** Until the handshake finishes no application data goes either way. */
    boolean handshaking = true;
    /** The engine's delegated tasks run on the task executor: the poller leaves the engine alone meanwhile. */
    boolean taskRunning;
    /** Set by the poller when the connection closes; a task finishing later finds it and does nothing. */
    boolean closed;
    /** On the {@link TlsPendingInput} list of connections with input to process without the socket being readable. */
    boolean pending;

    TlsSession(final SSLEngine engine)
    {
        this.engine = engine;
    }
}
