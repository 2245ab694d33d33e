package dev.switchboard.bench;

import java.io.File;
import java.io.PrintStream;
import java.util.List;

/**
 * Runs a scenario against a peer server instead of Switchboard: nats (core), nats-jetstream and mosquitto (MQTT QoS 1).
 * Ping, pingpong and throughput run the same load for every peer ({@link PeerLoad}); connections, drain and
 * login-storm are each driver's own.
 */
final class PeerScenarios
{
    static final String NATS_CORE_NO_BACKLOG = "core NATS keeps no backlog for a subscriber that is not " +
        "connected (a message without interest is dropped); drain runs against nats-jetstream";

    private static final List<String> NATS_SCENARIOS =
        List.of("ping", "pingpong", "throughput", "connections", "login-storm");
    private static final List<String> JETSTREAM_SCENARIOS = List.of("ping", "pingpong", "throughput", "drain");
    private static final List<String> MOSQUITTO_SCENARIOS =
        List.of("ping", "pingpong", "throughput", "connections", "drain", "login-storm");

    private PeerScenarios()
    {
    }

    static boolean isAvailable(final String peer, final String scenario)
    {
        return null == whyUnavailable(peer, scenario);
    }

    /**
     * Why the peer cannot run the scenario here, or null when it can.
     */
    static String whyUnavailable(final String peer, final String scenario)
    {
        switch (peer)
        {
            case "nats":
                if (null == NatsServerProcess.executable())
                {
                    return "nats-server is not installed";
                }
                if ("drain".equals(scenario))
                {
                    return NATS_CORE_NO_BACKLOG;
                }
                return NATS_SCENARIOS.contains(scenario) ? null : "no nats driver for " + scenario +
                    " (nats runs " + String.join(", ", NATS_SCENARIOS) + ")";
            case "nats-jetstream":
                if (null == NatsServerProcess.executable())
                {
                    return "nats-server is not installed";
                }
                if ("connections".equals(scenario) || "login-storm".equals(scenario))
                {
                    return "connections and logins are core NATS's with or without JetStream: see --target nats";
                }
                return JETSTREAM_SCENARIOS.contains(scenario) ? null : "no nats-jetstream driver for " + scenario +
                    " (nats-jetstream runs " + String.join(", ", JETSTREAM_SCENARIOS) + ")";
            case MqttDriver.TARGET:
                if (null == MosquittoProcess.executable())
                {
                    return "mosquitto is not installed (apt-get install -y mosquitto)";
                }
                return MOSQUITTO_SCENARIOS.contains(scenario) ? null : "no mosquitto driver for " + scenario +
                    " (mosquitto runs " + String.join(", ", MOSQUITTO_SCENARIOS) + ")";
            default:
                return "no driver for " + peer + "; peers are " + Compare.PEERS;
        }
    }

    static BenchResult run(
        final String scenario, final BenchSettings settings, final File outDir, final PrintStream out)
    {
        final String why = whyUnavailable(settings.target, scenario);
        if (null != why)
        {
            throw new IllegalArgumentException("--target " + settings.target + ": " + why);
        }
        out.println("bench: " + scenario + " against " + settings.target);
        try (PeerDriver driver = open(settings.target, outDir, out))
        {
            final BenchResult result = run(driver, scenario, settings, out);
            result.figure("serverVersion", driver.serverVersion());
            result.figure("serverSettings", driver.serverSettings());
            return result;
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(settings.target + " " + scenario + " failed: " + ex, ex);
        }
    }

    static PeerDriver open(final String target, final File outDir, final PrintStream out)
    {
        return MqttDriver.TARGET.equals(target) ?
            new MqttDriver(outDir, out) : new NatsDriver("nats-jetstream".equals(target), outDir, out);
    }

    static BenchResult run(
        final PeerDriver driver, final String scenario, final BenchSettings settings, final PrintStream out)
        throws Exception
    {
        switch (scenario)
        {
            case "ping":
                return PeerLoad.ping(driver, settings);
            case "pingpong":
                return PeerLoad.pingpong(driver, settings);
            case "throughput":
                return PeerLoad.throughput(driver, settings, out);
            case "connections":
                return driver.connections(settings);
            case "drain":
                return driver.drain(settings);
            case "login-storm":
                return driver.loginStorm(settings);
            default:
                throw new IllegalArgumentException("no peer scenario " + scenario);
        }
    }
}
