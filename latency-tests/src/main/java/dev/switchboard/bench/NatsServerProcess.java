package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * A nats-server (the Debian package) on a free loopback port, core NATS (no JetStream); stopped with SIGTERM.
 */
final class NatsServerProcess extends LoopbackServerProcess
{
    private final List<String> arguments;

    private NatsServerProcess(final Process process, final int port, final List<String> arguments)
    {
        super(process, port);
        this.arguments = arguments;
    }

    /**
     * The nats-server executable, or null when it is not installed.
     */
    static String executable()
    {
        return PeerProcesses.find("nats-server");
    }

    /**
     * {@code nats-server --version}, e.g. {@code nats-server: v2.9.10}.
     */
    static String version()
    {
        final String executable = executable();
        if (null == executable)
        {
            return "not installed";
        }
        return PeerProcesses.firstLine(executable, "--version");
    }

    static NatsServerProcess start(final File outDir, final CpuAffinity affinity)
    {
        final String executable = executable();
        if (null == executable)
        {
            throw new IllegalStateException("nats-server is not installed (apt-get install -y nats-server)");
        }
        final int port = freePort();
        final List<String> command = new ArrayList<>(List.of(
            executable, "-a", "127.0.0.1", "-p", Integer.toString(port)));
        try
        {
            Files.createDirectories(outDir.toPath());
            final Process process = new ProcessBuilder(affinity.peerCommand(command)).redirectErrorStream(true)
                .redirectOutput(new File(outDir, "nats-server.log")).start();
            if (PeerProcesses.awaitListening(process, port))
            {
                return new NatsServerProcess(process, port, command.subList(1, command.size()));
            }
            throw new IllegalStateException("nats-server did not start; see " + new File(outDir, "nats-server.log"));
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
     * The server's command-line arguments, as started.
     */
    String settings()
    {
        return String.join(" ", arguments);
    }

    public void close()
    {
        stop(10, 5);
    }
}
