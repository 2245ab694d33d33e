package dev.switchboard.server;

import dev.switchboard.client.cli.ChatConsole;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A chat console on its own thread fed through a pipe; {@link #expect} reads its output forward from where the last
 * match ended, so a script checks the order of what it prints.
 */
final class ScriptedConsole implements AutoCloseable
{
    static final long WAIT_S = 20;

    final String phone;
    private final PipedOutputStream stdin = new PipedOutputStream();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit;
    private int readTo;

    ScriptedConsole(final String phone, final int port, final File storeDir, final String... options)
        throws IOException
    {
        this.phone = phone;
        final PipedInputStream in = new PipedInputStream(stdin, 64 * 1024);
        final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        final String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            "--phone", phone,
            "--server", "127.0.0.1:" + port,
            "--store", new File(storeDir, phone).getPath()), java.util.stream.Stream.of(options))
            .toArray(String[]::new);
        exit = CompletableFuture.supplyAsync(() -> ChatConsole.run(args, in, out));
    }

    /**
     * The first run: enter the code the server sent, then wait for the login.
     */
    ScriptedConsole register(final CapturingCodeSender codes) throws Exception
    {
        expect("Enter the code sent to " + phone);
        type(codes.await(phone));
        expect("logged in as " + phone);
        return this;
    }

    void type(final String line) throws IOException
    {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    String printed()
    {
        synchronized (stdout)
        {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Wait for the text to be printed after what the last expectation matched; returns the line it is on.
     */
    String expect(final String text) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        int at;
        while ((at = printed().indexOf(text, readTo)) < 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError(phone + " did not print \"" + text + "\" after:\n" +
                    printed().substring(0, readTo) + "\n--- then ---\n" + printed().substring(readTo));
            }
            Thread.sleep(10);
        }
        final String printed = printed();
        final int lineStart = printed.lastIndexOf('\n', at) + 1;
        final int lineEnd = printed.indexOf('\n', at);
        readTo = at + text.length();
        return printed.substring(lineStart, lineEnd < 0 ? printed.length() : lineEnd);
    }

    int exitCode() throws Exception
    {
        return exit.get(WAIT_S * 3, TimeUnit.SECONDS);
    }

    public void close() throws IOException
    {
        stdin.close();
    }
}
