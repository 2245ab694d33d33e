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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two people chat with the command-line client against a real server: the consoles are driven through their
 * standard input and what they print is checked.
 */
@Timeout(120)
class ChatConsoleSystemTest
{
    private static final String ALICE = "+15551300001";
    private static final String BOB = "+15551300002";

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private Console alice;
    private Console bob;
    private Console laptop;

    @AfterEach
    void stop() throws Exception
    {
        CloseHelper.closeAll(alice, bob, laptop);
        CloseHelper.close(server);
    }

    @Test
    void shouldChatWithTicksPresenceTypingAndReadMarks() throws Exception
    {
        server = TestServer.launch(dataDir);
        alice = new Console(ALICE);
        bob = new Console(BOB);
        alice.register();
        bob.register();

        alice.type("/to " + BOB + " hi bob");
        alice.await("you -> " + BOB + ": hi bob (#");
        alice.await(BOB + " is online");
        bob.await("] " + ALICE + ": hi bob");
        alice.await("✓ sent");
        alice.await("✓✓ delivered");

        bob.type("/to " + ALICE);
        bob.await(ALICE + " is online");
        bob.type("/read");
        alice.await("✓✓ read");

        bob.type("hello alice");
        alice.await(BOB + " is typing...");
        alice.await("] " + BOB + ": hello alice");

        bob.type("/quit");
        assertEquals(0, bob.exitCode());
        alice.await(BOB + " last seen ");

        alice.type("/chats");
        alice.await(BOB);
        alice.type("/quit");
        assertEquals(0, alice.exitCode());
    }

    @Test
    void shouldSendAFileWithAProgressBarAndSaveItWithOpen() throws Exception
    {
        server = TestServer.launch(dataDir, "switchboard.media.port=" + MediaSystemTest.freePort(),
            "switchboard.media.bind=127.0.0.1");
        alice = new Console(ALICE);
        bob = new Console(BOB);
        alice.register();
        bob.register();
        final Path file = storeDir.toPath().resolve("report.pdf");
        final byte[] bytes = new byte[300_000];
        new Random(15).nextBytes(bytes);
        Files.write(file, bytes);

        alice.type("/to " + BOB);
        alice.type("/send-file " + file);
        alice.await("[##########] 100% sending report.pdf");
        alice.await("you -> " + BOB + ": file report.pdf (#");
        bob.await(" sent a file [1] report.pdf (");
        bob.await(", 293.0 KiB): /open 1 to save it");
        bob.type("/open 2");
        bob.await("! /open N [FOLDER], N from 1 to 1");
        final Path saved = storeDir.toPath().resolve("saved");
        bob.type("/open 1 " + saved);
        bob.await("[##########] 100% receiving report.pdf");
        bob.await("saved report.pdf to " + saved);
        try (Stream<Path> files = Files.list(saved))
        {
            final Path copy = files.findFirst().orElseThrow();
            assertArrayEquals(bytes, Files.readAllBytes(copy));
        }
        alice.type("/quit");
        bob.type("/quit");
        assertEquals(0, alice.exitCode());
        assertEquals(0, bob.exitCode());
    }

    @Test
    void shouldLinkADeviceWithACodeListItAndUnlinkIt() throws Exception
    {
        server = TestServer.launch(dataDir);
        alice = new Console(ALICE);
        bob = new Console(BOB);
        alice.register();
        bob.register();

        alice.type("/link");
        alice.await("on the new device run the client with --link ");
        final Matcher code = Pattern.compile("--link ([A-Z0-9]{12})").matcher(alice.printed());
        assertTrue(code.find(), alice.printed());
        laptop = new Console(ALICE, "laptop", "--link", code.group(1));
        laptop.await("this device's fingerprint is ");
        final Matcher fingerprint = Pattern.compile("fingerprint is ([0-9a-f ]{24})").matcher(laptop.printed());
        assertTrue(fingerprint.find(), laptop.printed());
        alice.await("asks to link to this account, fingerprint " + fingerprint.group(1));
        alice.type("/link yes");
        alice.await("device linked");
        laptop.await("linked as user ");
        laptop.await("logged in as " + ALICE);

        alice.type("/devices");
        alice.await("device 1 primary, online");
        alice.await("(this device)");
        alice.await("device 2 linked, online");

        bob.type("/to " + ALICE + " hi both");
        alice.await(": hi both");
        laptop.await(": hi both");

        alice.type("/devices unlink 2");
        alice.await("device 2 unlinked");
        alice.type("/quit");
        assertEquals(0, alice.exitCode());
        bob.type("/quit");
        assertEquals(0, bob.exitCode());
    }

    /**
     * One chat console on its own thread, fed through a pipe, its output collected.
     */
    private final class Console implements AutoCloseable
    {
        private final String phone;
        private final PipedOutputStream input = new PipedOutputStream();
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> exit;

        Console(final String phone) throws IOException
        {
            this(phone, phone);
        }

        /**
         * A console with its own device folder and further options (a second device of a phone).
         */
        Console(final String phone, final String storeName, final String... options) throws IOException
        {
            this.phone = phone;
            final PipedInputStream in = new PipedInputStream(input, 64 * 1024);
            final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
            final String[] args = Stream.concat(Stream.of(
                "--phone", phone,
                "--server", "127.0.0.1:" + server.port(),
                "--store", new File(storeDir, storeName).getPath()), Stream.of(options)).toArray(String[]::new);
            exit = CompletableFuture.supplyAsync(() -> ChatConsole.run(args, in, out));
        }

        void register() throws Exception
        {
            await("Enter the code sent to " + phone);
            type(server.codes.await(phone));
            await("logged in as " + phone);
        }

        void type(final String line) throws IOException
        {
            input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
        }

        String printed()
        {
            synchronized (output)
            {
                return output.toString(StandardCharsets.UTF_8);
            }
        }

        void await(final String text) throws InterruptedException
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!printed().contains(text))
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new AssertionError(phone + " never printed \"" + text + "\"; it printed:\n" + printed());
                }
                Thread.sleep(10);
            }
        }

        int exitCode() throws Exception
        {
            return exit.get(60, TimeUnit.SECONDS);
        }

        public void close() throws IOException
        {
            input.close();
        }
    }
}
