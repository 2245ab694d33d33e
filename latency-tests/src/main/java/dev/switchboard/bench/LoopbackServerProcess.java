package dev.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/**
 * A server the bench started as a child process on a free loopback port (Switchboard or a peer): its pid, resident
 * memory and CPU time read through /proc, and a stop with SIGTERM that turns to SIGKILL when the server takes too long.
 */
abstract class LoopbackServerProcess implements AutoCloseable
{
    private final Process process;
    private final int port;

    LoopbackServerProcess(final Process process, final int port)
    {
        this.process = process;
        this.port = port;
    }

    int port()
    {
        return port;
    }

    Process process()
    {
        return process;
    }

    long pid()
    {
        return process.pid();
    }

    long residentBytes()
    {
        return ProcessStats.residentBytes(process.pid());
    }

    long cpuTimeNs()
    {
        return ProcessStats.cpuTimeNs(process.pid());
    }

    /**
     * SIGTERM, then SIGKILL if the server has not exited within {@code graceSeconds} (waiting up to
     * {@code killWaitSeconds} more); SIGKILL at once when interrupted.
     */
    void stop(final long graceSeconds, final long killWaitSeconds)
    {
        // Through the handle: Process.destroy() also closes our ends of the pipes, losing the server's last lines.
        process.toHandle().destroy();
        try
        {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(killWaitSeconds, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stop the server.
     */
    public abstract void close();

    static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
