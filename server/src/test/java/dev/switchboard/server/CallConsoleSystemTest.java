package dev.switchboard.server;

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
 * A call through the chat consoles against a real server: ringing, answered, its state and duration, hung up; then a
 * call to someone offline, who sees it as missed after login and in {@code /chats}.
 */
@Timeout(120)
class CallConsoleSystemTest
{
    private static final String ALICE = "+15551790001";
    private static final String BOB = "+15551790002";

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private ScriptedConsole alice;
    private ScriptedConsole bob;
    private ScriptedConsole bobAgain;
    private TcpTap tap;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(alice, bob, bobAgain, tap);
        CloseHelper.close(server);
    }

    @Test
    void shouldRingAnswerShowTheCallAndHangUpThenShowAMissedCallAfterLogin() throws Exception
    {
        server = TestServer.launch(dataDir);
        alice = new ScriptedConsole(ALICE, server.port(), storeDir).register(server.codes);
        bob = new ScriptedConsole(BOB, server.port(), storeDir).register(server.codes);
        bob.type("/to " + ALICE);
        bob.expect(ALICE + " is online");

        alice.type("/call " + BOB + " video");
        alice.expect("calling " + BOB + " (video)...");
        alice.expect(BOB + " ringing on 1 device");
        bob.expect("incoming video call from " + ALICE + ": /answer or /decline");

        bob.type("/answer");
        bob.expect("video call with " + ALICE + " connected");
        alice.expect("video call with " + BOB + " connected");
        alice.type("/call");
        alice.expect("in a video call with " + BOB + ", connected 0:0");

        alice.type("/hangup");
        alice.expect("call with " + BOB + " ended after 0:0");
        bob.expect("call with " + ALICE + " ended after 0:0");

        bob.type("/quit");
        assertEquals(0, bob.exitCode());
        alice.type("/call " + BOB);
        alice.expect(BOB + " is not online; they will see a missed call");

        bobAgain = new ScriptedConsole(BOB, server.port(), storeDir);
        // The backlog may print before or after the login line: only the missed call is awaited.
        bobAgain.expect("missed audio call from " + ALICE + " (you were offline)");
        bobAgain.type("/chats");
        bobAgain.expect("missed calls:");
        bobAgain.expect("audio call from " + ALICE + " (you were offline)");
        bobAgain.type("/quit");
        assertEquals(0, bobAgain.exitCode());
        alice.type("/quit");
        assertEquals(0, alice.exitCode());
    }

    @Test
    void shouldSealTheCallsSessionDescriptionsSoTheServerNeverSeesThem() throws Exception
    {
        server = TestServer.launch(dataDir);
        tap = new TcpTap(server.port());
        alice = new ScriptedConsole(ALICE, tap.port(), storeDir).register(server.codes);
        bob = new ScriptedConsole(BOB, tap.port(), storeDir).register(server.codes);
        bob.type("/to " + ALICE);
        bob.expect(ALICE + " is online");

        alice.type("/call " + BOB);
        bob.expect("incoming audio call from " + ALICE + ": /answer or /decline");
        bob.type("/answer");
        alice.expect("audio call with " + BOB + " connected");
        alice.type("/hangup");
        bob.expect("call with " + ALICE + " ended");

        // The consoles' placeholder offer and answer went sealed (encryption is on by default).
        for (final String plaintext : new String[]{ "switchboard chat offer placeholder",
            "switchboard chat answer placeholder", "m=audio 9 UDP/TLS/RTP/SAVPF 111" })
        {
            final byte[] bytes = plaintext.getBytes(StandardCharsets.UTF_8);
            assertFalse(EndToEndEncryptionSystemTest.contains(tap.bytesToServer(), bytes), plaintext);
            assertFalse(EndToEndEncryptionSystemTest.contains(tap.bytesToClients(), bytes), plaintext);
        }
        // The scan can fail: the phone number the registration carried in clear is found.
        assertTrue(EndToEndEncryptionSystemTest.contains(tap.bytesToServer(), BOB.getBytes(StandardCharsets.UTF_8)));
        alice.type("/quit");
        assertEquals(0, alice.exitCode());
        bob.type("/quit");
        assertEquals(0, bob.exitCode());
    }
}
