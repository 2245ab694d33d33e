package dev.switchboard.server;

import dev.switchboard.edge.EdgeContext;
import dev.switchboard.edge.SelfSignedCertificate;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two chat consoles talk over TLS 1.3 to a server whose certificate is made for the test, through a tap that records
 * the wire; a console that does not trust the certificate refuses the server with a clear reason.
 */
@Timeout(120)
class TlsChatConsoleSystemTest
{
    private static final String ALICE = "+15551600001";
    private static final String BOB = "+15551600002";

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    @TempDir
    File certificateDir;

    private TestServer server;
    private TcpTap tap;
    private ScriptedConsole alice;
    private ScriptedConsole bob;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(alice, bob, tap, server);
    }

    @Test
    void shouldChatOverTlsWithNothingReadableOnTheWire() throws Exception
    {
        final SelfSignedCertificate.PemFiles files = launchTlsServer();
        tap = new TcpTap(server.port(), false);
        final String trust = files.certificate().toString();
        // end-to-end encryption off: only TLS hides the text on the wire
        alice = register(new ScriptedConsole(ALICE, tap.port(), storeDir, "--plaintext", "--tls", "--trust", trust));
        bob = register(new ScriptedConsole(BOB, tap.port(), storeDir, "--plaintext", "--trust", trust));

        final String secret = "the eagle lands at midnight";
        alice.type("/to " + BOB + " " + secret);
        alice.expect("you -> " + BOB + ": " + secret);
        bob.expect(ALICE + ": " + secret);
        alice.expect("\u2713\u2713 delivered");
        final String answer = "bring the umbrella";
        bob.type("/to " + ALICE + " " + answer);
        alice.expect(BOB + ": " + answer);

        for (final String text : new String[]{ secret, answer, ALICE, BOB })
        {
            final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertFalse(EndToEndEncryptionSystemTest.contains(tap.bytesToServer(), bytes), text);
            assertFalse(EndToEndEncryptionSystemTest.contains(tap.bytesToClients(), bytes), text);
        }
        assertTrue(server.server().edge().poller(0).stats().tlsHandshakes() >= 2);
        assertEquals(0, server.server().edge().poller(0).stats().tlsFailures());

        alice.type("/quit");
        assertEquals(0, alice.exitCode());
    }

    @Test
    void shouldRefuseAServerCertificateItDoesNotTrust() throws Exception
    {
        launchTlsServer();
        final SelfSignedCertificate.PemFiles other = SelfSignedCertificate.generate(certificateDir.toPath(), "other", "EC");
        alice = new ScriptedConsole(ALICE, server.port(), storeDir, "--tls", "--trust", other.certificate().toString());

        final String line = alice.expect("cannot register " + ALICE + " with 127.0.0.1:" + server.port() + ": ");
        assertTrue(line.contains("TLS handshake with 127.0.0.1:" + server.port() + " failed: the server's " +
            "certificate is not trusted"), line);
        assertEquals(1, alice.exitCode());
        // the client never finished the handshake, so no frame ever reached the server
        assertEquals(0, server.server().edge().poller(0).stats().tlsHandshakes());
        assertEquals(0, server.server().edge().poller(0).stats().framesIn());
    }

    @Test
    void shouldRefuseATrustedCertificateThatNamesAnotherHost() throws Exception
    {
        // Trusted (the client is given this very certificate) but issued for another host: host name verification
        // is what refuses it.
        final SelfSignedCertificate.PemFiles elsewhere = SelfSignedCertificate.generate(
            certificateDir.toPath(), "elsewhere", "EC", "dns:elsewhere.example");
        launchTlsServer(elsewhere);
        alice = new ScriptedConsole(
            ALICE, server.port(), storeDir, "--tls", "--trust", elsewhere.certificate().toString());

        final String line = alice.expect("cannot register " + ALICE + " with 127.0.0.1:" + server.port() + ": ");
        assertTrue(line.contains("TLS handshake with 127.0.0.1:" + server.port() + " failed: the server's " +
            "certificate does not name this host"), line);
        assertEquals(1, alice.exitCode());
        assertEquals(0, server.server().edge().poller(0).stats().framesIn());
    }

    private SelfSignedCertificate.PemFiles launchTlsServer()
    {
        return launchTlsServer(SelfSignedCertificate.generate(certificateDir.toPath(), "server", "EC"));
    }

    private SelfSignedCertificate.PemFiles launchTlsServer(final SelfSignedCertificate.PemFiles files)
    {
        server = TestServer.launch(dataDir, TestServer.loopback()
            .tlsCertificateFile(files.certificate().toString())
            .tlsPrivateKeyFile(files.privateKey().toString()));
        return files;
    }

    private ScriptedConsole register(final ScriptedConsole console) throws Exception
    {
        console.expect("Enter the code sent to " + console.phone);
        console.type(server.codes.await(console.phone));
        console.expect("logged in as " + console.phone);
        return console;
    }
}
