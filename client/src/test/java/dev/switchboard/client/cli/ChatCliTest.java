package dev.switchboard.client.cli;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.DeviceAddress;
import dev.switchboard.client.SwitchboardClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ChatCliTest
{
    @TempDir
    File storeDir;

    @Test
    void shouldParseAddresses()
    {
        assertEquals(new DeviceAddress(42, 0), ChatCli.parseAddress("42"));
        assertEquals(new DeviceAddress(42, 3), ChatCli.parseAddress("42:3"));
        assertEquals(new DeviceAddress(-1, 1), ChatCli.parseAddress("18446744073709551615:1"));
        assertThrows(NumberFormatException.class, () -> ChatCli.parseAddress("bob"));
    }

    @Test
    void shouldRefuseToChatBeforeRegistering()
    {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int exitCode = ChatCli.run(
            new String[]{ "chat", "--store", storeDir.getPath(), "--port", "1" },
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(output, true, StandardCharsets.UTF_8));

        assertEquals(1, exitCode);
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("not registered"));
    }

    @Test
    void shouldPrintUsageWithoutASubcommand()
    {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int exitCode = ChatCli.run(
            new String[0],
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(output, true, StandardCharsets.UTF_8));

        assertEquals(2, exitCode);
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("register, chat or logout"));
        try (SwitchboardClient client = SwitchboardClient.open(new ClientContext().storeDir(storeDir)))
        {
            assertTrue(!client.isRegistered());
        }
    }
}
