package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * The throughput scenario's search ({@link LatencyScenarios#throughput}), the same for every target: step the rate up
 * (doubling, then bisecting) and keep the highest whose delivery p99 stayed under the bound with every message
 * delivered. The search first warms up for the whole {@code --warmup} at {@code --warmup-rate}, unmeasured: a JVM server
 * compiles its hot path while it runs, and at a low first rate its compiler would still be at work, on the server's
 * CPU, in the steps measured; a server in service has long been past that. Every step then settles for a quarter of
 * the warm-up and measures for the whole {@code --duration}: a p99 needs some thousands of messages.
 * <p>
 * A step that delivered everything but went over the bound is measured once more and judged on both windows'
 * deliveries together: on a shared host a stall of a few milliseconds in one window puts a percent of its messages over
 * the bound by itself, and a search that ended on it would measure the host, not the target. A step the target
 * cannot carry goes over in both.
 */
final class ThroughputSearch
{
    private static final int MAX_STEPS = 8;

    private ThroughputSearch()
    {
    }

    /**
     * Search from {@code settings.rate} over {@code pairs}, logging each step, and add to {@code result} the
     * {@code deliver-at-max} series and CPU figures (when a rate was sustained) and the figures {@code pairs},
     * {@code p99BoundUs}, {@code maxSustainedRate}, {@code firstUnsustainedRate} and {@code steps}.
     */
    static <E extends Exception> void run(
        final BenchResult result,
        final BenchSettings settings,
        final int pairs,
        final PrintStream log,
        final Step<E> step,
        final Settle<E> settle) throws E
    {
        final long boundNs = TimeUnit.MICROSECONDS.toNanos(settings.p99BoundUs);
        final long stepNs = TimeUnit.SECONDS.toNanos(Math.max(2, settings.durationSeconds));
        final long firstWarmupNs = TimeUnit.SECONDS.toNanos(Math.max(1, settings.warmupSeconds));
        final long settleNs = TimeUnit.SECONDS.toNanos(Math.max(1, settings.warmupSeconds / 4));
        if (settings.warmupRate > 0)
        {
            final OpenLoopCounts warmup = step.run(settings.warmupRate, BenchResult.newHistogram(), firstWarmupNs, 0);
            log.printf("bench: throughput warm-up %,d msg/s for %d s: delivered %,d of %,d (not measured)%n",
                settings.warmupRate, TimeUnit.NANOSECONDS.toSeconds(firstWarmupNs), warmup.delivered(), warmup.sent());
            settle.run();
        }
        long good = 0;
        long bad = 0;
        long rate = settings.rate;
        Histogram best = null;
        CpuMeter bestCpu = null;
        final StringBuilder steps = new StringBuilder();
        for (int i = 0; i < MAX_STEPS && rate > 0; i++)
        {
            final Histogram deliver = BenchResult.newHistogram();
            final boolean firstWarmsUp = 0 == i && settings.warmupRate <= 0;
            OpenLoopCounts run = step.run(rate, deliver, firstWarmsUp ? firstWarmupNs : settleNs, stepNs);
            long p99Ns = deliver.getValueAtPercentile(99);
            boolean kept = deliveredAll(run) && p99Ns <= boundNs;
            final boolean measuredTwice = !kept && deliveredAll(run);
            log.printf("bench: throughput step %,d msg/s: p99 %.1f us, delivered %,d of %,d -> %s%n",
                rate, p99Ns / 1000.0, run.delivered(), run.sent(),
                kept ? "sustained" : measuredTwice ? "over the bound, measuring again" : "not sustained");
            if (measuredTwice)
            {
                run = step.run(rate, deliver, settleNs, stepNs);
                p99Ns = deliver.getValueAtPercentile(99);
                kept = deliveredAll(run) && p99Ns <= boundNs;
                log.printf("bench: throughput step %,d msg/s again: p99 of both %.1f us, delivered %,d of %,d -> %s%n",
                    rate, p99Ns / 1000.0, run.delivered(), run.sent(), kept ? "sustained" : "not sustained");
            }
            steps.append(rate).append(kept ? ":ok" : ":over").append(measuredTwice ? "x2 " : " ");
            if (kept)
            {
                good = rate;
                best = deliver;
                bestCpu = run.cpu();
            }
            else
            {
                bad = rate;
                settle.run();
            }
            rate = 0 == bad ? rate * 2 : (good + bad) / 2;
            if (bad > 0 && bad - good <= Math.max(1000, good / 20))
            {
                break;
            }
        }
        if (null != best)
        {
            result.series.put("deliver-at-max", best);
        }
        if (null != bestCpu)
        {
            // The CPU figures are the highest sustained step's.
            bestCpu.addTo(result);
        }
        result.figure("pairs", pairs);
        result.figure("p99BoundUs", settings.p99BoundUs);
        result.figure("maxSustainedRate", good);
        result.figure("firstUnsustainedRate", bad);
        result.figure("steps", steps.toString().trim());
    }

    private static boolean deliveredAll(final OpenLoopCounts run)
    {
        return run.delivered() >= run.sent() && run.measuredDelivered() > 0 &&
            run.measuredDelivered() >= 0.99 * run.measuredSent();
    }

    /**
     * One step of the search against the target.
     */
    @FunctionalInterface
    interface Step<E extends Exception>
    {
        /**
         * Run open loop at {@code rate} msg/s for {@code warmupNs}, then {@code durationNs} measured, recording the
         * measured delivery latency into {@code deliver}.
         */
        OpenLoopCounts run(long rate, Histogram deliver, long warmupNs, long durationNs) throws E;
    }

    /**
     * After a step the target could not sustain.
     */
    @FunctionalInterface
    interface Settle<E extends Exception>
    {
        /**
         * Let the server drain before the next, lower step.
         */
        void run() throws E;
    }
}
