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
            run.addTo(result, pairs, settings);
            result.figure("clientCounters", poller.counters().toMap());
            warnOfLostConnections(poller, rig);
        }
        return result;
    }

    /**
     * The throughput search ({@link ThroughputSearch}), each step a fresh open-loop run over the same logged-in pairs.
     */
    static BenchResult throughput(final LoadRig rig, final BenchSettings settings)
    {
        final BenchResult result = new BenchResult("throughput", "switchboard");
        final int pairs = settings.pairsOr(1000);
        rig.ensureDevices(2 * pairs);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, 2 * pairs))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, 2 * pairs, bufferLength(settings), TimeUnit.MINUTES.toNanos(2));
            ThroughputSearch.run(result, settings, pairs, rig.log(),
                (rate, deliver, warmupNs, durationNs) ->
                {
                    final OpenLoopRun run = new OpenLoopRun(
                        sides, rate, settings.payloadLength, deliver, BenchResult.newHistogram());
                    poller.listener(run);
                    run.run(poller, warmupNs, durationNs);
                    return run;
                },
                () -> LoadRig.pollFor(poller, TimeUnit.SECONDS.toNanos(2)));
            result.figure("clientCounters", poller.counters().toMap());
            warnOfLostConnections(poller, rig);
        }
        return result;
    }

    static int bufferLength(final BenchSettings settings)
    {
        return Math.max(4096, 4 * (settings.payloadLength + 128));
    }

    /**
     * A run that lost connections measured something else than it set out to: say so, and where to look.
     */
    static void warnOfLostConnections(final LoadPoller poller, final LoadRig rig)
    {
        final long disconnects = poller.counters().disconnects;
        if (disconnects > 0)
        {
            rig.log().println("bench: WARNING " + disconnects + " connection(s) lost during the run; messages they " +
                "could not send count as lost (lostToClosedConnections). Server counters of the run: " +
                "./switchboard stat --data " + rig.dataDir());
        }
    }
}
