package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The opt-in Prometheus endpoint serves the counters and the per-stage service times in the text format, as the
 * reference parser (the Python client's) reads it, and its values move as messages flow.
 */
@Timeout(120)
class MetricsEndpointSystemTest
{
    private static final String SESSION = "stage=ring: session service-time";

    @TempDir
    File dataDir;

    private TestServer server;

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldBeOffByDefault()
    {
        server = TestServer.launch(dataDir);
        assertEquals(0, server.server().metricsPort());
    }

    @Test
    void shouldServeCountersAndServiceTimesThatAParserReadsAndThatMoveWithMessages() throws Exception
    {
        assumeTrue(pythonParserPresent(), "python3 with prometheus_client is needed to parse");
        server = TestServer.launch(dataDir, MetricsEndpoint.PORT_PROP_NAME + "=" + ChildServer.freePort());
        final int port = server.server().metricsPort();
        assertTrue(port > 0);
        final TestConnection alice = server.device("+15551290001");
        final TestConnection bob = server.device("+15551290002");

        final Map<String, Double> before = scrape(port);
        // Text format 0.0.4's "untyped" is the parser's "unknown" (OpenMetrics' name for it).
        assertEquals("unknown", type(before, "switchboard_ring_messages_stored"));
        assertEquals("summary", type(before, "switchboard_service_time_seconds"));
        for (final double quantile : PrometheusText.QUANTILES)
        {
            assertTrue(before.containsKey("switchboard_service_time_seconds|quantile=" + quantile + "," + SESSION),
                before.keySet().toString());
        }

        final int messages = 5;
        for (int i = 1; i <= messages; i++)
        {
            alice.send(i, bob.userId, 0, new byte[]{ 1, 2, 3 });
            alice.expect(SentAckDecoder.TEMPLATE_ID);
            bob.expect(DeliverDecoder.TEMPLATE_ID);
        }
        final Map<String, Double> after = scrape(port);

        assertEquals(value(before, "switchboard_ring_messages_stored") + messages,
            value(after, "switchboard_ring_messages_stored"));
        assertTrue(value(after, "switchboard_edge_poller_0_frames_in") >=
            value(before, "switchboard_edge_poller_0_frames_in") + messages);
        assertTrue(value(after, "switchboard_service_time_seconds_count|" + SESSION) >=
            value(before, "switchboard_service_time_seconds_count|" + SESSION) + messages);
        assertTrue(value(after, "switchboard_service_time_seconds|quantile=1.0," + SESSION) > 0);

        final HttpResponse<String> post = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + MetricsEndpoint.PATH))
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    /** Samples keyed "name|labels", and "#type name" -> the family's type, from the Python parser's output. */
    private static Map<String, Double> scrape(final int port) throws Exception
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + MetricsEndpoint.PATH)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(PrometheusText.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));

        final Process python = new ProcessBuilder("python3", parser().toString()).start();
        try (OutputStream in = python.getOutputStream())
        {
            in.write(response.body().getBytes(StandardCharsets.UTF_8));
        }
        final String parsed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String errors = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), "the parser refused it: " + errors + "\n" + response.body());

        final Map<String, Double> samples = new HashMap<>();
        for (final String line : parsed.split("\n"))
        {
            final String[] fields = line.split("\t", -1);
            assertEquals(5, fields.length, line);
            samples.put("#" + fields[1] + " " + fields[0], 0.0);
            samples.put(fields[2] + (fields[3].isEmpty() ? "" : "|" + fields[3]), Double.parseDouble(fields[4]));
        }
        return samples;
    }

    private static String type(final Map<String, Double> samples, final String family)
    {
        for (final String key : samples.keySet())
        {
            if (key.startsWith("#") && key.endsWith(" " + family))
            {
                return key.substring(1, key.indexOf(' '));
            }
        }
        throw new AssertionError("no family " + family + " in " + samples.keySet());
    }

    private static double value(final Map<String, Double> samples, final String key)
    {
        final Double value = samples.get(key);
        if (null == value)
        {
            throw new AssertionError("no sample " + key + " in " + samples.keySet());
        }
        return value;
    }

    private static Path parser() throws Exception
    {
        return Path.of(MetricsEndpointSystemTest.class.getResource("/parse_prometheus.py").toURI());
    }

    private static boolean pythonParserPresent()
    {
        try
        {
            final Process probe = new ProcessBuilder("python3", "-c", "import prometheus_client.parser")
                .redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && 0 == probe.exitValue();
        }
        catch (final Exception ex)
        {
            return false;
        }
    }
}
