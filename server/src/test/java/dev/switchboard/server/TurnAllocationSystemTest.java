package dev.switchboard.server;

import dev.switchboard.codec.sbe.TurnCredentialsDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TURN credentials work against a real coturn: the test starts {@code turnserver} on loopback with its own
 * config (use-auth-secret, the secret the server generated into its data folder) and makes real TURN allocations
 * with {@code turnutils_uclient}, which relays its test packets through the allocation: fresh credentials from
 * Switchboard succeed; expired and forged ones fail. Skipped only when coturn is not installed (Debian package
 * {@code coturn}; .ci/run installs it).
 */
@Timeout(120)
class TurnAllocationSystemTest
{
    private static final String REALM = "switchboard.test";

    @TempDir
    File dataDir;
    @TempDir
    File turnDir;

    private TestServer server;
    private Process turnserver;
    private int turnPort;

    @BeforeEach
    void start() throws Exception
    {
        assumeTrue(onPath("turnserver") && onPath("turnutils_uclient"),
            "coturn is not installed (apt-get install coturn): turnserver and turnutils_uclient are needed");
        turnPort = freePort();
        server = TestServer.launch(dataDir, "switchboard.turn.uris=turn:127.0.0.1:" + turnPort + "?transport=udp");
        final String secret = Files.readString(new File(dataDir, TurnSecret.FILE_NAME).toPath()).trim();
        turnserver = startTurnserver(secret);
    }

    @AfterEach
    void stop() throws InterruptedException
    {
        if (null != turnserver)
        {
            turnserver.destroy();
            if (!turnserver.waitFor(5, TimeUnit.SECONDS))
            {
                turnserver.destroyForcibly();
            }
        }
        CloseHelper.close(server);
    }

    @Test
    void shouldAllocateWithFreshCredentialsAndFailWithExpiredOrForgedOnes() throws Exception
    {
        final TestConnection alice = server.device("+15551780001");
        CallFrames.turnCredentialsRequest(alice, 1);
        final TurnCredentialsDecoder credentials = CallFrames.expectTurnCredentials(alice);
        final String username = credentials.username();
        final String password = credentials.password();
        final byte[] uris = new byte[credentials.urisLength()];
        credentials.getUris(uris, 0, uris.length);
        assertEquals("turn:127.0.0.1:" + turnPort + "?transport=udp", new String(uris, StandardCharsets.UTF_8));

        final Allocation fresh = allocate(username, password);
        assertEquals(0, fresh.exitCode, fresh.output);
        assertTrue(fresh.output.contains("tot_recv_msgs=2"),
            "packets relayed through the allocation:\n" + fresh.output);

        final String secret = Files.readString(new File(dataDir, TurnSecret.FILE_NAME).toPath()).trim();
        final long expiredS = System.currentTimeMillis() / 1000 - 60;
        final String expiredUser = expiredS + ":" + alice.userId;
        final Allocation expired = allocate(expiredUser, CallSystemTest.hmacBase64(secret, expiredUser));
        assertNotEquals(0, expired.exitCode, expired.output);
        assertTrue(expired.output.contains("Cannot complete Allocation"), expired.output);

        final Allocation forged = allocate(username, CallSystemTest.hmacBase64("not-the-secret", username));
        assertNotEquals(0, forged.exitCode, forged.output);
        assertTrue(forged.output.contains("Cannot complete Allocation"), forged.output);

        final String otherUser = username.substring(0, username.indexOf(':') + 1) + (alice.userId + 1);
        final Allocation borrowed = allocate(otherUser, password);
        assertNotEquals(0, borrowed.exitCode, "a password is good for its own username only");
    }

    private Process startTurnserver(final String secret) throws Exception
    {
        final int minPort = 40_000 + (turnPort % 20_000);
        final File config = new File(turnDir, "turnserver.conf");
        Files.writeString(config.toPath(), String.join("\n",
            "listening-ip=127.0.0.1",
            "relay-ip=127.0.0.1",
            "listening-port=" + turnPort,
            "min-port=" + minPort,
            "max-port=" + (minPort + 100),
            "use-auth-secret",
            "static-auth-secret=" + secret,
            "realm=" + REALM,
            "fingerprint",
            "no-tls",
            "no-dtls",
            "no-cli",
            "allow-loopback-peers",
            "simple-log",
            "log-file=" + new File(turnDir, "turn.log").getAbsolutePath(),
            "pidfile=" + new File(turnDir, "turnserver.pid").getAbsolutePath(),
            "userdb=" + new File(turnDir, "turndb").getAbsolutePath(),
            ""), StandardCharsets.UTF_8);
        final Process process = new ProcessBuilder("turnserver", "-c", config.getAbsolutePath())
            .redirectErrorStream(true)
            .redirectOutput(new File(turnDir, "turnserver.out"))
            .start();

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!relayReady())
        {
            if (!process.isAlive())
            {
                throw new AssertionError("turnserver exited: " + read(new File(turnDir, "turnserver.out")));
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                process.destroyForcibly();
                throw new AssertionError("turnserver did not start: " + read(new File(turnDir, "turnserver.out")));
            }
            Thread.sleep(50);
        }
        return process;
    }

    private boolean relayReady()
    {
        final File out = new File(turnDir, "turnserver.out");
        final File log = new File(turnDir, "turn.log");
        return read(out).contains("Relay ports initialization done") ||
            read(log).contains("Relay ports initialization done");
    }

    private Allocation allocate(final String username, final String password) throws Exception
    {
        final File output = File.createTempFile("uclient", ".log", turnDir);
        final Process process = new ProcessBuilder(List.of(
            "turnutils_uclient",
            "-p", String.valueOf(turnPort),
            "-u", username,
            "-w", password,
            "-r", REALM,
            "-n", "1",
            "-m", "1",
            "-l", "100",
            "-e", "127.0.0.1",
            "-y",
            "-c",
            "127.0.0.1"))
            .redirectErrorStream(true)
            .redirectOutput(output)
            .start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("turnutils_uclient did not finish: " + read(output));
        }
        return new Allocation(process.exitValue(), read(output));
    }

    private static String read(final File file)
    {
        try
        {
            return file.exists() ? Files.readString(file.toPath(), StandardCharsets.ISO_8859_1) : "";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private static int freePort() throws IOException
    {
        // Free for both UDP and TCP: coturn listens on both.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
            {
                final int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
                {
                    return port;
                }
                catch (final IOException taken)
                {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    private static boolean onPath(final String command)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            if (new File(dir, command).canExecute())
            {
                return true;
            }
        }
        return false;
    }

    private record Allocation(int exitCode, String output)
    {
    }
}
