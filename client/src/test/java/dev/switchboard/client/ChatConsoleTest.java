package dev.switchboard.client;

import dev.switchboard.client.cli.ChatConsole;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.TypingState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat console driven through its standard input, as a script would, against the fake server.
 */
@Timeout(60)
class ChatConsoleTest
{
    private static final String ALICE = "+15551230001";
    private static final String BOB = "+15551230002";
    private static final long BOB_ID = 2000;
    private static final String CAROL = "+15551230003";
    private static final long CAROL_ID = 3000;
    private static final String DAVE = "+15551230004";
    private static final long DAVE_ID = 4000;
    private static final long ALICE_ID = FakeServer.FIRST_USER_ID;
    private static final String Q_CAROL = Pattern.quote(CAROL);
    private static final String Q_DAVE = Pattern.quote(DAVE);
    private static final long TIMEOUT_S = 10;
    private static final String Q_BOB = Pattern.quote(BOB);
    private static final String TIME = "\\[\\d\\d:\\d\\d:\\d\\d\\] ";

    @TempDir
    File storeDir;

    private final FakeServer server = new FakeServer();

    ChatConsoleTest() throws IOException
    {
    }

    @AfterEach
    void after() throws IOException
    {
        server.close();
    }

    @Test
    void shouldRegisterOnTheFirstRunAndLogInWithTheStoredKeyAfter() throws Exception
    {
        final String first = runToEnd(FakeServer.CODE + "\n/quit\n");

        assertTrue(first.contains("Enter the code sent to " + ALICE + ":\n"), first);
        assertTrue(first.contains("registered " + ALICE + " as user " + FakeServer.FIRST_USER_ID + " device 1"), first);
        assertTrue(first.contains("logged in as " + ALICE + " (user 1000 device 1), 0 waiting"), first);
        assertTrue(first.endsWith("bye\n"), first);
        assertNotNull(server.logouts.poll(TIMEOUT_S, TimeUnit.SECONDS), "logs out on /quit");

        final String second = runToEnd("/quit\n");

        assertFalse(second.contains("Enter the code"), second);
        assertTrue(second.contains("logged in as " + ALICE + " (user 1000 device 1)"), second);
        assertEquals(2, server.logins());
    }

    @Test
    void shouldAskAgainForAWrongCode() throws Exception
    {
        final String output = runToEnd("000000\n" + FakeServer.CODE + "\n");

        assertTrue(output.contains("! wrong code\nEnter the code sent to " + ALICE + ":\n"), output);
        assertTrue(output.contains("logged in as " + ALICE), output);
    }

