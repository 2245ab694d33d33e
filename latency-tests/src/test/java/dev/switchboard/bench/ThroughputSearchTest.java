package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThroughputSearchTest
{
    private static final long WARMUP_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long SETTLE_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long STEP_NS = TimeUnit.SECONDS.toNanos(10);

    private final List<String> calls = new ArrayList<>();

    @Test
    void shouldWarmUpAtTheWarmUpRateUnmeasuredThenSettleBeforeEveryStep()
    {
        final BenchResult result = search("--warmup-rate", "5000", "--rate", "1250");

        assertEquals(List.of(
            "run 5000 warm-up " + WARMUP_NS + " measured 0",
            "settle",
            "run 1250 warm-up " + SETTLE_NS + " measured " + STEP_NS,
            "run 2500 warm-up " + SETTLE_NS + " measured " + STEP_NS,
            "run 5000 warm-up " + SETTLE_NS + " measured " + STEP_NS,
            "settle",
            "run 3750 warm-up " + SETTLE_NS + " measured " + STEP_NS,
            "settle",
            "run 3125 warm-up " + SETTLE_NS + " measured " + STEP_NS),
            calls);
        assertEquals(3125L, result.figures.get("maxSustainedRate"));
        assertEquals(3750L, result.figures.get("firstUnsustainedRate"));
    }

    @Test
    void shouldWarmUpInTheFirstStepWhenTheWarmUpRateIsZero()
    {
        final BenchResult result = search("--warmup-rate", "0", "--rate", "1250");

        assertEquals("run 1250 warm-up " + WARMUP_NS + " measured " + STEP_NS, calls.get(0));
        assertEquals("run 2500 warm-up " + SETTLE_NS + " measured " + STEP_NS, calls.get(1));
        assertEquals(3125L, result.figures.get("maxSustainedRate"));
    }

    /**
     * A scripted target: every rate up to 3,200 msg/s stays under the bound, anything higher goes over.
     */
    private BenchResult search(final String... args)
    {
        final BenchSettings settings = new BenchSettings();
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--warmup", "20", "--duration", "10", "--p99-bound-us", "1000"));
        new CommandLine(settings).parseArgs(all.toArray(new String[0]));
        final BenchResult result = new BenchResult("throughput", "switchboard");
        final PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ThroughputSearch.run(result, settings, 1000, log,
            (rate, deliver, warmupNs, durationNs) ->
            {
                calls.add("run " + rate + " warm-up " + warmupNs + " measured " + durationNs);
                return new Scripted(rate, deliver, durationNs > 0 ? 1000 : 0);
            },
            () -> calls.add("settle"));
        return result;
    }

    private static final class Scripted implements OpenLoopCounts
    {
        private final long latencyNs;
        private final long measured;

        Scripted(final long rate, final Histogram deliver, final long measured)
        {
            this.latencyNs = TimeUnit.MICROSECONDS.toNanos(rate <= 3200 ? 500 : 2000);
            this.measured = measured;
            for (int i = 0; i < measured; i++)
            {
                deliver.recordValue(latencyNs);
            }
        }

        public long sent()
        {
            return measured + 100;
        }

        public long delivered()
        {
            return measured + 100;
        }

        public long measuredSent()
        {
            return measured;
        }

        public long measuredDelivered()
        {
            return measured;
        }

        public long deliverAtPercentileNs(final double percentile)
        {
            return latencyNs;
        }
    }
}
