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
}
