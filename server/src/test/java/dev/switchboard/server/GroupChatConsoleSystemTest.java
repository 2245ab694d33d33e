package dev.switchboard.server;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three people in a group chat, each through the command-line client, against a real server over real sockets: the
 * consoles are scripted through their standard input and what each prints is checked in order.
 */
@Timeout(120)
class GroupChatConsoleSystemTest
{
    private static final String ALICE = "+15551310001";
    private static final String BOB = "+15551310002";
    private static final String CAROL = "+15551310003";

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private ConsoleDriver alice;
    private ConsoleDriver bob;
    private ConsoleDriver carol;

    @AfterEach
    void stop() throws Exception
    {
        CloseHelper.closeAll(alice, bob, carol);
        CloseHelper.close(server);
    }

    @Test
    void shouldChatInAGroupOfThreeWithMemberTicksChangesAndRefusals() throws Exception
    {
        server = TestServer.launch(dataDir);
        alice = new ConsoleDriver(ALICE, server.port(), storeDir);
        bob = new ConsoleDriver(BOB, server.port(), storeDir);
        carol = new ConsoleDriver(CAROL, server.port(), storeDir);
        for (final ConsoleDriver console : new ConsoleDriver[]{ alice, bob, carol })
        {
            console.expect("Enter the code sent to " + console.phone);
            console.type(server.codes.await(console.phone));
            console.expect("logged in as " + console.phone);
        }

        alice.type("/group new Family " + BOB + " " + CAROL);
        alice.expect("you created Family with " + BOB + ", " + CAROL);
        bob.expect(" created Family with you, ");
        carol.expect(" created Family with ");

        alice.type("/g Family hello both");
        alice.expect("you -> [Family]: hello both (#");
        alice.expect("✓ sent");
        bob.expect("[Family] " + ALICE + ": hello both");
        carol.expect("[Family] " + ALICE + ": hello both");
        alice.expect("✓✓ delivered to all 2/2");

        bob.type("/to Family");
        bob.expect("chatting in Family (3 members)");
        bob.type("/read");
        bob.expect("marked 1 read in Family");
        alice.expect("read 1/2");
        carol.type("/to Family");
        carol.type("/read");
        carol.expect("marked 1 read in Family");
        alice.expect("✓✓ read by all 2/2");

        bob.type("hi all");
        bob.expect("you -> [Family]: hi all (#");
        alice.expect("[Family] " + BOB + ": hi all");
        carol.expect("[Family] " + BOB + ": hi all");
        bob.expect("✓✓ delivered to all 2/2");

        carol.type("/g family and hi from carol");
        alice.expect("[Family] " + CAROL + ": and hi from carol");
        bob.expect("[Family] " + CAROL + ": and hi from carol");

        alice.type("/chats");
        alice.expect("chats:");
        alice.expect("  [Family]  2 unread  ");

        bob.type("/typing");
        alice.expect(BOB + " is typing in Family...");
        carol.expect(BOB + " is typing in Family...");

        alice.type("/group admin Family " + BOB);
        alice.expect("you made " + BOB + " admin of Family");
        bob.expect(ALICE + " made you admin of Family");
        carol.expect(ALICE + " made " + BOB + " admin of Family");

        carol.type("/group add Family " + ALICE);
        carol.expect("! add in Family failed: NOT_GROUP_ADMIN");

        alice.type("/group remove Family " + CAROL);
        alice.expect("you removed " + CAROL + " from Family");
        bob.expect(ALICE + " removed " + CAROL + " from Family");
        carol.expect(ALICE + " removed you from Family");
        carol.type("/g Family still here?");
        carol.expect("! no group named Family");

        bob.type("/group rename Family Fam");
        bob.expect("you renamed Family to Fam");
        alice.expect(BOB + " renamed Family to Fam");
        alice.type("/group info Fam");
        alice.expect("Fam: you (admin), " + BOB + " (admin)");

        alice.type("/group leave Fam");
        alice.expect("you left Fam");
        bob.expect(ALICE + " left Fam");
        bob.type("/g Fam just me now");
        bob.expect("you -> [Fam]: just me now (#");
        bob.type("/chats");
        bob.expect("  [Fam]  ");

        for (final ConsoleDriver console : new ConsoleDriver[]{ alice, bob, carol })
        {
            console.type("/quit");
            assertEquals(0, console.exitCode());
            assertTrue(console.printed().endsWith("bye\n"), console.printed());
        }
    }
}
