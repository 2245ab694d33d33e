package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A nats-server (the Debian package) on a free loopback port, with JetStream when asked; stopped with SIGTERM.
 */
final class NatsServerProcess extends LoopbackServerProcess
{
    private final List<String> arguments;
    private final File store;

    private NatsServerProcess(final Process process, final int port, final List<String> arguments, final File store)
    {
        super(process, port);
        this.arguments = arguments;
        this.store = store;
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

    static NatsServerProcess start(final boolean jetStream, final File outDir)
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
            final File store = jetStream ? Files.createTempDirectory("bench-jetstream").toFile() : null;
            if (jetStream)
            {
                command.add("-js");
                command.add("-sd");
                command.add(store.getAbsolutePath());
            }
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File(outDir, "nats-server.log")).start();
            if (PeerProcesses.awaitListening(process, port))
            {
                return new NatsServerProcess(process, port, command.subList(1, command.size()), store);
            }
            deleteStore(store);
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

    String url()
    {
        return "nats://127.0.0.1:" + port();
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
        deleteStore(store);
    }

    /**
     * The JetStream store is scratch space: each run starts from an empty one.
     */
    private static void deleteStore(final File store)
    {
        if (null == store)
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(store.toPath()))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // Best effort: it is a temporary folder.
        }
    }
}
