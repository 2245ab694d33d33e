package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak with graceful stops: the server in a child JVM is stopped with SIGTERM mid-load (its shutdown tells every
 * client Goodbye with a retry hint, flushes the journal and closes the maps) and restarted on the same data folder
 * and port; the SDK clients reconnect after the hint. Nothing acknowledged may be lost, shown twice or reordered, and
 * every stop must exit 0.
 */
class GracefulStopSoakTest
{
    private static final int STOPS = 4;
    private static final long DURATION_MS = 6_000;

    @Test
    @Timeout(300)
    void shouldLoseDoubleAndReorderNothingAcrossGracefulStops() throws Exception
    {
        final SoakSettings settings = new SoakSettings();
        settings.senders = 3;
        settings.recipients = 3;
        settings.kills = STOPS;
        settings.gracefulStops = true;
        settings.durationMs = DURATION_MS;
        settings.sendRate = 150;
        settings.syncPolicies = List.of("none");
        settings.maxOfflineMs = 1_500;
        settings.churnIntervalMs = 300;
        settings.drainTimeoutMs = 60_000;
        settings.quietMs = 750;
        // A short hint keeps the test short; the default is 2 s.
        settings.serverOptions.add("-Dswitchboard.shutdown.retry.after=200ms");
        settings.serverClasspath = System.getProperty("java.class.path");
        settings.serverJvmFlags.addAll(JvmFlags.forChild(BenchCli.repoRoot()));

        final File outDir = new File("target/soak-test/graceful").getAbsoluteFile();
        final SoakResult result = SoakScenario.run(settings, outDir, null, System.out).get(0);
        @SuppressWarnings("unchecked")
        final Map<String, Object> clients = (Map<String, Object>)result.details.get("clients");
        SoakAssertions.assertNothingLost(result, STOPS, settings.sendRate * DURATION_MS / 1000 / 2,
            () -> assertEquals(0, result.details.get("killsWithOtherExitStatus"), "a stop did not exit 0: " +
                result.details),
            () -> assertTrue((Long)clients.get("goodbyes") > 0, "no client was told Goodbye: " + result.details));
    }
}
