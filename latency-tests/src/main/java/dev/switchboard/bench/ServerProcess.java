package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Switchboard server in a child JVM on a free loopback port, as {@code switchboard server} runs it: started,
 * waited for until it says "listening on", measured through /proc, stopped with SIGTERM.
 */
final class ServerProcess extends LoopbackServerProcess
{
    static final String MAIN_CLASS = "dev.switchboard.server.SwitchboardCli";

    /** The start-up line that says how the server laid out its threads and what verifies login signatures. */
    static final String THREADS_LINE = "threads: layout";

    private final Thread pump;
    private final AtomicReference<String> threads;

    private ServerProcess(
        final Process process, final int port, final Thread pump, final AtomicReference<String> threads)
    {
        super(process, port);
        this.pump = pump;
        this.threads = threads;
    }

    /**
     * The server's {@link #THREADS_LINE} line from its start-up log, without the log's prefix; empty if it printed
     * none.
     */
    String threads()
    {
        return threads.get();
    }

    /**
     * Start a server on {@code dataDir} with a profile and extra JVM options, logging to {@code logFile}.
     */
    static ServerProcess start(
        final File serverHome,
        final File dataDir,
        final String profile,
        final List<String> jvmOptions,
        final File logFile,
        final CpuAffinity affinity)
    {
        return start(serverClasspath(serverHome), JvmFlags.forChild(serverHome), freePort(), dataDir, profile,
            jvmOptions, logFile, affinity);
    }

    /**
     * Start a server from {@code classpath} on a given loopback port, so that a restarted server is found where its
     * clients left it; pinned to the affinity's server CPUs when it pins.
     */
    static ServerProcess start(
        final String classpath,
        final List<String> jvmFlags,
        final int port,
        final File dataDir,
        final String profile,
        final List<String> jvmOptions,
        final File logFile,
        final CpuAffinity affinity)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmFlags);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(MAIN_CLASS);
        command.add("server");
        command.add("--port");
        command.add(Integer.toString(port));
        command.add("--bind");
        command.add("127.0.0.1");
        command.add("--data");
        command.add(dataDir.getAbsolutePath());
        command.add("--profile");
        command.add(profile);
        try
        {
            Files.createDirectories(dataDir.toPath());
            Files.createDirectories(logFile.getAbsoluteFile().getParentFile().toPath());
            final Process process = new ProcessBuilder(affinity.serverCommand(command)).redirectErrorStream(true).start();
            final CountDownLatch listening = new CountDownLatch(1);
            final AtomicReference<String> threads = new AtomicReference<>("");
            final PrintStream log = new PrintStream(logFile, StandardCharsets.UTF_8);
            final Thread pump = new Thread(() -> pump(process, log, listening, threads), "bench-server-log");
            pump.setDaemon(true);
            pump.start();
            final ServerProcess server = new ServerProcess(process, port, pump, threads);
            if (!listening.await(120, TimeUnit.SECONDS) || !process.isAlive())
            {
                server.close();
                throw new IllegalStateException("server did not start" + (process.isAlive() ? "" :
                    " (exit status " + process.exitValue() + ")") + "; the end of " + logFile + ":\n" + tail(logFile));
            }
            return server;
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
     * SIGTERM: the server's graceful shutdown (Goodbye to every client, journal flushed, maps closed), SIGKILL if it
     * takes more than a minute. Returns the exit status (0 for a clean stop).
     */
    int stopGracefully()
    {
        stop(60, 30);
        try
        {
            pump.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        return exitStatus();
    }

    /**
     * SIGKILL, as {@code kill -9} does: no shutdown hook runs, nothing is flushed. Returns the exit status (137).
     */
    int kill()
    {
        final Process process = process();
        process.destroyForcibly();
        try
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("server " + process.pid() + " survived SIGKILL for 30 s");
            }
            pump.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        return process.exitValue();
    }

    /**
     * The exit status once the process has ended, else -1.
     */
    int exitStatus()
    {
        final Process process = process();
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * Ask the server JVM for a full collection (jcmd GC.run), so a memory sample counts live data rather than
     * garbage the login path left; false if jcmd is not available.
     */
    boolean collectGarbage()
    {
        final File jcmd = new File(System.getProperty("java.home"), "bin/jcmd");
        if (!jcmd.canExecute())
        {
            return false;
        }
        try
        {
            final Process gc = new ProcessBuilder(jcmd.getAbsolutePath(), Long.toString(pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void close()
    {
        stop(30, 10);
        try
        {
            pump.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    static String javaExecutable()
    {
        return new File(System.getProperty("java.home"), "bin/java").getAbsolutePath();
    }

    /**
     * The server's classes and its runtime dependencies as the reactor build leaves them under {@code serverHome}.
     */
    static String serverClasspath(final File serverHome)
    {
        final File classes = new File(serverHome, "server/target/classes");
        final File dependencies = new File(serverHome, "server/target/launcher.classpath");
        if (!new File(classes, "dev/switchboard/server/SwitchboardCli.class").exists() || !dependencies.exists())
        {
            throw new IllegalStateException("no built server under " + serverHome +
                " (run ./switchboard once, or pass --server-home with a built checkout)");
        }
        try
        {
            return classes.getAbsolutePath() + File.pathSeparator +
                Files.readString(dependencies.toPath(), StandardCharsets.UTF_8).trim();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String tail(final File logFile)
    {
        try
        {
            final List<String> lines = Files.readAllLines(logFile.toPath(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        }
        catch (final IOException | RuntimeException ex)
        {
            return "(unreadable: " + ex + ")";
        }
    }

    private static void pump(
        final Process process,
        final PrintStream log,
        final CountDownLatch listening,
        final AtomicReference<String> threads)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)); log)
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (!line.contains("DevelopmentCodeSender - verification code"))
                {
                    log.println(line);
                }
                final int threadsAt = line.indexOf(THREADS_LINE);
                if (threadsAt >= 0)
                {
                    threads.set(line.substring(threadsAt));
                }
                if (line.contains("listening on"))
                {
                    listening.countDown();
                }
            }
        }
        catch (final IOException ex)
        {
            log.println("bench: server output ended: " + ex);
        }
        finally
        {
            // A server that exits before it listens must not leave the starter waiting out its timeout.
            listening.countDown();
        }
    }
}
