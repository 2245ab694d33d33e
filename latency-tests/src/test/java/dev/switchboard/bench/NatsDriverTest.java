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
 * The NATS driver's own scenarios against a real nats-server on loopback, in short runs; skipped where nats-server
 * is not installed. The load engine's NATS path is {@link LoadWireTest}'s.
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
    void shouldRefuseDrainOnCoreNats()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> PeerScenarios.run("drain", settings("--target", "nats"), outDir, QUIET, CpuAffinity.none()));
        assertTrue(ex.getMessage().contains("no backlog"), ex.getMessage());
    }

    @Test
    void shouldLogInAStormOfRawConnections()
    {
        final BenchResult storm = PeerScenarios.run("login-storm",
            settings("--target", "nats", "--connections", "50"), outDir, QUIET, CpuAffinity.none());
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
