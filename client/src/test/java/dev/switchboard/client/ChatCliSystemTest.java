package dev.switchboard.client;

import dev.switchboard.client.cli.ChatCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ChatCliSystemTest
{
    @TempDir
    File storeDir;

    private final FakeServer server = new FakeServer();

    ChatCliSystemTest() throws Exception
    {
    }

    @AfterEach
    void after() throws Exception
    {
        server.close();
    }

    @Test
    void shouldRegisterThenChat() throws Exception
    {
        final String[] common = { "--port", Integer.toString(server.port()), "--store", storeDir.getPath() };
        final ByteArrayOutputStream registerOutput = new ByteArrayOutputStream();
        final int registerExit = ChatCli.run(
            concat(new String[]{ "register", "--phone", "+15550001234" }, common),
            new ByteArrayInputStream((FakeServer.CODE + "\n").getBytes(StandardCharsets.UTF_8)),
            new PrintStream(registerOutput, true, StandardCharsets.UTF_8));
        final String registerText = registerOutput.toString(StandardCharsets.UTF_8);
        assertEquals(0, registerExit, registerText);
        assertTrue(registerText.contains("registered user " + FakeServer.FIRST_USER_ID + " device 1"), registerText);

        final PipedOutputStream input = new PipedOutputStream();
        final PipedInputStream chatInput = new PipedInputStream(input);
        final ByteArrayOutputStream chatOutput = new ByteArrayOutputStream();
        final CompletableFuture<Integer> chatExit = CompletableFuture.supplyAsync(() -> ChatCli.run(
            concat(new String[]{ "chat", "--to", "2000:1" }, common),
            chatInput,
            new PrintStream(chatOutput, true, StandardCharsets.UTF_8)));

        input.write("hello there\n".getBytes(StandardCharsets.UTF_8));
        input.flush();
        final FakeServer.ReceivedSend received = server.sends.poll(10, TimeUnit.SECONDS);
        assertEquals("hello there", new String(received.payload(), StandardCharsets.UTF_8));
        assertEquals(2000, received.toUserId());
        assertEquals(1, received.toDeviceId());

        server.deliver(500, 2000, 1, "hi back".getBytes(StandardCharsets.UTF_8));
        assertEquals(500L, server.deliverAcks.poll(10, TimeUnit.SECONDS));
        input.write("/read\n/quit\n".getBytes(StandardCharsets.UTF_8));
        input.flush();

        assertEquals(0, chatExit.get(10, TimeUnit.SECONDS));
        assertEquals(500L, server.readMarks.poll(10, TimeUnit.SECONDS)[0], "read mark flushed before close");
        final String chatText = chatOutput.toString(StandardCharsets.UTF_8);
        assertTrue(chatText.contains("<- 2000:1 hi back"), chatText);
        assertTrue(chatText.contains("-> #"), chatText);
    }

    private static String[] concat(final String[] first, final String[] second)
    {
        final String[] result = new String[first.length + second.length];
        System.arraycopy(first, 0, result, 0, first.length);
        System.arraycopy(second, 0, result, first.length, second.length);
        return result;
    }
}
