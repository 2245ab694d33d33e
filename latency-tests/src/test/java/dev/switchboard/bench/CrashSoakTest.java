package dev.switchboard.bench;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.util.List;

/**
 * The short form of {@code switchboard bench soak}: per journal sync policy, 3 senders and 3 recipients (one with two
 * devices) on the real client SDK at 150 messages a second (37 under sync always), devices going offline and back,
 * and the server in a child JVM killed with SIGKILL at least 10 times and restarted on the same data folder. Nothing
 * acknowledged may be lost, shown twice or reordered, and the journal must be empty once everyone has drained.
 * Logs and soak.json stay in target/soak-test.
 */
class CrashSoakTest
{
    private static final int KILLS = 10;
    private static final int SEND_RATE = 150;
    private static final long DURATION_MS = 8_000;

    @ParameterizedTest
    @ValueSource(strings = { "none", "batch", "always" })
    @Timeout(600)
    void shouldLoseDoubleAndReorderNothingAcrossKillNine(final String syncPolicy) throws Exception
    {
        final SoakSettings settings = new SoakSettings();
        settings.senders = 3;
        settings.recipients = 3;
        settings.kills = KILLS;
        settings.durationMs = DURATION_MS;
        settings.sendRate = SEND_RATE;
        settings.syncPolicies = List.of(syncPolicy);
        settings.maxOfflineMs = 1_500;
        settings.churnIntervalMs = 300;
        settings.drainTimeoutMs = 60_000;
        settings.quietMs = 750;
        // The server and its dependencies are on this test's classpath (server is a test dependency).
        settings.serverClasspath = System.getProperty("java.class.path");
        settings.serverJvmFlags.addAll(JvmFlags.forChild(BenchCli.repoRoot()));

        final File outDir = new File("target/soak-test/" + syncPolicy).getAbsoluteFile();
        final SoakResult result = SoakScenario.run(settings, outDir, null, System.out).get(0);
        SoakAssertions.assertNothingLost(result, KILLS, settings.rateFor(syncPolicy) * DURATION_MS / 1000 / 2);
    }
}
