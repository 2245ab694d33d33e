package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;

import static dev.switchboard.bench.PeerTestSupport.QUIET;
import static dev.switchboard.bench.PeerTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The mosquitto driver's own scenarios (drain, login storm) against a real broker on loopback, in short runs;
 * skipped where mosquitto is not installed. The load engine's MQTT path is {@link LoadWireTest}'s.
 */
@Timeout(60)
class MqttDriverTest
{
    @TempDir
    File outDir;

    @Test
    void shouldEncodeConnectAndSubscribePackets()
    {
        assertArrayEquals(new byte[]{ 0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 1, 'c' },
            MqttWire.connectPacket("c", true, 60));
        assertArrayEquals(new byte[]{ (byte)0x82, 8, 0, 1, 0, 3, 'u', '/', '7', 1 },
            MqttWire.subscribePacket(1, "u/7", 1));
        // A remaining length over 127 takes two bytes: 200 = 0xC8 0x01.
        final byte[] longConnect = MqttWire.connectPacket("x".repeat(200 - 12), false, 0);
        assertEquals((byte)0xC8, longConnect[1]);
        assertEquals(1, longConnect[2]);
        assertEquals(203, longConnect.length);
    }

    @Test
    void shouldReadUsersAndStamps()
    {
        assertEquals(42, MqttDriver.user("u/42"));
        assertEquals(-1, MqttDriver.user("v/42"));
        assertEquals(-1, MqttDriver.user("u/x"));
        assertEquals(0x0102030405060708L,
            MqttDriver.stamp(new byte[]{ 99, 8, 7, 6, 5, 4, 3, 2, 1 }, 1));
    }

    @Test
    void shouldDrainABacklogQueuedForAnOfflineSession()
    {
        requireMosquitto();
        final BenchResult drain = PeerScenarios.run("drain",
            settings("--target", "mosquitto", "--backlog", "500"), outDir, QUIET, CpuAffinity.none());
        assertEquals(500L, drain.figures.get("stored"));
        assertEquals(500L, drain.figures.get("delivered"));
        assertEquals(true, drain.figures.get("sessionPresent"));
        assertEquals(500, drain.series.get("queued-to-delivered").getTotalCount());
        assertTrue(((Number)drain.figures.get("drainRatePerSecond")).doubleValue() > 0);
    }

    @Test
    void shouldLogInAStormOfRawConnections()
    {
        requireMosquitto();
        final BenchResult storm = PeerScenarios.run("login-storm",
            settings("--target", "mosquitto", "--connections", "50"), outDir, QUIET, CpuAffinity.none());
        assertEquals(50L, storm.figures.get("loggedIn"));
        assertEquals(0L, storm.figures.get("failed"));
        assertEquals(50, storm.series.get("login").getTotalCount());
    }

    private static void requireMosquitto()
    {
        assumeTrue(null != MosquittoProcess.executable(), "mosquitto is not installed");
    }
}
