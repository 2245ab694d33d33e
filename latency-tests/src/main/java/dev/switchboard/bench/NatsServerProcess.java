package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A nats-server (the Debian package) on a free loopback port, with JetStream when asked; stopped with SIGTERM.
 */
final class NatsServerProcess implements AutoCloseable
{
    private final Process process;
    private final int port;
    private final List<String> arguments;
    private final File store;

    private NatsServerProcess(final Process process, final int port, final List<String> arguments, final File store)
    {
        this.process = process;
        this.port = port;
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
        final int port = ServerProcess.freePort();
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
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() - deadlineNs < 0 && process.isAlive())
            {
                if (PeerProcesses.isListening(port))
                {
                    return new NatsServerProcess(process, port, command.subList(1, command.size()), store);
                }
                Thread.sleep(50);
            }
            process.destroyForcibly();
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

    int port()
    {
        return port;
    }

    String url()
    {
        return "nats://127.0.0.1:" + port;
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * The server's command-line arguments, as started.
     */
    String settings()
    {
        return String.join(" ", arguments);
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
