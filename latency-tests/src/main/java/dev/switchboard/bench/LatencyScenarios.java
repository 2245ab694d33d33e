package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The message latency scenarios, the same for every target ({@link LoadRig#TARGETS}: one load poller, one
 * connection per user, each user subscribed to its own subject or topic): {@code ping} (closed loop, the floor),
 * {@code pingpong} (open loop at a fixed rate over pairs) and {@code throughput} (the highest rate whose p99 stays
 * under a bound). Each records the server's and the load's CPU per delivered message over the measured window.
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
        final BenchResult result = newResult("ping", rig, settings);
        final Histogram hop = result.series("hop");
        final int connections = 2 * pairs + settings.idle;
        rig.ensureDevices(connections);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, connections))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, connections, bufferLength(settings), TimeUnit.MINUTES.toNanos(2)).subList(0, 2 * pairs);
            final CpuMeter cpu = new CpuMeter(rig.process());
            final ClosedLoopPing ping = new ClosedLoopPing(sides, settings.payloadLength, hop, cpu);
            poller.listener(ping);
            ping.run(poller, TimeUnit.SECONDS.toNanos(settings.warmupSeconds),
                TimeUnit.SECONDS.toNanos(settings.durationSeconds));
            result.figure("pairs", pairs);
            result.figure("idleConnections", settings.idle);
            result.figure("roundTripsPerSecond", hop.getTotalCount() / 2.0 / settings.durationSeconds);
            cpu.addTo(result);
            result.figure("clientCounters", poller.counters().toMap());
        }
        return result;
    }

    static BenchResult pingpong(final LoadRig rig, final BenchSettings settings)
    {
        final BenchResult result = newResult("pingpong", rig, settings);
        final int pairs = settings.pairsOr(1000);
        final int connections = 2 * pairs + settings.idle;
        rig.ensureDevices(connections);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, connections))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, connections, bufferLength(settings), TimeUnit.MINUTES.toNanos(2)).subList(0, 2 * pairs);
            final OpenLoopRun run = new OpenLoopRun(sides, settings.rate, settings.payloadLength,
                result.series("deliver"), result.series("sent-ack"), result.series("send-lag"),
                new CpuMeter(rig.process()))
                .serverServiceTimes(ServerServiceTimes.of(rig))
                .lateBound(TimeUnit.MICROSECONDS.toNanos(settings.p99BoundUs));
            poller.listener(run);
            run.run(poller, TimeUnit.SECONDS.toNanos(settings.warmupSeconds),
                TimeUnit.SECONDS.toNanos(settings.durationSeconds));
            if (0 == result.series.get("sent-ack").getTotalCount())
            {
                // No acknowledgement from the server to the sender in this protocol (core NATS, MQTT QoS 0).
                result.series.remove("sent-ack");
            }
            run.cpu().addTo(result);
            run.serverServiceTimes().addTo(result);
            run.addTo(result, pairs, settings);
            run.lateTimeline().addTo(result);
            result.figure("idleConnections", settings.idle);
            result.figure("clientCounters", poller.counters().toMap());
            warnOfLostConnections(poller, rig);
        }
        return result;
    }

    /**
     * A result for the rig's target carrying the server's version and settings.
     */
    private static BenchResult newResult(final String scenario, final LoadRig rig, final BenchSettings settings)
    {
        final BenchResult result = new BenchResult(scenario, rig.target());
        result.figure("serverVersion", rig.serverVersion());
        result.figure("serverSettings", rig.serverSettings());
        result.figure("payloadBytes", settings.payloadLength);
        return result;
    }

    /**
     * The throughput search ({@link ThroughputSearch}), each step a fresh open-loop run over the same logged-in pairs.
     */
    static BenchResult throughput(final LoadRig rig, final BenchSettings settings)
    {
        final BenchResult result = newResult("throughput", rig, settings);
        final int pairs = settings.pairsOr(1000);
        rig.ensureDevices(2 * pairs);
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, HANDSHAKES_IN_FLIGHT, 2 * pairs))
        {
            final List<LoadConnection> sides = rig.loginAll(
                poller, 0, 2 * pairs, bufferLength(settings), TimeUnit.MINUTES.toNanos(2));
            ThroughputSearch.run(result, settings, pairs, rig.log(),
                (rate, deliver, warmupNs, durationNs) ->
                {
                    final OpenLoopRun run = new OpenLoopRun(sides, rate, settings.payloadLength, deliver,
                        BenchResult.newHistogram(), new CpuMeter(rig.process()));
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
                "could not send count as lost (lostToClosedConnections)." + (null == rig.server() ? "" :
                " Server counters of the run: ./switchboard stat --data " + rig.dataDir()));
        }
    }
}
