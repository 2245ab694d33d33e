package dev.switchboard.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which peers a compare runs beside Switchboard, and which of a target's runs stands for it.
 */
class CompareTest
{
    @Test
    void shouldRunThePeersNamedInTheirUsualOrderOnceEach()
    {
        assertEquals(List.of("mosquitto"), Compare.chosenPeers(List.of("mosquitto")));
        assertEquals(
            List.of("nats", "mosquitto"), Compare.chosenPeers(List.of("mosquitto", "nats", "mosquitto")));
        assertEquals(Compare.PEERS, Compare.chosenPeers(Compare.PEERS));
        assertEquals(List.of(), Compare.chosenPeers(List.of()), "Switchboard alone");
    }

    @Test
    void shouldRefuseANameThatIsNoPeerBeforeAnythingRuns()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Compare.chosenPeers(List.of("mosquitto", "kafka")));
        assertTrue(ex.getMessage().contains("kafka") && ex.getMessage().contains("mosquitto-qos0"), ex.getMessage());
    }

    @Test
    void shouldTakeTheMedianSustainedRateOfAThroughputSearchWhateverItsP99()
    {
        // p99 at each run's own highest rate: the fastest run need not have the middle p99
        final List<BenchResult> runs = List.of(
            throughputRun(10_000, 950), throughputRun(1_250, 990), throughputRun(7_500, 600));
        assertEquals(2, Compare.medianRun(runs), "7,500 is the median rate");
    }

    @Test
    void shouldTakeTheMedianP99OfOtherScenarios()
    {
        final List<BenchResult> runs = List.of(latencyRun(300), latencyRun(100), latencyRun(200));
        assertEquals(2, Compare.medianRun(runs));
    }

    private static BenchResult throughputRun(final long rate, final long p99Us)
    {
        final BenchResult result = latencyRun(p99Us);
        result.figure("maxSustainedRate", rate);
        return result;
    }

    private static BenchResult latencyRun(final long p99Us)
    {
        final BenchResult result = new BenchResult("throughput", "mosquitto");
        for (int i = 0; i < 100; i++)
        {
            result.series("deliver-at-max").recordValue(p99Us * 1_000);
        }
        return result;
    }
}
