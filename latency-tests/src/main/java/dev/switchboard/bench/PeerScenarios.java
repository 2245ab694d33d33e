package dev.switchboard.bench;

import java.io.File;
import java.io.PrintStream;
import java.util.List;

/**
 * Runs a scenario against a peer server instead of Switchboard: nats (core) and nats-jetstream so far.
 */
final class PeerScenarios
{
    private static final List<String> NATS_SCENARIOS = List.of("ping", "pingpong", "connections");

    private PeerScenarios()
    {
    }

    static boolean isAvailable(final String peer, final String scenario)
    {
        return null == whyUnavailable(peer, scenario);
    }

    static String whyUnavailable(final String peer, final String scenario)
    {
        switch (peer)
        {
            case "nats":
            case "nats-jetstream":
                if (null == NatsServerProcess.executable())
                {
                    return "nats-server is not installed";
                }
                if (!NATS_SCENARIOS.contains(scenario) || ("nats-jetstream".equals(peer) && "connections".equals(scenario)))
                {
                    return "no " + peer + " driver for " + scenario;
                }
                return null;
            default:
                return "no driver for " + peer + " yet";
        }
    }

    static BenchResult run(final String scenario, final BenchSettings settings, final File outDir, final PrintStream out)
    {
        final String why = whyUnavailable(settings.target, scenario);
        if (null != why)
        {
            throw new IllegalArgumentException("--target " + settings.target + ": " + why);
        }
        out.println("bench: " + scenario + " against " + settings.target);
        try (NatsDriver driver = new NatsDriver("nats-jetstream".equals(settings.target), outDir, out))
        {
            switch (scenario)
            {
                case "ping":
                    return driver.ping(settings);
                case "pingpong":
                    return driver.pingpong(settings);
                default:
                    return driver.connections(settings);
            }
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
