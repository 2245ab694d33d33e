package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mosquitto MQTT broker (the Debian package) on a free loopback port, with a configuration file the bench writes
 * into the run's folder; stopped with SIGTERM.
 */
final class MosquittoProcess implements AutoCloseable
{
    /**
     * Outgoing QoS 1 messages in flight per client: mosquitto's default.
     */
    static final int MAX_INFLIGHT_MESSAGES = 20;

    /**
     * QoS 1 messages queued per client beyond those in flight. Mosquitto's default (1000) would drop messages for
     * the few client connections the bench users share, and for a drain backlog; this holds a bench's worth.
     */
    static final int MAX_QUEUED_MESSAGES = 1_000_000;

    private static final String NAME = "mosquitto";

    private final Process process;
    private final int port;
    private final List<String> settings;

    private MosquittoProcess(final Process process, final int port, final List<String> settings)
    {
        this.process = process;
        this.port = port;
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

    static MosquittoProcess start(final File outDir)
    {
        final String executable = executable();
        if (null == executable)
        {
            throw new IllegalStateException("mosquitto is not installed (apt-get install -y mosquitto)");
        }
        final int port = ServerProcess.freePort();
        final List<String> settings = configuration(port);
        final File log = new File(outDir, "mosquitto.log");
        try
        {
            Files.createDirectories(outDir.toPath());
            final File config = new File(outDir, "mosquitto.conf");
            Files.write(config.toPath(), settings, StandardCharsets.US_ASCII);
            final Process process = new ProcessBuilder(executable, "-c", config.getAbsolutePath())
                .redirectErrorStream(true).redirectOutput(log).start();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() - deadlineNs < 0 && process.isAlive())
            {
                if (PeerProcesses.isListening(port))
                {
                    return new MosquittoProcess(process, port, settings);
                }
                Thread.sleep(50);
            }
            process.destroyForcibly();
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

    int port()
    {
        return port;
    }

    String uri()
    {
        return "tcp://127.0.0.1:" + port;
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * The configuration file's lines, joined with "; ".
     */
    String settings()
    {
        return String.join("; ", settings);
    }

    long residentBytes()
    {
        return ProcessStats.residentBytes(process.pid());
    }

    long cpuTimeNs()
    {
        return ProcessStats.cpuTimeNs(process.pid());
    }

    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
