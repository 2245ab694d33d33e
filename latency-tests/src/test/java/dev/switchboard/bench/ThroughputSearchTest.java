package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThroughputSearchTest
{
    private static final long WARMUP_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long SETTLE_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long STEP_NS = TimeUnit.SECONDS.toNanos(10);

    private static final int MESSAGES_A_WINDOW = 1000;
    private static final int DROPPED = -1;

    private final List<String> calls = new ArrayList<>();
    private final Map<Long, Integer> windows = new HashMap<>();

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
            "run 5000 warm-up " + SETTLE_NS + " measured " + STEP_NS,
            "settle",
            "run 3750 warm-up " + SETTLE_NS + " measured " + STEP_NS,
            "run 3750 warm-up " + SETTLE_NS + " measured " + STEP_NS,
            "settle",
            "run 3125 warm-up " + SETTLE_NS + " measured " + STEP_NS),
            calls);
        assertEquals(3125L, result.figures.get("maxSustainedRate"));
        assertEquals(3750L, result.figures.get("firstUnsustainedRate"));
        assertEquals("1250:ok 2500:ok 5000:overx2 3750:overx2 3125:ok", result.figures.get("steps"));
    }

    @Test
    void shouldMeasureAStepOverTheBoundAgainAndJudgeItOnBothWindows()
    {
        // A stall in the first window at 2,500 msg/s puts 15 of its 1,000 messages over the bound; the second is clean.
        final BenchResult result = search(
            (rate, window) -> rate > 3200 ? MESSAGES_A_WINDOW : 2500 == rate && 0 == window ? 15 : 0,
            "--warmup-rate", "5000", "--rate", "2500");

        assertEquals("2500:okx2 5000:overx2 3750:overx2 3125:ok", result.figures.get("steps"));
        assertEquals(3125L, result.figures.get("maxSustainedRate"));
    }

    @Test
    void shouldNotMeasureAgainAStepThatLostMessages()
    {
        final BenchResult result = search(
            (rate, window) -> rate > 3200 ? DROPPED : 0, "--warmup-rate", "5000", "--rate", "2500");

        assertEquals("2500:ok 5000:over 3750:over 3125:ok", result.figures.get("steps"));
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
        return search((rate, window) -> rate > 3200 ? MESSAGES_A_WINDOW : 0, args);
    }

    /**
     * How many of a measured window's messages at this rate go over the bound ({@link #DROPPED}: it loses some); the
     * window counts from 0 for each rate.
     */
    @FunctionalInterface
    private interface SlowMessages
    {
        int count(long rate, int window);
    }

    private BenchResult search(final SlowMessages slow, final String... args)
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
                final int window = windows.merge(rate, 1, Integer::sum) - 1;
                return new Scripted(deliver, durationNs > 0 ? MESSAGES_A_WINDOW : 0, slow.count(rate, window));
            },
            () -> calls.add("settle"));
        return result;
    }

    private static final class Scripted implements OpenLoopCounts
    {
        private final long measured;
        private final long lost;

        Scripted(final Histogram deliver, final long measured, final int slow)
        {
            this.measured = measured;
            this.lost = DROPPED == slow ? measured / 10 : 0;
            final int over = DROPPED == slow ? 0 : (int)Math.min(slow, measured);
            for (int i = 0; i < measured; i++)
            {
                deliver.recordValue(TimeUnit.MICROSECONDS.toNanos(i < over ? 2000 : 500));
            }
        }

        public long sent()
        {
            return measured + 100;
        }

        public long delivered()
        {
            return measured + 100 - lost;
        }

        public long measuredSent()
        {
            return measured;
        }

        public long measuredDelivered()
        {
            return measured - lost;
        }
    }
}
