package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.RegisterAckDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server runs in a child JVM that is killed with SIGKILL between SENT and delivery; after a restart on the same
 * data folder every acknowledged message arrives, once and in order.
 */
@Timeout(180)
class CrashRecoverySystemTest
{
    private static final int MESSAGES = 500;

    @TempDir
    File dataDir;

    private Process serverProcess;

    @AfterEach
    void stop()
    {
        if (null != serverProcess)
        {
            serverProcess.destroyForcibly();
        }
    }

    @Test
    void shouldDeliverEverySentMessageOnceAfterKillNine() throws Exception
    {
        final int port = freePort();
        serverProcess = startServer(port);

        final TestConnection alice = registered(port, "+15551250001");
        final TestConnection bob = registered(port, "+15551250002");
        bob.close();

        // Half the messages acked before the crash have been delivered to nobody; the rest never reached a socket.
        for (int i = 0; i < MESSAGES; i++)
        {
            alice.send(i + 1, bob.userId, 0, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < MESSAGES; i++)
        {
            assertEquals(i + 1, alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().clientMsgId());
        }

        serverProcess.destroyForcibly();
        assertTrue(serverProcess.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, serverProcess.exitValue(), "killed by SIGKILL");
        alice.close();

        serverProcess = startServer(port);
        final TestConnection bobAgain = new TestConnection(port);
        bobAgain.keyPair = bob.keyPair;
        bobAgain.userId = bob.userId;
        bobAgain.deviceId = bob.deviceId;
        final LoginAckDecoder loginAck = bobAgain.login();
        assertEquals(MESSAGES, loginAck.pendingCount());

        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++)
        {
            final DeliverDecoder deliver = bobAgain.expect(DeliverDecoder.TEMPLATE_ID).deliver();
            final byte[] payload = new byte[deliver.payloadLength()];
            deliver.getPayload(payload, 0, payload.length);
            assertEquals("m" + i, new String(payload, StandardCharsets.UTF_8));
            assertTrue(seen.add(deliver.messageId()));
            bobAgain.ack(deliver.messageId());
        }

        // A resend of an acknowledged message after the restart is still recognised.
        final TestConnection aliceAgain = new TestConnection(port);
        aliceAgain.keyPair = alice.keyPair;
        aliceAgain.userId = alice.userId;
        aliceAgain.deviceId = alice.deviceId;
        aliceAgain.login();
        aliceAgain.send(MESSAGES, bob.userId, 0, ("m" + (MESSAGES - 1)).getBytes(StandardCharsets.UTF_8));
        TestConnection.Frame frame = aliceAgain.read();
        while (SentAckDecoder.TEMPLATE_ID != frame.templateId())
        {
            frame = aliceAgain.read(); // DELIVERED receipts for the backlog come first
        }
        assertTrue(seen.contains(frame.sentAck().messageId()), "resend answered with its original id");
        bobAgain.close();
        aliceAgain.close();
    }

    private TestConnection registered(final int port, final String phone) throws IOException, InterruptedException
    {
        final TestConnection connection = new TestConnection(port);
        connection.keyPair = TestConnection.newKeyPair();
        connection.register(phone);
        connection.expect(RegisterAckDecoder.TEMPLATE_ID);
        connection.verify(phone, codeFromFile(phone), TestConnection.rawPublicKey(connection.keyPair));
        final VerifyAckDecoder verifyAck = connection.expect(VerifyAckDecoder.TEMPLATE_ID).verifyAck();
        connection.userId = verifyAck.userId();
        connection.deviceId = verifyAck.deviceId();
        connection.login();
        return connection;
    }

    /**
     * The development code sender appends "time phone code" lines to a file in the data folder.
     */
    private String codeFromFile(final String phone) throws IOException, InterruptedException
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

    private Process startServer(final int port) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.addAll(ChildJvm.flags());
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
        String line;
        while (null != (line = output.readLine()))
        {
            if (line.contains("listening on"))
            {
                final Thread drain = new Thread(() -> drain(output));
                drain.setDaemon(true);
                drain.start();
                return process;
            }
        }
        throw new AssertionError("server exited with " + process.waitFor());
    }

    private static void drain(final BufferedReader output)
    {
        try
        {
            while (null != output.readLine())
            {
                // keep the child's pipe from filling
            }
        }
        catch (final IOException ignore)
        {
            // the child is gone
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