    @Test
    void shouldChatWithTicksPresenceTypingReadsBlocksAndPrivacy() throws Exception
    {
        runToEnd(FakeServer.CODE + "\n");
        server.directory(BOB, BOB_ID);
        server.presence(BOB_ID, PresenceState.ONLINE, 0);
        try (Console console = new Console())
        {
            console.type("/to " + BOB + " hello bob");
            final FakeServer.ReceivedSend sent = server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(sent);
            assertEquals(BOB_ID, sent.toUserId());
            assertEquals("\u0001" + ALICE + "\nhello bob", new String(sent.payload(), StandardCharsets.UTF_8));
            assertArrayEquals(new long[]{ BOB_ID, 0, TypingState.COMPOSING.value() }, nextTyping());
            assertArrayEquals(new long[]{ BOB_ID, 0, TypingState.PAUSED.value() }, nextTyping());
            final String name = "#" + sent.clientMsgId();
            console.await(TIME + "you -> " + Q_BOB + ": hello bob \\(" + name + "\\)\n");
            console.await(TIME + name + " \u2713 sent\n");
            console.await("chatting with " + Q_BOB + "\n(.*\n)*" + Q_BOB + " is online\n");

            // FakeServer numbers messages from 1,000,000 on.
            server.receipt(900, 1_000_000, BOB_ID, ReceiptType.DELIVERED);
            server.receipt(901, 1_000_000, BOB_ID, ReceiptType.READ);
            server.receipt(902, 1_000_000, BOB_ID, ReceiptType.DELIVERED);
            console.await(TIME + name + " \u2713\u2713 delivered\n");
            console.await(TIME + name + " \u2713\u2713 read\n");

            server.typingUpdate(BOB_ID, 1, TypingState.COMPOSING);
            console.await(Q_BOB + " is typing...\n");
            server.typingUpdate(BOB_ID, 1, TypingState.PAUSED);
            console.await(Q_BOB + " stopped typing\n");
            server.deliver(500, BOB_ID, 1, ("\u0001" + BOB + "\nhi alice").getBytes(StandardCharsets.UTF_8));
            console.await(TIME + Q_BOB + ": hi alice\n");
            server.presenceUpdate(BOB_ID, PresenceState.OFFLINE, System.currentTimeMillis());
            console.await(Q_BOB + " last seen \\d\\d:\\d\\d:\\d\\d\n");

            console.type("/chats");
            console.await("chats:\n  " + Q_BOB + "  1 unread  " + TIME + Q_BOB + ": hi alice\n");
            console.type("/read");
            console.await("marked 1 read from " + Q_BOB + "\n");
            assertArrayEquals(new long[]{ 500, BOB_ID, 1 }, server.readMarks.poll(TIMEOUT_S, TimeUnit.SECONDS));
            console.type("/chats");
            console.await("  " + Q_BOB + "  0 unread  " + TIME + Q_BOB + ": hi alice\n");

            console.type("/block");
            console.await("blocked " + Q_BOB + "\n");
            assertEquals(BOB_ID, server.blocks.poll(TIMEOUT_S, TimeUnit.SECONDS));
            console.type("/unblock " + BOB);
            console.await("unblocked " + Q_BOB + "\n");
            assertEquals(BOB_ID, server.unblocks.poll(TIMEOUT_S, TimeUnit.SECONDS));
            console.type("/privacy contacts");
            console.await("privacy: last seen and online visible to contacts\n");
            assertEquals("CONTACTS/CONTACTS", server.privacySettings.poll(TIMEOUT_S, TimeUnit.SECONDS));

            console.type("/quit");
            assertEquals(0, console.exitCode());
            final String output = console.output();
            assertEquals(1, count(output, name + " \u2713\u2713 delivered"), "each tick once: " + output);
            assertTrue(output.endsWith("bye\n"), output);
        }
    }

