package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The message latency scenarios against any peer, so every peer runs exactly the same load: {@code ping} (closed
 * loop), {@code pingpong} (open loop at a fixed rate over pairs, latency from the intended send time carried in the
 * payload, warm-up not recorded) and {@code throughput} (the highest rate whose p99 stays under a bound, stepped as
 * for Switchboard by {@link ThroughputSearch}); also the login storm over raw sessions of the peer's protocol.
 */
final class PeerLoad
{
    private static final long DELIVERY_WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    private PeerLoad()
    {
    }

    static BenchResult ping(final PeerDriver driver, final BenchSettings settings) throws Exception
    {
        final int pairs = settings.pairsOr(1);
        final BenchResult result = new BenchResult("ping", driver.target());
        final Histogram hop = result.series("hop");
        driver.connect();
        final long[] window = new long[2];
        for (int user = 0; user < 2 * pairs; user++)
        {
            driver.subscribe(user, (to, stampNs, nowNs) ->
            {
                final long endNs;
                synchronized (hop)
                {
                    endNs = window[1];
                    if (stampNs - window[0] >= 0 && nowNs - endNs < 0)
                    {
                        BenchResult.record(hop, nowNs - stampNs);
                    }
                }
                if (nowNs - endNs < 0)
                {
                    driver.publish(to, to ^ 1, System.nanoTime(), settings.payloadLength);
                }
            });
        }
        driver.flush();
        final long startNs = System.nanoTime();
        final long endNs;
        synchronized (hop)
        {
            window[0] = startNs + TimeUnit.SECONDS.toNanos(settings.warmupSeconds);
            window[1] = window[0] + TimeUnit.SECONDS.toNanos(settings.durationSeconds);
            endNs = window[1];
        }
        for (int pair = 0; pair < pairs; pair++)
        {
            driver.publish(2 * pair, 2 * pair + 1, System.nanoTime(), settings.payloadLength);
        }
        sleepUntil(endNs + TimeUnit.MILLISECONDS.toNanos(500));
        result.figure("pairs", pairs);
        synchronized (hop)
        {
            result.figure("roundTripsPerSecond", hop.getTotalCount() / 2.0 / settings.durationSeconds);
        }
        result.figure("publishRetries", driver.publishRetries());
        return result;
    }

    static BenchResult pingpong(final PeerDriver driver, final BenchSettings settings) throws Exception
    {
        final int pairs = settings.pairsOr(1000);
        final BenchResult result = new BenchResult("pingpong", driver.target());
        final OpenLoop run = new OpenLoop(pairs, settings.rate, settings.payloadLength, result.series("deliver"));
        subscribeAll(driver, 2 * pairs, (to, stampNs, nowNs) -> run.onMessage(stampNs, nowNs));
        final long retriesBefore = driver.publishRetries();
        final long serverCpuStartNs = ProcessStats.cpuTimeNs(driver.serverPid());
        final long clientCpuStartNs = ProcessStats.cpuTimeNs(ProcessHandle.current().pid());
        final long startNs = System.nanoTime();
        run.run(driver, TimeUnit.SECONDS.toNanos(settings.warmupSeconds),
            TimeUnit.SECONDS.toNanos(settings.durationSeconds));
        final double elapsedNs = System.nanoTime() - startNs;
        run.addTo(result, pairs, settings);
        result.figure("publishRetries", driver.publishRetries() - retriesBefore);
        if (serverCpuStartNs >= 0)
        {
            result.figure("serverCpuCores",
                (ProcessStats.cpuTimeNs(driver.serverPid()) - serverCpuStartNs) / elapsedNs);
        }
        if (clientCpuStartNs >= 0)
        {
            result.figure("clientCpuCores",
                (ProcessStats.cpuTimeNs(ProcessHandle.current().pid()) - clientCpuStartNs) / elapsedNs);
        }
        return result;
    }

    /**
     * The throughput search ({@link ThroughputSearch}), each step a fresh open-loop run over the same subscriptions.
     */
    static BenchResult throughput(final PeerDriver driver, final BenchSettings settings, final PrintStream log)
        throws Exception
    {
        final BenchResult result = new BenchResult("throughput", driver.target());
        final int pairs = settings.pairsOr(1000);
        final OpenLoop[] current = new OpenLoop[1];
        subscribeAll(driver, 2 * pairs, (to, stampNs, nowNs) ->
        {
            final OpenLoop run;
            synchronized (current)
            {
                run = current[0];
            }
            if (null != run)
            {
                run.onMessage(stampNs, nowNs);
            }
        });
        ThroughputSearch.run(result, settings, pairs, log,
            (rate, deliver, warmupNs, durationNs) ->
            {
                final OpenLoop run = new OpenLoop(pairs, rate, settings.payloadLength, deliver);
                synchronized (current)
                {
                    current[0] = run;
                }
                run.run(driver, warmupNs, durationNs);
                return run;
            },
            () -> Thread.sleep(2000));
        result.figure("publishRetries", driver.publishRetries());
        return result;
    }

