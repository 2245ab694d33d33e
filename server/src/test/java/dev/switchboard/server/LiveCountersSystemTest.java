package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.ring.ServiceTimeSnapshot;
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
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's threads count in place in {@code counters.dat}; {@code switchboard stat} reads the counters, the
 * distinct errors and the service-time histograms, from this process and from another.
 */
@Timeout(120)
class LiveCountersSystemTest
{
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
    void shouldCountInPlaceAsFramesFlowAndMarkTheFileStoppedOnClose() throws Exception
    {
        final TestConnection[] pair = launchAndSend("+1555140000", 1);
        pair[1].expect(DeliverDecoder.TEMPLATE_ID);

        counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME));
        assertEquals(ProcessHandle.current().pid(), counters.pid());
        assertTrue(counters.isRunning());
        assertEquals("running", counters.status());
        assertNotEquals(0, counters.startTimeMs());

        // Stages count in place, each before it hands the answer on: no copier to wait for.
        final long stored = counters.value("ring: messages-stored", 0);
        assertTrue(stored >= 1, "messages-stored " + stored);
        assertTrue(counters.value("ring: logins", 0) >= 2);
        assertTrue(counters.value("ring: registrations", 0) >= 2);
        send(pair, 100, 5);
        assertEquals(stored + 5, counters.value("ring: messages-stored", 0), "the file follows the frames");

        final String printed = stat("--data", dataDir.getPath(), "--interval", "0");
        assertTrue(printed.contains(", running"), printed);
        assertTrue(printed.matches("(?s).*\\n  ring: messages-stored +[1-9].*"), printed);
        assertTrue(printed.matches("(?s).*\\n  ring: ring-full +0\\n.*"), printed);
        assertFalse(printed.contains("bucket"), "histogram buckets are left to --histograms: " + printed);
        assertTrue(printed.contains("\n  service times: 5 histograms (switchboard stat --histograms prints them)\n"),
            printed);

        server.close();
        server = null;
        assertEquals("stopped", counters.status(), "a clean shutdown marks the file stopped");
        assertTrue(counters.value("ring: messages-stored", 0) >= 6, "the last values stay readable");
        assertTrue(stat("--data", dataDir.getPath(), "--interval", "0").contains(", stopped"));
    }

    @Test
    void shouldRecordEachStagesServiceTimeAndPrintItWithStatHistograms() throws Exception
    {
        launchAndSend("+1555140002", 20);

        counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME));
        final List<ServiceTimeSnapshot> serviceTimes = counters.serviceTimes();
        assertEquals(List.of("ring: session service-time", "ring: route service-time",
            "ring: delivery service-time", "ring: event service-time", "ring: send-to-deliver time"),
            serviceTimes.stream().map(ServiceTimeSnapshot::name).collect(Collectors.toList()));
        final boolean fused = RingConfiguration.fused(); // the whole event is timed where one thread runs it
        for (final ServiceTimeSnapshot snapshot : serviceTimes)
        {
            if (!snapshot.name().startsWith("ring: event") || fused)
            {
                // Every frame passed every stage: 20 sends, registrations and logins; ticks too. The send-to-deliver
                // time counts the 20 sends alone.
                final int least = snapshot.name().equals("ring: send-to-deliver time") ? 20 : 24;
                assertTrue(snapshot.totalCount() >= least, snapshot.name() + " " + snapshot.totalCount());
                final long p50 = snapshot.valueAtPercentile(50);
                assertTrue(p50 > 0 && p50 <= snapshot.maxValue(), snapshot.name() + " p50 " + p50);
                assertTrue(snapshot.maxValue() < TimeUnit.SECONDS.toNanos(30), snapshot.name());
            }
        }

        final String printed = stat("--data", dataDir.getPath(), "--histograms", "--interval", "0");
        assertTrue(printed.contains("counters.dat: pid "), printed);
        assertTrue(printed.matches(
            "(?s).*\\n  service time +count +p50 +p90 +p99 +p99\\.9 +max +\\(since start\\)\\n.*"), printed);
        assertTrue(printed.matches("(?s).*\\n  ring: session service-time +[1-9][0-9,]* +[0-9.]+ [mun]?s .*"), printed);

        final String repeated = stat("--data", dataDir.getPath(), "--histograms", "--interval", "50ms", "--count", "2");
        assertTrue(repeated.contains("(since start)"), repeated);
        assertTrue(repeated.matches("(?s).*\\(last [0-9]+\\.[0-9] s\\)\\n.*"), repeated);
    }

    @Test
    void shouldPrintServiceTimesFromAnotherProcess() throws Exception
    {
        launchAndSend("+1555140003", 1);
        final long sessionCount = server.server().ring().counters().sessionTime().totalCount();
        assertTrue(sessionCount >= 5, "session events " + sessionCount);

        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter((argument) -> argument.startsWith("--add-") || argument.startsWith("-Dchronicle"))
            .collect(Collectors.toList()));
        command.addAll(List.of("-Xmx64m", "-cp", System.getProperty("java.class.path"),
            SwitchboardCli.class.getName(), "stat", "--data", dataDir.getPath(), "--histograms", "--interval", "0"));
        final Process stat = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String printed = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(stat.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, stat.exitValue(), printed);

        assertTrue(printed.contains(", running"), printed);
        final Matcher session = Pattern.compile("\\n  ring: session service-time +([0-9,]+) +([0-9.]+ [mun]?s) ")
            .matcher(printed);
        assertTrue(session.find(), printed);
        assertTrue(Long.parseLong(session.group(1).replace(",", "")) >= sessionCount, printed);
    }

    @Test
    void shouldReadServiceTimesThroughTheBenchReader() throws Exception
    {
        final TestConnection[] pair = launchAndSend("+1555140004", 0);
        try (ServiceTimeReader reader = ServiceTimeReader.open(dataDir))
        {
            final ServiceTimeSnapshot before = reader.read("ring: route service-time");
            send(pair, 1, 10);
            final ServiceTimeSnapshot measured = reader.read("ring: route service-time").minus(before);
            assertTrue(measured.totalCount() >= 10, "route events " + measured.totalCount());
            assertTrue(measured.valueAtPercentile(99) > 0);
            assertNull(reader.read("no such histogram"));
            assertFalse(reader.isReplaced());
        }
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
        assertEquals(1, counters.value("ring: registrations", 0), "registration counted");

        server.restart();
        assertTrue(counters.isReplaced());
        assertEquals("stopped", counters.status());
        try (CountersFile again = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME)))
        {
            assertEquals("running", again.status());
            assertEquals(0, again.value("ring: registrations", -1), "a new run counts from zero");
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

    /**
     * Launch the server, register and log in two devices (phone prefix + 1 and + 2) and send messages from the
     * first to the second, each acknowledged.
     */
    private TestConnection[] launchAndSend(final String phonePrefix, final int messages) throws Exception
    {
        server = TestServer.launch(dataDir);
        final TestConnection[] pair = { server.device(phonePrefix + "1"), server.device(phonePrefix + "2") };
        send(pair, 1, messages);
        return pair;
    }

    private static void send(final TestConnection[] pair, final long firstClientMsgId, final int messages)
        throws Exception
    {
        for (int i = 0; i < messages; i++)
        {
            pair[0].send(firstClientMsgId + i, pair[1].userId, 0, new byte[]{ 1, 2, 3 });
            pair[0].expect(SentAckDecoder.TEMPLATE_ID);
        }
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
}
