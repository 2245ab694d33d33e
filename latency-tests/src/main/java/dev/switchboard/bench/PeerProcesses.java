package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for peer server processes: finding the executable (on the PATH, else in the sbin folders Debian packages
 * install servers to, often not on a non-root PATH), its version line, whether it listens yet, waiting until it does.
 */
final class PeerProcesses
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private PeerProcesses()
    {
    }

    /**
     * The absolute path of executable {@code name}, or null when it is not installed.
     */
    static String find(final String name)
    {
        final Set<String> dirs = new LinkedHashSet<>();
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            if (!dir.isEmpty())
            {
                dirs.add(dir);
            }
        }
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/sbin");
        dirs.add("/usr/bin");
        for (final String dir : dirs)
        {
            final File candidate = new File(dir, name);
            if (candidate.isFile() && candidate.canExecute())
            {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    /**
     * The first line a command prints (stdout and stderr), e.g. its version; "unknown" when it prints nothing or
     * cannot run.
     */
    static String firstLine(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                final String line = in.readLine();
                if (!process.waitFor(5, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                }
                return null == line ? "unknown" : line.trim();
            }
        }
        catch (final IOException ex)
        {
            return "unknown (" + ex.getMessage() + ")";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Run a command to its end (at most 10 s) and return all it printed, trimmed; "failed: ..." when it cannot run
     * or exits non-zero.
     */
    static String run(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return "failed: timed out";
            }
            return process.exitValue() == 0 ? output : "failed (exit " + process.exitValue() + "): " + output;
        }
        catch (final IOException ex)
        {
            return "failed: " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "failed: interrupted";
        }
    }

    /**
     * Whether something accepts connections on the loopback port.
     */
    static boolean isListening(final int port)
    {
        try
        {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        }
        catch (final IOException notYet)
        {
            return false;
        }
    }

    /**
     * Wait (up to 20 s) until the started server accepts connections on the loopback port; false, with the process
     * killed, when it exits or does not listen in time.
     */
    static boolean awaitListening(final Process process, final int port) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        while (System.nanoTime() - deadlineNs < 0 && process.isAlive())
        {
            if (isListening(port))
            {
                return true;
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        return false;
    }
}
