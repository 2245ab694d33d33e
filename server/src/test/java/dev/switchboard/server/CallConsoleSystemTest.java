package dev.switchboard.server;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(alice, bob, bobAgain);
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
}
