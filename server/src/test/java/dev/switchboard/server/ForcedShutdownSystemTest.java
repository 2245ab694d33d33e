package dev.switchboard.server;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graceful stop held up by a client that never reads (its Goodbye waits behind answers its socket will not take,
 * and the shutdown deadline is 10 minutes away) ends at once on a second SIGTERM, with exit status 130.
 */
@Timeout(120)
class ForcedShutdownSystemTest
{
    private static final int PINGS = 100_000;

    @TempDir
    File dataDir;

    private ChildServer server;
    private Socket staller;

    @AfterEach
    void stop()
    {
        CloseHelper.quietClose(staller);
        CloseHelper.close(server);
    }

    @Test
    void shouldForceTheExitOnASecondSignalWhileTheGracefulStopWaits() throws Exception
    {
        final int port = ChildServer.freePort();
        server = ChildServer.start(dataDir, port,
            "switchboard.shutdown.timeout=600s",
            "switchboard.edge.write.timeout=600s",
            "switchboard.edge.so.sndbuf=4096");

        staller = new Socket();
        staller.setReceiveBufferSize(4096);
        staller.connect(new InetSocketAddress("127.0.0.1", port));
        final Thread writer = new Thread(() -> writePingsNeverRead(staller), "staller");
        writer.setDaemon(true);
        writer.start();
        // The Pongs back up in both sockets until the edge stops reading the staller: its output stays queued.
        awaitLine("SIG", false);
        Thread.sleep(2_000);

        signal("TERM");
        awaitLine("shutting down gracefully; again to force", true);
        assertFalse(server.process.waitFor(3, TimeUnit.SECONDS), "the graceful stop is held up by the staller");

        final long forcedAtNs = System.nanoTime();
        signal("TERM");
        assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), "the second signal ends the process");
        final long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - forcedAtNs);
        assertEquals(ShutdownSignals.FORCED_EXIT_STATUS, server.process.exitValue(), "128 + SIGINT, as documented");
        awaitLine("again: forced exit", true);
        assertFalse(String.join("\n", server.output).contains("stopped (journal flushed"),
            "the graceful stop never finished");
        assertTrue(exitMs < 10_000, "exited in " + exitMs + " ms");
    }

    private void signal(final String name) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(server.process.pid())).start();
        assertEquals(0, kill.waitFor());
    }

    /** Wait for an output line holding the text (present) or make sure there is none yet (absent). */
    private void awaitLine(final String text, final boolean present) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true)
        {
            final boolean found;
            synchronized (server.output)
            {
                found = server.output.stream().anyMatch(line -> line.contains(text));
            }
            if (!present)
            {
                assertFalse(found, "no signal handled yet");
                return;
            }
            if (found)
            {
                return;
            }
            assertTrue(System.nanoTime() - deadlineNs < 0, "no line with \"" + text + "\" in " + server.output);
            Thread.sleep(20);
        }
    }

    private static void writePingsNeverRead(final Socket socket)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PingEncoder ping = new PingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .timestampNs(1);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + ping.encodedLength();
        Sofh.write(buffer, 0, messageLength);
        final int frameLength = Sofh.HEADER_LENGTH + messageLength;
        final byte[] frames = new byte[frameLength * 1000];
        for (int i = 0; i < 1000; i++)
        {
            buffer.getBytes(0, frames, i * frameLength, frameLength);
        }
        try
        {
            final OutputStream out = socket.getOutputStream();
            for (int i = 0; i < PINGS / 1000; i++)
            {
                out.write(frames);
            }
        }
        catch (final IOException ignore)
        {
            // the server went away; a write blocked by back pressure ends here too
        }
    }
}
