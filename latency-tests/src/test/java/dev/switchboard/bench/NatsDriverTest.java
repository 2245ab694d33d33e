package dev.switchboard.bench;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static dev.switchboard.bench.PeerTestSupport.QUIET;
import static dev.switchboard.bench.PeerTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The NATS driver against a real nats-server on loopback, in short runs; skipped where nats-server is not installed.
 */
@Timeout(60)
class NatsDriverTest
{
    @TempDir
    File outDir;

    @BeforeEach
    void requireNatsServer()
    {
        assumeTrue(null != NatsServerProcess.executable(), "nats-server is not installed");
    }

    @Test
    void shouldPingPongOverCoreNats()
    {
        final BenchResult pingpong = PeerScenarios.run("pingpong", settings("--target", "nats", "--pairs", "4",
            "--rate", "500", "--warmup", "1", "--duration", "1"), outDir, QUIET);
        final long measuredSent = ((Number)pingpong.figures.get("measuredSent")).longValue();
        assertTrue(measuredSent > 300, "sent " + measuredSent);
        assertEquals(measuredSent, pingpong.figures.get("measuredDelivered"));
        assertTrue(((String)pingpong.figures.get("serverVersion")).startsWith("nats-server"));
    }

    @Test
    void shouldSustainNoRateUnderAnImpossibleBound()
    {
        // A 1 us p99 cannot hold over loopback: one step at 1,000 msg/s fails and the bisection ends there.
        final BenchResult throughput = PeerScenarios.run("throughput", settings("--target", "nats", "--pairs", "4",
            "--rate", "1000", "--p99-bound-us", "1", "--warmup", "1", "--duration", "1"), outDir, QUIET);
        assertEquals(0L, throughput.figures.get("maxSustainedRate"));
        assertEquals(1000L, throughput.figures.get("firstUnsustainedRate"));
        assertEquals("1000:over", throughput.figures.get("steps"));
        assertFalse(throughput.series.containsKey("deliver-at-max"));
    }

    @Test
    void shouldDrainAJetStreamBacklog()
    {
        final BenchResult drain = PeerScenarios.run("drain",
            settings("--target", "nats-jetstream", "--backlog", "500"), outDir, QUIET);
        assertEquals(500L, drain.figures.get("stored"));
        assertEquals(500L, drain.figures.get("delivered"));
        assertEquals(500, drain.series.get("queued-to-delivered").getTotalCount());
    }

    @Test
    void shouldRefuseDrainOnCoreNats()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> PeerScenarios.run("drain", settings("--target", "nats"), outDir, QUIET));
        assertTrue(ex.getMessage().contains("nats-jetstream"), ex.getMessage());
    }

    @Test
    void shouldLogInAStormOfRawConnections()
    {
        final BenchResult storm = PeerScenarios.run("login-storm",
            settings("--target", "nats", "--connections", "50"), outDir, QUIET);
        assertEquals(50L, storm.figures.get("loggedIn"));
        assertEquals(50, storm.series.get("login").getTotalCount());
    }

    @Test
    void shouldCompleteTheNatsHandshakeOnPongOnly() throws Exception
    {
        final NatsDriver.NatsHandshake handshake = new NatsDriver.NatsHandshake();
        assertFalse(handshake.isComplete(reply("INFO {\"server_id\":\"x\"}\r\n")));
        assertTrue(handshake.isComplete(reply("INFO {\"server_id\":\"x\"}\r\nPONG\r\n")));
        assertThrows(java.io.IOException.class,
            () -> handshake.isComplete(reply("INFO {}\r\n-ERR 'Authorization Violation'\r\n")));
    }

    private static ByteBuffer reply(final String text)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        buffer.put(text.getBytes(StandardCharsets.US_ASCII));
        return buffer;
    }
}
