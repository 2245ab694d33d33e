package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The message latency scenarios against Switchboard: {@code ping} (closed loop, the floor), {@code pingpong} (open
 * loop at a fixed rate over pairs) and {@code throughput} (the highest rate whose p99 stays under a bound).
 */
final class LatencyScenarios
{
    private static final int HANDSHAKES_IN_FLIGHT = 256;

    private LatencyScenarios()
    {
    }

    static BenchResult ping(final LoadRig rig, final BenchSettings settings)
    {
        final int pairs = settings.pairsOr(1);
        final BenchResult result = new BenchResult("ping", "switchboard");
        final Histogram hop = result.series("hop");
        rig.ensureDevices(2 * pairs);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, 2 * pairs))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, 2 * pairs, bufferLength(settings), TimeUnit.MINUTES.toNanos(2));
            final ClosedLoopPing ping = new ClosedLoopPing(sides, settings.payloadLength, hop);
            poller.listener(ping);
            ping.run(poller, TimeUnit.SECONDS.toNanos(settings.warmupSeconds),
                TimeUnit.SECONDS.toNanos(settings.durationSeconds));
            result.figure("pairs", pairs);
            result.figure("roundTripsPerSecond", hop.getTotalCount() / 2.0 / settings.durationSeconds);
            result.figure("clientCounters", poller.counters().toMap());
        }
        return result;
    }

    static BenchResult pingpong(final LoadRig rig, final BenchSettings settings)
    {
        final BenchResult result = new BenchResult("pingpong", "switchboard");
        final int pairs = settings.pairsOr(1000);
        rig.ensureDevices(2 * pairs);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, 2 * pairs))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, 2 * pairs, bufferLength(settings), TimeUnit.MINUTES.toNanos(2));
            final OpenLoopRun run = new OpenLoopRun(
                sides, settings.rate, settings.payloadLength, result.series("deliver"), result.series("sent-ack"));
            poller.listener(run);
            final CpuMeter cpu = new CpuMeter(rig.server());
            run.run(poller, TimeUnit.SECONDS.toNanos(settings.warmupSeconds),
                TimeUnit.SECONDS.toNanos(settings.durationSeconds));
            cpu.addTo(result);
            result.figure("pairs", pairs);
            result.figure("rate", settings.rate);
            result.figure("sent", run.sent());
            result.figure("delivered", run.delivered());
            result.figure("measuredSent", run.measuredSent());
            result.figure("measuredDelivered", run.measuredDelivered());
            result.figure("deliveredPerSecond", run.measuredDelivered() / (double)settings.durationSeconds);
            result.figure("clientCounters", poller.counters().toMap());
        }
        return result;
    }

    /**
     * Step the rate up (doubling, then bisecting) and keep the highest whose delivery p99 stayed under the bound
     * with every message delivered; each step runs a short warm-up and measurement.
     */
    static BenchResult throughput(final LoadRig rig, final BenchSettings settings)
    {
        final BenchResult result = new BenchResult("throughput", "switchboard");
        final int pairs = settings.pairsOr(1000);
        final long boundNs = TimeUnit.MICROSECONDS.toNanos(settings.p99BoundUs);
        final long stepNs = TimeUnit.SECONDS.toNanos(Math.max(2, settings.durationSeconds / 4));
        final long warmupNs = TimeUnit.SECONDS.toNanos(Math.max(1, settings.warmupSeconds / 2));
        rig.ensureDevices(2 * pairs);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, 2 * pairs))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, 2 * pairs, bufferLength(settings), TimeUnit.MINUTES.toNanos(2));
            long good = 0;
            long bad = 0;
            long rate = settings.rate;
            Histogram best = null;
            final StringBuilder steps = new StringBuilder();
            for (int step = 0; step < 8 && rate > 0; step++)
            {
                final Histogram deliver = BenchResult.newHistogram();
                final OpenLoopRun run = new OpenLoopRun(
                    sides, rate, settings.payloadLength, deliver, BenchResult.newHistogram());
                poller.listener(run);
                run.run(poller, warmupNs, stepNs);
                final long p99Ns = deliver.getValueAtPercentile(99);
                final boolean kept = run.delivered() >= run.sent() && deliver.getTotalCount() > 0 &&
                    p99Ns <= boundNs && run.measuredDelivered() >= 0.99 * run.measuredSent();
                rig.log().printf("bench: throughput step %,d msg/s: p99 %.1f us, delivered %,d of %,d -> %s%n",
                    rate, p99Ns / 1000.0, run.delivered(), run.sent(), kept ? "sustained" : "not sustained");
                steps.append(rate).append(kept ? ":ok " : ":over ");
                if (kept)
                {
                    good = rate;
                    best = deliver;
                }
                else
                {
                    bad = rate;
                    // Let the server drain before the next, lower step.
                    LoadRig.pollFor(poller, TimeUnit.SECONDS.toNanos(2));
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
            result.figure("pairs", pairs);
            result.figure("p99BoundUs", settings.p99BoundUs);
            result.figure("maxSustainedRate", good);
            result.figure("firstUnsustainedRate", bad);
            result.figure("steps", steps.toString().trim());
            result.figure("clientCounters", poller.counters().toMap());
        }
        return result;
    }

    static int bufferLength(final BenchSettings settings)
    {
        return Math.max(4096, 4 * (settings.payloadLength + 128));
    }
}
