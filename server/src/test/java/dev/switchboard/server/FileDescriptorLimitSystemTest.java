package dev.switchboard.server;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.PongDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A server in a child JVM with a low open-file limit (set with prlimit) and a connection limit far above it: by
 * default the limit is lowered to fit and the excess is told SERVER_BUSY; with the cap off, accept() runs out of
 * descriptors and backs off, counted, with a short log. Either way the server still answers afterwards.
 */
@Timeout(180)
class FileDescriptorLimitSystemTest
{
    private static final File PRLIMIT = new File("/usr/bin/prlimit");
    private static final int FD_LIMIT = 512;
    private static final int MAX_LOG_LINES = 100;
    private static final Pattern MAX_CONNECTIONS = Pattern.compile("max connections (\\d+) \\(open-file limit (\\d+)");

    @TempDir
    File dataDir;

    private final List<TestConnection> connections = new ArrayList<>();
    private List<String> log = List.of();
    private Process process;

    @AfterEach
    void stop() throws InterruptedException
    {
        CloseHelper.closeAll(connections);
        if (null != process)
        {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void shouldLowerTheConnectionLimitBelowTheOpenFileLimitAndTellTheExcessServerBusy() throws Exception
    {
        final int port = startServer("switchboard.edge.max.connections=100000");
        final Matcher layout = layoutLine();
        final int maxConnections = Integer.parseInt(layout.group(1));
        assertEquals(FD_LIMIT, Integer.parseInt(layout.group(2)));
        assertTrue(maxConnections > 0 && maxConnections <= FD_LIMIT - 256, layout.group());
        assertTrue(List.copyOf(log).stream().anyMatch(line -> line.contains("WARN SwitchboardServer - " +
            "switchboard.edge.max.connections 100000 lowered to " + maxConnections)), logText());

        for (int i = 0; i < maxConnections; i++)
        {
            connections.add(new TestConnection(port));
        }
        // Each accepted one answers a Ping, so all of them are in before the excess arrives.
        for (final TestConnection connection : connections)
        {
            connection.ping(1);
            assertEquals(PongDecoder.TEMPLATE_ID, connection.read().templateId());
        }
        for (int i = 0; i < 20; i++)
        {
            final TestConnection excess = new TestConnection(port);
            connections.add(excess);
            final TestConnection.Frame refusal = excess.read();
            assertEquals(ErrorDecoder.TEMPLATE_ID, refusal.templateId());
            assertEquals(ErrorCode.SERVER_BUSY, refusal.error().code());
            assertEquals(0, refusal.error().requestId());
            assertTrue(excess.awaitClosed());
        }

        for (int i = 0; i < 10; i++)
        {
            connections.get(i).close();
        }
        assertAnswersAFreshConnection(port);
        assertTrue(log.size() < MAX_LOG_LINES, log.size() + " lines:\n" + logText());
    }

    @Test
    void shouldBackOffCountAndLogBrieflyWhenAcceptRunsOutOfDescriptors() throws Exception
    {
        final int port = startServer(
            "switchboard.edge.max.connections=100000", "switchboard.edge.fd.cap=false");
        final int maxConnections = Integer.parseInt(layoutLine().group(1));
        assertEquals(100_000, maxConnections, "the cap is off");

        // More than the process can hold: the kernel completes the handshakes, accept() fails for the rest.
        for (int i = 0; i < FD_LIMIT + 200; i++)
        {
            connections.add(new TestConnection(port));
        }
        final File countersFile = new File(dataDir, CountersFile.FILE_NAME);
        long acceptErrors = 0;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (acceptErrors == 0 && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(100);
            try (CountersFile counters = CountersFile.mapReadOnly(countersFile))
            {
                acceptErrors = acceptErrors(counters);
            }
        }
        assertTrue(acceptErrors > 0, "accept-errors counted");
        Thread.sleep(3_000); // let it sit at the limit: the log must not grow with time

        CloseHelper.closeAll(connections);
        connections.clear();
        assertAnswersAFreshConnection(port);

        try (CountersFile counters = CountersFile.mapReadOnly(countersFile))
        {
            final long[] observed = new long[1];
            final int distinct = counters.readErrors((count, first, last, trace) ->
            {
                if (trace.contains("Too many open files"))
                {
                    observed[0] += count;
                }
            });
            assertTrue(distinct >= 1 && observed[0] > 0, "the error log holds the accept failures");
            // Recorded once per failure, and a failure starts a 100 ms backoff: a few dozen a second at most.
            assertTrue(acceptErrors(counters) < 20 * 40, "accept does not spin");
        }
        assertTrue(List.copyOf(log).stream().anyMatch(line -> line.contains("Too many open files")), logText());
        assertTrue(log.size() < MAX_LOG_LINES, log.size() + " lines:\n" + logText());
    }

    /** The acceptor's accept-errors counter, whatever group its label carries. */
    private static long acceptErrors(final CountersFile counters)
    {
        final long[] sum = { 0 };
        counters.reader().forEach((final long value, final int counterId, final String label) ->
        {
            if (label.endsWith("accept-errors"))
            {
                sum[0] += value;
            }
        });
        return sum[0];
    }

    private void assertAnswersAFreshConnection(final int port) throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true)
        {
            final TestConnection fresh = new TestConnection(port);
            connections.add(fresh);
            fresh.ping(77);
            final TestConnection.Frame frame = fresh.read();
            if (PongDecoder.TEMPLATE_ID == frame.templateId())
            {
                return;
            }
            // Told SERVER_BUSY while the server still closes what the test let go of: try again.
            assertEquals(ErrorCode.SERVER_BUSY, frame.error().code());
            assertTrue(System.nanoTime() - deadlineNs < 0, "the server never took a fresh connection");
            Thread.sleep(200);
        }
    }

    private Matcher layoutLine()
    {
        for (final String line : new ArrayList<>(log))
        {
            final Matcher matcher = MAX_CONNECTIONS.matcher(line);
            if (line.contains("SwitchboardServer - edge: ") && matcher.find())
            {
                return matcher;
            }
        }
        final Matcher uncapped = Pattern.compile("max connections (\\d+)").matcher(logText());
        assertTrue(uncapped.find(), logText());
        return uncapped;
    }

    private String logText()
    {
        return String.join("\n", List.copyOf(log));
    }

    private int startServer(final String... properties) throws IOException, InterruptedException
    {
        assumeTrue(PRLIMIT.canExecute(), "needs prlimit (util-linux)");
        final int port = ChildServer.freePort();
        final String[] systemProperties = new String[properties.length + 1];
        systemProperties[0] = "switchboard.edge.login.timeout=120s";
        System.arraycopy(properties, 0, systemProperties, 1, properties.length);
        final ChildServer server = ChildServer.start(
            List.of(PRLIMIT.getPath(), "--nofile=" + FD_LIMIT + ":" + FD_LIMIT), dataDir, port, systemProperties);
        process = server.process;
        log = server.output;
        return port;
    }
}
