package dev.switchboard.bench;

/**
 * A peer server's own scenarios, those that depend on its protocol: idle connections, drain and the login storm,
 * each over raw sockets speaking the protocol. The message latency scenarios (ping, pingpong, throughput) are not
 * here: every target runs them through the same load engine ({@link LoadRig}, {@link LoadPoller}, {@link LoadWire}).
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

    BenchResult connections(BenchSettings settings) throws Exception;

    BenchResult drain(BenchSettings settings) throws Exception;

    BenchResult loginStorm(BenchSettings settings) throws Exception;

    /**
     * Stop the server.
     */
    void close();
}
