package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.GoodbyeDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM stops the server gracefully: every connected client gets a Goodbye with the configured retry hint and is
 * then closed, the listener is gone, the process exits 0 having logged its stop, and a restart on the same folder
 * finds everything that was acknowledged.
 */
@Timeout(120)
class GracefulShutdownSystemTest
{
    private static final long RETRY_AFTER_MS = 1_500;
    private static final byte[] PAYLOAD = "kept across a graceful stop".getBytes(StandardCharsets.UTF_8);

    @TempDir
    File dataDir;

    private ChildServer server;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldSayGoodbyeWithTheRetryHintCloseAndKeepWhatWasAcknowledged() throws Exception
    {
        final int port = ChildServer.freePort();
        server = start(port);
        final TestConnection alice = ChildServer.registered(dataDir, port, "+15551280001");
        final TestConnection bob = ChildServer.registered(dataDir, port, "+15551280002");
        bob.close();
        final TestConnection carol = ChildServer.registered(dataDir, port, "+15551280003");

        alice.send(7, bob.userId, 0, PAYLOAD);
        final long messageId = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();

        final String settings = Files.readString(
            new File(dataDir, EffectiveSettings.FILE_NAME).toPath(), StandardCharsets.UTF_8);
        assertTrue(settings.contains("profile: balanced\nthreads: layout "), settings);
        assertTrue(settings.contains("  switchboard.shutdown.retry.after=1500ms (default 2000ms; from -D)\n"), settings);

        server.process.toHandle().destroy();

        for (final TestConnection connection : List.of(alice, carol))
        {
            final TestConnection.Frame goodbye = connection.expect(GoodbyeDecoder.TEMPLATE_ID);
            assertEquals(RETRY_AFTER_MS, goodbye.goodbye().retryAfterMs());
            assertThrows(EOFException.class, connection::read, "closed after the Goodbye");
            connection.close();
        }
        assertTrue(server.process.waitFor(30, TimeUnit.SECONDS), "exits within the deadline");
        assertEquals(0, server.process.exitValue(), String.join("\n", server.output));
        assertTrue(List.copyOf(server.output).stream().anyMatch(line -> line.contains("ServerCommand - stopped")),
            String.join("\n", server.output));
        assertThrows(ConnectException.class, () -> new Socket().connect(new InetSocketAddress("127.0.0.1", port)));

        server = start(port);
        final TestConnection bobAgain = ChildServer.reconnect(port, bob);
        assertEquals(1, bobAgain.login().pendingCount());
        final DeliverDecoder deliver = bobAgain.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        assertEquals(messageId, deliver.messageId());
        final byte[] payload = new byte[deliver.payloadLength()];
        deliver.getPayload(payload, 0, payload.length);
        assertArrayEquals(PAYLOAD, payload);
        bobAgain.close();
    }

    @Test
    void shouldTakeASignalDeliveredTwiceAtOnceAsOneRequest() throws Exception
    {
        final int port = ChildServer.freePort();
        server = start(port);
        final TestConnection alice = ChildServer.registered(dataDir, port, "+15551280011");

        // What `timeout` and a process-group kill do: the same signal twice within microseconds.
        final long pid = server.process.pid();
        final Process kill = new ProcessBuilder("sh", "-c", "kill -s TERM " + pid + "; kill -s TERM " + pid).start();
        assertEquals(0, kill.waitFor());

        alice.expect(GoodbyeDecoder.TEMPLATE_ID);
        alice.close();
        assertTrue(server.process.waitFor(30, TimeUnit.SECONDS), "exits within the deadline");
        final String output = String.join("\n", List.copyOf(server.output));
        assertEquals(0, server.process.exitValue(), "a graceful stop, not a forced one (130): " + output);
        assertTrue(output.contains("ServerCommand - stopped (journal flushed"), output);
    }

    private ChildServer start(final int port) throws IOException, InterruptedException
    {
        return ChildServer.start(dataDir, port, "switchboard.shutdown.retry.after=" + RETRY_AFTER_MS + "ms");
    }
}
