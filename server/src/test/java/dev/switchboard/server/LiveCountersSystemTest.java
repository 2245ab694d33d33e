package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The server publishes its counters to {@code counters.dat}; {@code switchboard stat} reads them.
 */
@Timeout(120)
class LiveCountersSystemTest
{
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    File dataDir;

    private TestServer server;
    private CountersFile counters;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(counters, server);
    }

    @Test
    void shouldPublishRingAndEdgeCountersAndMarkTheFileStoppedOnClose() throws Exception
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device("+15551400001");
        final TestConnection bob = server.device("+15551400002");
        alice.send(1, bob.userId, 0, new byte[]{ 1, 2, 3 });
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        bob.expect(DeliverDecoder.TEMPLATE_ID);

        counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME));
        assertEquals(ProcessHandle.current().pid(), counters.pid());
        assertTrue(counters.isRunning());
        assertEquals("running", counters.status());
        assertNotEquals(0, counters.startTimeMs());

        // The copier runs periodically: wait for it rather than for a time.
        awaitTrue(() -> counters.value("messages-stored", 0) >= 1 && edgeSum(counters, "frames-in") > 0 &&
            edgeSum(counters, "frames-out") > 0 && counters.value("logins", 0) >= 2,
            "ring and edge counters published");

        final String printed = stat("--data", dataDir.getPath(), "--interval", "0");
        assertTrue(printed.contains(", running"), printed);
        assertTrue(printed.matches("(?s).*\\n  messages-stored +[1-9].*"), printed);
        assertTrue(printed.matches("(?s).*\\n  edge-poller-0 frames-in +[1-9].*"), printed);

        server.close();
        server = null;
        assertEquals(0, counters.value(CountersFile.RUNNING_LABEL, -1), "a clean shutdown marks the file stopped");
        assertEquals("stopped", counters.status());
        assertTrue(counters.value("messages-stored", 0) >= 1, "the last values stay readable");
        assertTrue(stat("--data", dataDir.getPath(), "--interval", "0").contains(", stopped"));
    }

    @Test
    void shouldPrintTheChangePerSecondWhenRepeating()
    {
        server = TestServer.launch(dataDir);

        final String printed = stat("--data", dataDir.getPath(), "--interval", "50ms", "--count", "2");
        assertTrue(printed.contains("per second"), printed);
        assertEquals(2, printed.split("counters.dat: pid ", -1).length - 1, printed);
    }

    @Test
    void shouldReplaceTheCountersOfAPreviousRun() throws Exception
    {
        server = TestServer.launch(dataDir);
        server.device("+15551400011");
        counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME));
        awaitTrue(() -> counters.value("registrations", 0) >= 1, "registration counted");

        server.restart();
        assertTrue(counters.isReplaced());
        assertEquals("stopped", counters.status());
        try (CountersFile again = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME)))
        {
            assertEquals("running", again.status());
            assertEquals(0, again.value("registrations", -1), "a new run counts from zero");
        }
    }

    @Test
    void shouldKeepEachDistinctErrorOnceWithItsCountAndPrintThemWithStatErrors()
    {
        server = TestServer.launch(dataDir);
        final ServerErrors errors = server.server().errors();
        for (int i = 0; i < 5; i++)
        {
            errors.onError(new IOException("Too many open files")); // one call site: one distinct error
        }
        errors.onError(new IllegalStateException("something else"));

        final String summary = stat("--data", dataDir.getPath(), "--interval", "0");
        assertTrue(summary.contains("\n  errors: 2 distinct, 6 observed (switchboard stat --errors prints them)"),
            summary);

        final String printed = stat("--data", dataDir.getPath(), "--errors");
        assertTrue(printed.contains("counters.dat: pid "), printed);
        assertTrue(printed.contains("\n2 distinct errors, 6 observed\n"), printed);
        assertTrue(printed.matches("(?s).*\n5 observations from \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} " +
            "to \\d{4}-.* for:\n.*java.io.IOException: Too many open files\n\\s+at dev.switchboard.*"), printed);
        assertTrue(printed.contains("\n1 observations from "), printed);
        assertTrue(printed.contains("java.lang.IllegalStateException: something else"), printed);
    }

    @Test
    void shouldFailClearlyWhenThereAreNoCounters()
    {
        final File missing = new File(dataDir, "nothing-here");
        final StringWriter err = new StringWriter();
        final int exitCode = new CommandLine(new SwitchboardCli())
            .setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err))
            .execute("stat", "--data", missing.getPath());

        assertNotEquals(0, exitCode);
        assertEquals(
            "no counters at " + new File(missing, "counters.dat").getPath() + ": is the server running with --data " +
            missing.getPath() + "?",
            err.toString().trim());
    }

    private static String stat(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final String[] command = new String[args.length + 1];
        command[0] = "stat";
        System.arraycopy(args, 0, command, 1, args.length);
        final int exitCode = new CommandLine(new SwitchboardCli())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(command);
        assertEquals(0, exitCode, err.toString());
        return out.toString();
    }

    private static long edgeSum(final CountersFile counters, final String figure)
    {
        final long[] sum = { 0 };
        counters.reader().forEach((final long value, final int counterId, final String label) ->
        {
            if (label.startsWith("edge-poller-") && label.endsWith(" " + figure))
            {
                sum[0] += value;
            }
        });
        return sum[0];
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + DEADLINE_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
