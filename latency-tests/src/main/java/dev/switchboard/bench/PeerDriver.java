package dev.switchboard.bench;

/**
 * A peer server and its client, as the shared peer scenarios ({@link PeerLoad}) drive it: each bench user is a
 * topic or subject of its own, users are spread over a few client connections, and every message carries its stamp
 * ({@link System#nanoTime()}) in its first eight bytes, little-endian. Scenarios that depend on the protocol
 * (connections, drain, login-storm) are the driver's own.
 */
interface PeerDriver extends AutoCloseable
{
    /**
     * The bench target name, e.g. {@code nats} or {@code mosquitto}.
     */
    String target();

    /**
     * The server's own version line, e.g. {@code mosquitto version 2.0.11}.
     */
    String serverVersion();

    /**
     * How the bench configured the server (command line or configuration file lines).
     */
    String serverSettings();

    /**
     * The server process id, for its CPU time and resident memory.
     */
    long serverPid();

    /**
     * Open the client connections the users are spread over; called once, before any subscribe.
     */
    void connect() throws Exception;

    /**
     * Subscribe user {@code user}'s topic on its connection; each message goes to the handler, on a client thread.
     */
    void subscribe(int user, StampHandler handler) throws Exception;

    /**
     * Wait until every subscription made so far is in place at the server.
     */
    void flush() throws Exception;

    /**
     * Send a message stamped {@code stampNs} to {@code toUser}'s topic from {@code fromUser}'s connection; when the
     * client pushes back (too many unacknowledged), wait and retry, counting the retries.
     */
    void publish(int fromUser, int toUser, long stampNs, int payloadLength);

    /**
     * Publishes retried because the client pushed back, since the driver started.
     */
    long publishRetries();

    BenchResult connections(BenchSettings settings) throws Exception;

    BenchResult drain(BenchSettings settings) throws Exception;

    BenchResult loginStorm(BenchSettings settings) throws Exception;

    /**
     * Close the clients, then stop the server.
     */
    void close();

    /**
     * A message for a user arrived carrying its stamp.
     */
    @FunctionalInterface
    interface StampHandler
    {
        void onMessage(int toUser, long stampNs, long nowNs);
    }
}
