package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The login storm against any peer, over raw sessions of the peer's protocol. (The message latency scenarios run
 * for every target through the load engine: {@link LatencyScenarios}.)
 */
final class PeerLoad
{
    private PeerLoad()
    {
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
        final int inFlight = settings.inFlightOr(count);
        final BenchResult result = new BenchResult("login-storm", driver.target());
        RawSessions.checkOpenFiles(count, serverName, driver.serverPid());
        final List<InetAddress> sources = RawSessions.loopbackSources(count, settings.sources);
        if (settings.warmupSeconds > 0)
        {
            // As for Switchboard: storms first, each closed again, so that the measured one meets a warm peer.
            for (int storm = 0; storm < settings.warmupStorms; storm++)
            {
                try (RawSessions warmup = new RawSessions(server, sources, handshake))
                {
                    final long startNs = System.nanoTime();
                    warmup.open(count, inFlight, BenchResult.newHistogram(), TimeUnit.MINUTES.toNanos(5));
                    if (0 == storm)
                    {
                        result.figure(
                            "coldLoginsPerSecond", warmup.established() * 1e9 / (System.nanoTime() - startNs));
                    }
                }
                sleepSeconds(settings.warmupSeconds);
            }
        }
        final StormCpu cpu = new StormCpu(driver.serverPid());
        final ListenQueueCounters listenQueue = new ListenQueueCounters();
        try (RawSessions sessions = new RawSessions(server, sources, handshake))
        {
            listenQueue.start();
            cpu.start();
            final long startNs = System.nanoTime();
            sessions.open(count, inFlight, result.series("login"), TimeUnit.MINUTES.toNanos(5));
            final long elapsedNs = System.nanoTime() - startNs;
            cpu.stop();
            listenQueue.stop();
            listenQueue.addTo(result);
            cpu.addTo(result, sessions.established());
            if (0 == sessions.established())
            {
                throw new IllegalStateException(
                    "no connection to " + serverName + " succeeded: " + sessions.firstFailure());
            }
            result.figure("devices", count);
            result.figure("inFlight", inFlight);
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

    private static void sleepSeconds(final int seconds)
    {
        try
        {
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