    @Test
    void shouldSendPlainLinesToTheCurrentContactAndWaitForTheirAcksAtEndOfInput() throws Exception
    {
        runToEnd(FakeServer.CODE + "\n");
        server.directory(BOB, BOB_ID);
        server.presence(BOB_ID, PresenceState.OFFLINE, 0);

        final String output = runToEnd("first\n/to " + BOB + "\nsecond\nthird\n/to +15559999999 hi\n/help\n/nope\n");

        assertTrue(output.contains("! no current contact: /to +NUMBER text\n"), output);
        assertTrue(output.contains(BOB + " is offline\n"), output);
        assertTrue(output.contains("! +15559999999 is not on Switchboard\n"), output);
        assertTrue(output.contains("/privacy everyone|contacts|nobody"), output);
        assertTrue(output.contains("! unknown command /nope (/help lists them)\n"), output);
        assertEquals("second", text(server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS)));
        assertEquals("third", text(server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS)));
        final int bye = output.indexOf("bye\n");
        assertEquals(2, count(output.substring(0, bye), "\u2713 sent"), "acks awaited before leaving: " + output);
    }

    @Test
    void shouldRememberLookedUpNumbersAndShowClaimedOnes() throws Exception
    {
        runToEnd(FakeServer.CODE + "\n");
        server.directory(BOB, BOB_ID);
        server.presence(BOB_ID, PresenceState.HIDDEN, 0);
        runToEnd("/to " + BOB + " one\n");
        assertEquals(1, server.lookups.size());

        try (Console console = new Console())
        {
            console.type("/to " + BOB + " two");
            console.await(Q_BOB + " last seen hidden\n");
            server.deliver(501, 3000, 1, ("\u0001+15557770000\nfrom carol").getBytes(StandardCharsets.UTF_8));
            console.await(TIME + "\\+15557770000: from carol\n");
            server.typingUpdate(5000, 1, TypingState.COMPOSING);
            server.typingUpdate(3000, 1, TypingState.COMPOSING);
            console.await("\n\\+15557770000 is typing...\n");
            server.deliver(502, 4000, 1, "legacy".getBytes(StandardCharsets.UTF_8));
            console.await(TIME + "user:4000: legacy\n");
            console.type("/quit");
            assertEquals(0, console.exitCode());
            assertFalse(console.output().contains("user:5000"), "no typing shown for unknown users");
        }
        assertEquals(1, server.lookups.size(), "the stored number is not looked up again");
    }

    @Test
    void shouldRunAGroupChatWithMemberTicksEventsAndChanges() throws Exception
    {
        runToEnd(FakeServer.CODE + "\n");
        server.directory(BOB, BOB_ID);
        server.directory(CAROL, CAROL_ID);
        server.directory(DAVE, DAVE_ID);
        try (Console console = new Console())
        {
            console.type("/group new Family " + BOB + " " + CAROL);
            console.await(TIME + "you created Family with " + Q_BOB + ", " + Q_CAROL + "\n");
            final long groupId = FakeServer.FIRST_GROUP_ID;

            console.type("/g Family hello all");
            final FakeServer.ReceivedGroupSend sent = server.groupSends.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(sent);
            assertEquals(groupId, sent.groupId());
            assertEquals("\u0001" + ALICE + "\nhello all", new String(sent.payload(), StandardCharsets.UTF_8));
            assertArrayEquals(new long[]{ groupId, TypingState.COMPOSING.value() },
                server.groupTypings.poll(TIMEOUT_S, TimeUnit.SECONDS));
            final String name = "#" + sent.clientMsgId();
            console.await(TIME + "you -> \\[Family\\]: hello all \\(" + name + "\\)\n");
            console.await(TIME + name + " \u2713 sent\n");

            // FakeServer numbers messages from 1,000,000 on; one receipt per member device.
            server.receipt(900, 1_000_000, BOB_ID, ReceiptType.DELIVERED);
            console.await(TIME + name + " \u2713 delivered 1/2\n");
            server.receipt(901, 1_000_000, BOB_ID, ReceiptType.DELIVERED);
            server.receipt(902, 1_000_000, ALICE_ID, ReceiptType.DELIVERED);
            server.receipt(903, 1_000_000, CAROL_ID, ReceiptType.DELIVERED);
            console.await(TIME + name + " \u2713\u2713 delivered to all 2/2\n");
            server.receipt(904, 1_000_000, BOB_ID, ReceiptType.READ);
            console.await(TIME + name + " \u2713\u2713 delivered to all 2/2, read 1/2\n");
            server.receipt(905, 1_000_000, CAROL_ID, ReceiptType.READ);
            console.await(TIME + name + " \u2713\u2713 read by all 2/2\n");

            server.groupTypingUpdate(groupId, BOB_ID, 1, TypingState.COMPOSING);
            console.await(Q_BOB + " is typing in Family...\n");
            server.deliverGroup(
                600, BOB_ID, 1, groupId, ("\u0001" + BOB + "\nhi family").getBytes(StandardCharsets.UTF_8));
            console.await(TIME + "\\[Family\\] " + Q_BOB + ": hi family\n");

            console.type("/group add Family " + DAVE);
            console.await(TIME + "you added " + Q_DAVE + " to Family\n");
            console.type("/group admin Family " + BOB);
            console.await(TIME + "you made " + Q_BOB + " admin of Family\n");
            console.type("/group admin Family " + DAVE);
            console.await(TIME + "you made " + Q_DAVE + " admin of Family\n");
            console.type("/group demote Family " + DAVE);
            console.await(TIME + "you made " + Q_DAVE + " no longer admin of Family\n");
            console.type("/group remove Family " + CAROL);
            console.await(TIME + "you removed " + Q_CAROL + " from Family\n");
            final FakeServer.Group onServer = server.groups.get(groupId);
            assertEquals(List.of(ALICE_ID, BOB_ID, DAVE_ID), List.copyOf(onServer.members.keySet()));
            assertEquals(GroupRole.ADMIN, onServer.members.get(BOB_ID));

            // A change someone else made.
            onServer.name = "Fam";
            onServer.version++;
            server.groupEvent(5_100_000, groupId, onServer.version, GroupChange.RENAME, BOB_ID, List.of(), "Fam");
            console.await(TIME + Q_BOB + " renamed Family to Fam\n");

            console.type("/to Fam");
            console.await("chatting in Fam \\(3 members\\)\n");
            console.type("second");
            assertEquals(groupId, server.groupSends.poll(TIMEOUT_S, TimeUnit.SECONDS).groupId());
            console.await("you -> \\[Fam\\]: second");
            console.type("/chats");
            console.await("chats:\n  \\[Fam\\]  1 unread  " + TIME + "you: second\n");
            console.type("/read");
            console.await("marked 1 read in Fam\n");
            assertArrayEquals(new long[]{ 600, BOB_ID, 1 }, server.readMarks.poll(TIMEOUT_S, TimeUnit.SECONDS));
            console.type("/group info Fam");
            console.await("Fam: you \\(admin\\), " + Q_BOB + " \\(admin\\), " + Q_DAVE + "\n");

            console.type("/group leave Fam");
            console.await(TIME + "you left Fam\n");
            console.type("/g Fam anyone?");
            console.await("! no group named Fam \\(/chats lists yours\\)\n");
            console.type("/quit");
            assertEquals(0, console.exitCode());
            assertEquals(1, count(console.output(), "delivered to all 2/2\n"), console.output());
        }
    }

    @Test
    void shouldReportGroupRefusalsAndKnowGroupsAfterARestart() throws Exception
    {
        runToEnd(FakeServer.CODE + "\n");
        server.directory(BOB, BOB_ID);
        server.directory(CAROL, CAROL_ID);
        final FakeServer.Group club = new FakeServer.Group(99, "Club");
        club.members.put(BOB_ID, GroupRole.ADMIN);
        club.members.put(ALICE_ID, GroupRole.MEMBER);
        club.version = 1;
        server.groups.put(99L, club);
        try (Console console = new Console())
        {
            console.await("logged in as ");
            server.groupEvent(5_200_000, 99, 1, GroupChange.CREATE, BOB_ID, List.of(BOB_ID, ALICE_ID), "Club");
            console.await(TIME + "user:2000 created Club with you\n");

            console.type("/group add Club " + CAROL);
            console.await("! add in Club failed: NOT_GROUP_ADMIN\n");
            console.type("/group new Club " + CAROL);
            console.await("! you already have a group named Club\n");
            console.type("/group add Nope " + CAROL);
            console.await("! no group named Nope \\(/chats lists yours\\)\n");
            console.type("/group add Club +15559999999");
            console.await("! \\+15559999999 is not on Switchboard\n");
            console.type("/group new Solo");
            console.await("! name at least one member: \\+NUMBER\n");
            console.type("/group new +1555 " + BOB);
            console.await("! a group name starts with neither \\+ nor a digit: \\+1555\n");
            console.type("/group rename Club " + "x".repeat(255));
            console.await("! not done: group name must be 1..254 UTF-8 bytes: x+\n");
            console.type("/to 15551230002");
            console.await("! not a phone number \\(E.164, like \\+15551230002\\): 15551230002\n");
            console.type("/group");
            console.await("! /group new\\|add");
            server.maxGroupMembers(2);
            console.type("/group new Big " + BOB + " " + CAROL);
            console.await("! group Big not created: GROUP_FULL\n");
            console.type("/quit");
            assertEquals(0, console.exitCode());
        }

        final String restarted = runToEnd("/chats\n/g club hi club\n");

        assertTrue(restarted.contains("  [Club]  2 members, no messages yet\n"), restarted);
        assertTrue(restarted.contains("you -> [Club]: hi club"), restarted);
        assertEquals(99, server.groupSends.poll(TIMEOUT_S, TimeUnit.SECONDS).groupId());
    }

    @Test
    void shouldRefuseASecondConsoleOnTheSameDevice() throws Exception
    {
        runToEnd(FakeServer.CODE + "\n");
        try (Console console = new Console())
        {
            console.await("logged in as ");

            final String second = runWith(args(), "");

            assertTrue(second.startsWith("! client store in use by another client"), second);
            console.type("/quit");
            assertEquals(0, console.exitCode());
        }
    }

    @Test
    void shouldRefuseBadArguments()
    {
        assertTrue(runWith(new String[]{ "--phone", "5551230001" }, "").contains("! not an E.164 phone number"));
        assertTrue(runWith(new String[]{ "--phone", ALICE, "--server", "nohost" }, "")
            .contains("! --server must be host:port"));
        assertTrue(runWith(new String[]{ "--phone", ALICE, "--server", "localhost:99999" }, "")
            .contains("! --server port must be 1..65535"));
    }

    private String runToEnd(final String input)
    {
        return runWith(args(), input);
    }

    private String runWith(final String[] args, final String input)
    {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int exitCode = ChatConsole.run(
            args,
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(output, true, StandardCharsets.UTF_8));
        final String text = output.toString(StandardCharsets.UTF_8);
        if (args.length > 2 && text.contains("logged in"))
        {
            assertEquals(0, exitCode, text);
        }
        return text;
    }

    private String[] args()
    {
        return new String[]{
            // The fake server has no key directory and reads what is sent: these tests run without encryption.
            "--phone", ALICE, "--server", "127.0.0.1:" + server.port(), "--store", storeDir.getPath(), "--plaintext" };
    }

    private long[] nextTyping() throws InterruptedException
    {
        return server.typings.poll(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static String text(final FakeServer.ReceivedSend send)
    {
        final String payload = new String(send.payload(), StandardCharsets.UTF_8);
        return payload.substring(payload.indexOf('\n') + 1);
    }

    private static int count(final String text, final String part)
    {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            count++;
        }
        return count;
    }

    /**
     * A console running on another thread, fed line by line.
     */
    private final class Console implements AutoCloseable
    {
        private final PipedOutputStream input = new PipedOutputStream();
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> exitCode;

        Console() throws IOException
        {
            final PipedInputStream in = new PipedInputStream(input);
            final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
            exitCode = CompletableFuture.supplyAsync(() -> ChatConsole.run(args(), in, out));
        }

        void type(final String line) throws IOException
        {
            input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
        }

        String output()
        {
            return output.toString(StandardCharsets.UTF_8);
        }

        void await(final String regex) throws InterruptedException
        {
            final Pattern pattern = Pattern.compile(regex);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (true)
            {
                final Matcher matcher = pattern.matcher(output());
                if (matcher.find())
                {
                    return;
                }
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new AssertionError("no match for " + regex + " in:\n" + output());
                }
                Thread.sleep(5);
            }
        }

        int exitCode() throws Exception
        {
            return exitCode.get(TIMEOUT_S, TimeUnit.SECONDS);
        }

        public void close() throws IOException
        {
            input.close();
        }
    }
}
