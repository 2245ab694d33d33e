package dev.switchboard.server;

import dev.switchboard.client.E2eStore;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two people and a group through the command-line client, end-to-end encrypted, every byte through a recording TCP
 * tap: messages arrive, the tap and the server's data folder hold no plaintext, both sides print the same safety
 * number, /chats and /history come from the device store and survive a restart, and a contact whose identity key
 * changed is announced.
 */
@Timeout(180)
class EncryptedChatConsoleSystemTest
{
    private static final String ALICE = "+15551380001";
    private static final String BOB = "+15551380002";
    private static final String CAROL = "+15551380003";

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private TcpTap tap;
    private ScriptedConsole alice;
    private ScriptedConsole bob;
    private ScriptedConsole carol;

    @AfterEach
    void stop() throws Exception
    {
        CloseHelper.closeAll(alice, bob, carol, tap);
        CloseHelper.close(server);
    }

    @Test
    void shouldChatEncryptedVerifyKeepHistoryAndWarnOfAChangedSecurityCode() throws Exception
    {
        server = TestServer.launch(dataDir);
        tap = new TcpTap(server.port());
        alice = console(ALICE, true);
        bob = console(BOB, true);
        carol = console(CAROL, true);

        final String secret = "meet me under the clock tower";
        alice.type("/to " + BOB + " " + secret);
        alice.expect("you -> " + BOB + ": " + secret);
        bob.expect(ALICE + ": " + secret);
        alice.expect("\u2713\u2713 delivered");
        final String answer = "see you at seven sharp";
        bob.type("/to " + ALICE + " " + answer);
        alice.expect(BOB + ": " + answer);

        final String groupSecret = "the password is swordfish";
        alice.type("/group new Club " + BOB + " " + CAROL);
        alice.expect("you created Club with ");
        bob.expect(" created Club with you");
        carol.expect(" created Club with ");
        alice.type("/g Club " + groupSecret);
        bob.expect("[Club] " + ALICE + ": " + groupSecret);
        carol.expect("[Club] " + ALICE + ": " + groupSecret);
        alice.expect("delivered to all 2/2");

        alice.type("/verify " + BOB);
        final String aliceSees = alice.expect("safety number with " + BOB + " (device 1): ");
        bob.type("/verify " + ALICE);
        final String bobSees = bob.expect("safety number with " + ALICE + " (device 1): ");
        final String digits = aliceSees.substring(aliceSees.indexOf("): ") + 3).strip();
        assertTrue(digits.matches("([0-9]{5} ){11}[0-9]{5}"), digits);
        assertEquals(digits, bobSees.substring(bobSees.indexOf("): ") + 3).strip());

        for (final String plaintext : List.of(secret, answer, groupSecret))
        {
            final byte[] bytes = plaintext.getBytes(StandardCharsets.UTF_8);
            assertFalse(EndToEndEncryptionSystemTest.contains(tap.bytesToServer(), bytes), plaintext);
            assertFalse(EndToEndEncryptionSystemTest.contains(tap.bytesToClients(), bytes), plaintext);
        }

        // /chats and /history come from the store, across a restart of the console.
        bob.type("/quit");
        assertEquals(0, bob.exitCode());
        bob.close();
        bob = console(BOB, false);
        bob.type("/chats");
        bob.expect("chats:");
        bob.expect("[Club]");
        bob.expect(ALICE + ": " + groupSecret);
        bob.type("/to " + ALICE);
        bob.type("/history");
        bob.expect("history with " + ALICE + " (2):");
        bob.expect(ALICE + ": " + secret);
        bob.expect("you: " + answer);

        // Carol's device loses its keys (a reinstall that kept its login key): a new identity is uploaded, and
        // her next message tells Alice that the security code changed.
        carol.type("/quit");
        assertEquals(0, carol.exitCode());
        carol.close();
        Files.delete(new File(new File(storeDir, CAROL), E2eStore.FILE_NAME).toPath());
        carol = console(CAROL, false);
        carol.type("/to " + ALICE + " new phone who dis");
        alice.expect("! the security code with " + CAROL + " changed (device 1): /verify " + CAROL);
        alice.expect(CAROL + ": new phone who dis");

        for (final ScriptedConsole console : new ScriptedConsole[]{ alice, bob, carol })
        {
            console.type("/quit");
            assertEquals(0, console.exitCode());
        }
        server.close();
        assertTrue(EndToEndEncryptionSystemTest.dataFilesContainNone(
            dataDir.toPath(), List.of(secret, answer, groupSecret)));
    }

    private ScriptedConsole console(final String phone, final boolean register) throws Exception
    {
        final ScriptedConsole console = new ScriptedConsole(phone, tap.port(), storeDir);
        if (register)
        {
            console.expect("Enter the code sent to " + phone);
            console.type(server.codes.await(phone));
        }
        console.expect("logged in as " + phone);
        return console;
    }
}
