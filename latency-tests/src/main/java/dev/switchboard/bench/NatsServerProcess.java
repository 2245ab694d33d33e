package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A nats-server (the Debian package) on a free loopback port, with JetStream when asked; stopped with SIGTERM.
 */
final class NatsServerProcess implements AutoCloseable
{
    private final Process process;
    private final int port;

    private NatsServerProcess(final Process process, final int port)
    {
        this.process = process;
        this.port = port;
    }

    static String executable()
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(File.pathSeparator))
        {
            final File candidate = new File(dir, "nats-server");
            if (candidate.canExecute())
            {
                return candidate.getAbsolutePath();
            }
        }
        return null;
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
            if (jetStream)
            {
                final File store = Files.createTempDirectory("bench-jetstream").toFile();
                command.add("-js");
                command.add("-sd");
                command.add(store.getAbsolutePath());
            }
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File(outDir, "nats-server.log")).start();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() - deadlineNs < 0)
            {
                try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port))
                {
                    return new NatsServerProcess(process, port);
                }
                catch (final IOException notYet)
                {
                    Thread.sleep(50);
                }
            }
            process.destroyForcibly();
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
