package dev.switchboard.server;

import dev.switchboard.client.cli.ChatConsole;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
    private static final long WAIT_S = 20;

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private ScriptedConsole alice;
    private ScriptedConsole bob;
    private ScriptedConsole carol;

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
        alice = new ScriptedConsole(ALICE);
        bob = new ScriptedConsole(BOB);
        carol = new ScriptedConsole(CAROL);
        for (final ScriptedConsole console : new ScriptedConsole[]{ alice, bob, carol })
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

        for (final ScriptedConsole console : new ScriptedConsole[]{ alice, bob, carol })
        {
            console.type("/quit");
            assertEquals(0, console.exitCode());
            assertTrue(console.printed().endsWith("bye\n"), console.printed());
        }
    }

    /**
     * A chat console on its own thread fed through a pipe; {@link #expect} reads its output forward from where the
     * last match ended, so a script checks the order of what it prints.
     */
    private final class ScriptedConsole implements AutoCloseable
    {
        private final String phone;
        private final PipedOutputStream stdin = new PipedOutputStream();
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> exit;
        private int readTo;

        ScriptedConsole(final String phone) throws IOException
        {
            this.phone = phone;
            final PipedInputStream in = new PipedInputStream(stdin, 64 * 1024);
            final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
            final String[] args = {
                "--phone", phone,
                "--server", "127.0.0.1:" + server.port(),
                "--store", new File(storeDir, phone).getPath() };
            exit = CompletableFuture.supplyAsync(() -> ChatConsole.run(args, in, out));
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

        void expect(final String text) throws InterruptedException
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
            readTo = at + text.length();
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
}
