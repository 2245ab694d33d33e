package dev.switchboard.server;

import dev.switchboard.codec.sbe.RegisterAckDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server in a child JVM on a data folder, so a test can kill it with SIGKILL and start it again on the same folder.
 */
final class ChildServer implements AutoCloseable
{
    final Process process;
    /** The child's output up to and including its "listening on" line. */
    final List<String> startLines;
    /** All the child's output so far, start lines included; read it while the child runs. */
    final List<String> output;

    private ChildServer(final Process process, final List<String> startLines, final List<String> output)
    {
        this.process = process;
        this.startLines = startLines;
        this.output = output;
    }

    /**
     * Starts the server and waits until it listens; systemProperties are "name=value" pairs for the child JVM.
     */
    static ChildServer start(final File dataDir, final int port, final String... systemProperties)
        throws IOException, InterruptedException
    {
        return start(List.of(), dataDir, port, systemProperties);
    }

    /**
     * As {@link #start(File, int, String...)}, with the java command run by a launcher, e.g. prlimit with its options.
     */
    static ChildServer start(
        final List<String> launcher, final File dataDir, final int port, final String... systemProperties)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(launcher);
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.addAll(ChildJvm.flags());
        for (final String property : systemProperties)
        {
            command.add("-D" + property);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SwitchboardCli.class.getName());
        command.add("server");
        command.add("--port=" + port);
        command.add("--bind=127.0.0.1");
        command.add("--data=" + dataDir.getAbsolutePath());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();

        final BufferedReader output = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        String line;
        while (null != (line = output.readLine()))
        {
            lines.add(line);
            if (line.contains("listening on"))
            {
                final ChildServer server = new ChildServer(process, List.copyOf(lines), lines);
                final Thread drain = new Thread(() -> collect(output, lines));
                drain.setDaemon(true);
                drain.start();
                return server;
            }
        }
        throw new AssertionError("server exited with " + process.waitFor() + ":\n" + String.join("\n", lines));
    }

    /** The start line whose message (after the log's time, level and source) begins with the prefix, or fails. */
    String startLine(final String prefix)
    {
        for (final String line : startLines)
        {
            if (line.contains(" - " + prefix))
            {
                return line;
            }
        }
        throw new AssertionError("no line starting with " + prefix + " in " + startLines);
    }

    /** SIGKILL, and wait for the process to be gone. */
    void killNine() throws InterruptedException
    {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, process.exitValue(), "killed by SIGKILL");
    }

    public void close()
    {
        process.destroyForcibly();
    }

    /** Registers a new account with the code the development sender wrote, and logs its device in. */
    static TestConnection registered(final File dataDir, final int port, final String phone)
        throws IOException, InterruptedException
    {
        final TestConnection connection = new TestConnection(port);
        connection.keyPair = TestConnection.newKeyPair();
        connection.register(phone);
        connection.expect(RegisterAckDecoder.TEMPLATE_ID);
        connection.verify(phone, codeFromFile(dataDir, phone), TestConnection.rawPublicKey(connection.keyPair));
        final VerifyAckDecoder verifyAck = connection.expect(VerifyAckDecoder.TEMPLATE_ID).verifyAck();
        connection.userId = verifyAck.userId();
        connection.deviceId = verifyAck.deviceId();
        connection.login();
        return connection;
    }

    /** A new connection for the same device, not yet logged in. */
    static TestConnection reconnect(final int port, final TestConnection before) throws IOException
    {
        final TestConnection connection = new TestConnection(port);
        connection.keyPair = before.keyPair;
        connection.userId = before.userId;
        connection.deviceId = before.deviceId;
        return connection;
    }

    /**
     * The development code sender appends "time phone code" lines to a file in the data folder.
     */
    static String codeFromFile(final File dataDir, final String phone) throws IOException, InterruptedException
    {
        final File codes = new File(dataDir, DevelopmentCodeSender.CODES_FILE);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (codes.exists())
            {
                for (final String line : Files.readAllLines(codes.toPath(), StandardCharsets.UTF_8))
                {
                    final String[] parts = line.split(" ");
                    if (parts.length == 3 && parts[1].equals(phone))
                    {
                        return parts[2];
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no code for " + phone + " in " + codes);
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /** Keeps the child's pipe from filling, and its lines for the test. */
    private static void collect(final BufferedReader output, final List<String> lines)
    {
        try
        {
            String line;
            while (null != (line = output.readLine()))
            {
                lines.add(line);
            }
        }
        catch (final IOException ignore)
        {
            // the child is gone
        }
    }
}