    /**
     * N clients connect at once over raw sessions speaking the peer's protocol ({@code handshake}): each
     * connect-to-reply time and the overall rate.
     */
    static BenchResult loginStorm(
        final PeerDriver driver,
        final BenchSettings settings,
        final String serverName,
        final InetSocketAddress server,
        final RawSessions.Handshake handshake) throws IOException
    {
        final int count = settings.connectionsOr(1000);
        final BenchResult result = new BenchResult("login-storm", driver.target());
        RawSessions.checkOpenFiles(count, serverName, driver.serverPid());
        final List<InetAddress> sources = RawSessions.loopbackSources(count, settings.sources);
        try (RawSessions sessions = new RawSessions(server, sources, handshake))
        {
            final long startNs = System.nanoTime();
            sessions.open(count, count, result.series("login"), TimeUnit.MINUTES.toNanos(5));
            final long elapsedNs = System.nanoTime() - startNs;
            if (0 == sessions.established())
            {
                throw new IllegalStateException(
                    "no connection to " + serverName + " succeeded: " + sessions.firstFailure());
            }
            result.figure("devices", count);
            result.figure("loggedIn", sessions.established());
            result.figure("failed", sessions.failed());
            if (null != sessions.firstFailure())
            {
                result.figure("firstFailure", sessions.firstFailure());
            }
            result.figure("loginsPerSecond", sessions.established() * 1e9 / elapsedNs);
        }
        return result;
    }

    private static void subscribeAll(final PeerDriver driver, final int users, final PeerDriver.StampHandler handler)
        throws Exception
    {
        driver.connect();
        for (int user = 0; user < users; user++)
        {
            driver.subscribe(user, handler);
        }
        driver.flush();
    }

    static void sleepUntil(final long deadlineNs) throws InterruptedException
    {
        while (System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(10);
        }
    }

    /**
     * One open-loop run at a fixed rate over pairs: message k is due at {@code start + k / rate}, goes from one side
     * of pair {@code k % pairs} to the other (directions alternate each round) and carries its due time, so a stalled
     * client or server shows in the latency (coordinated omission corrected). Deliveries arrive on client threads.
     */
    static final class OpenLoop implements OpenLoopCounts
    {
        private final int pairs;
        private final long rate;
        private final int payloadLength;
        private final Histogram deliver;
        private boolean started;
        private long runStartNs;
        private long measureStartNs;
        private long measureEndNs;
        // Written and read by the sending thread only.
        private long sent;
        private long measuredSent;
        private long delivered;
        private long measuredDelivered;

        OpenLoop(final int pairs, final long rate, final int payloadLength, final Histogram deliver)
        {
            this.pairs = pairs;
            this.rate = rate;
            this.payloadLength = payloadLength;
            this.deliver = deliver;
        }

        /**
         * Send through the warm-up and the measured period, then wait (up to 10 s) for messages still in flight.
         */
        void run(final PeerDriver driver, final long warmupNs, final long durationNs) throws InterruptedException
        {
            final long startNs = System.nanoTime();
            final long endNs = startNs + warmupNs + durationNs;
            synchronized (this)
            {
                started = true;
                runStartNs = startNs;
                measureStartNs = startNs + warmupNs;
                measureEndNs = endNs;
            }
            final double periodNs = 1e9 / rate;
            long k = 0;
            while (true)
            {
                final long dueNs = startNs + (long)(k * periodNs);
                if (dueNs - endNs >= 0 || System.nanoTime() - endNs >= 0)
                {
                    // A peer slower than the rate stops at the end of the period too, as the Switchboard run does.
                    break;
                }
                while (System.nanoTime() - dueNs < 0)
                {
                    Thread.onSpinWait();
                }
                final int pair = (int)(k % pairs);
                final boolean forward = ((k / pairs) & 1) == 0;
                driver.publish(forward ? 2 * pair : 2 * pair + 1, forward ? 2 * pair + 1 : 2 * pair, dueNs,
                    payloadLength);
                sent++;
                if (dueNs - startNs - warmupNs >= 0)
                {
                    measuredSent++;
                }
                k++;
            }
            final long deadlineNs = System.nanoTime() + DELIVERY_WAIT_NS;
            while (delivered() < sent && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(10);
            }
        }

        synchronized void onMessage(final long stampNs, final long nowNs)
        {
            if (!started || stampNs - runStartNs < 0)
            {
                // From an earlier run (a throughput step), or not a bench message.
                return;
            }
            delivered++;
            if (stampNs - measureStartNs >= 0 && stampNs - measureEndNs < 0)
            {
                measuredDelivered++;
                BenchResult.record(deliver, nowNs - stampNs);
            }
        }

        public long sent()
        {
            return sent;
        }

        public synchronized long delivered()
        {
            return delivered;
        }

        public long measuredSent()
        {
            return measuredSent;
        }

        public synchronized long measuredDelivered()
        {
            return measuredDelivered;
        }

        public synchronized long deliverAtPercentileNs(final double percentile)
        {
            return deliver.getValueAtPercentile(percentile);
        }
    }
}
