package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * A mosquitto MQTT broker (the Debian package) on a free loopback port, with a configuration file the bench writes
 * into the run's folder; stopped with SIGTERM.
 */
final class MosquittoProcess extends LoopbackServerProcess
{
    /**
     * Outgoing QoS 1 messages in flight per client: mosquitto's default.
     */
    static final int MAX_INFLIGHT_MESSAGES = 20;

    /**
     * QoS 1 messages queued per client beyond those in flight. Mosquitto's default (1000) would drop a drain
     * backlog; this holds a bench's worth.
     */
    static final int MAX_QUEUED_MESSAGES = 1_000_000;

    private static final String NAME = "mosquitto";

    private final List<String> settings;

    private MosquittoProcess(final Process process, final int port, final List<String> settings)
    {
        super(process, port);
        this.settings = settings;
    }

    /**
     * The mosquitto executable, or null when it is not installed.
     */
    static String executable()
    {
        return PeerProcesses.find(NAME);
    }

    /**
     * The first line of {@code mosquitto -h}, e.g. {@code mosquitto version 2.0.11}.
     */
    static String version()
    {
        final String executable = executable();
        if (null == executable)
        {
            return "not installed";
        }
        return PeerProcesses.firstLine(executable, "-h");
    }

    /**
     * The configuration lines for a broker on {@code port}. Without {@code set_tcp_nodelay} Nagle's algorithm holds
     * small writes for the peer's delayed ack and a QoS 1 round trip takes some 40 ms.
     */
    static List<String> configuration(final int port)
    {
        return List.of(
            "listener " + port + " 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "set_tcp_nodelay true",
            "max_inflight_messages " + MAX_INFLIGHT_MESSAGES,
            "max_queued_messages " + MAX_QUEUED_MESSAGES,
            "connection_messages false",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice");
    }

    static MosquittoProcess start(final File outDir, final CpuAffinity affinity)
    {
        final String executable = executable();
        if (null == executable)
        {
            throw new IllegalStateException("mosquitto is not installed (apt-get install -y mosquitto)");
        }
        final int port = freePort();
        final List<String> settings = configuration(port);
        final File log = new File(outDir, "mosquitto.log");
        try
        {
            Files.createDirectories(outDir.toPath());
            final File config = new File(outDir, "mosquitto.conf");
            Files.write(config.toPath(), settings, StandardCharsets.US_ASCII);
            final Process process = new ProcessBuilder(affinity.peerCommand(List.of(executable, "-c", config.getAbsolutePath())))
                .redirectErrorStream(true).redirectOutput(log).start();
            if (PeerProcesses.awaitListening(process, port))
            {
                return new MosquittoProcess(process, port, settings);
            }
            throw new IllegalStateException("mosquitto did not start on port " + port + "; see " + log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The configuration file's lines, joined with "; ".
     */
    String settings()
    {
        return String.join("; ", settings);
    }

    public void close()
    {
        stop(10, 5);
    }
}
