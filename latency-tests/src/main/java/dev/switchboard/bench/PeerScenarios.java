package dev.switchboard.bench;

import java.io.File;
import java.io.PrintStream;
import java.util.List;

/**
 * Which scenario each peer target runs, and why not. Ping, pingpong and throughput run for every peer through the
 * same load engine as Switchboard ({@link LatencyScenarios}); connections, drain and login-storm are each
 * {@link PeerDriver}'s own. JetStream is no longer a target: speaking it raw (stream and consumer API requests,
 * per-message ack subjects) is a client of its own, and the bench's peers are compared through one engine.
 */
final class PeerScenarios
{
    static final String NATS_CORE_NO_BACKLOG = "core NATS keeps no backlog for a subscriber that is not " +
        "connected (a message without interest is dropped)";

    /**
     * The scenarios every target runs through the one load engine.
     */
    static final List<String> ENGINE_SCENARIOS = List.of("ping", "pingpong", "throughput");

    private static final List<String> NATS_SCENARIOS =
        List.of("ping", "pingpong", "throughput", "connections", "login-storm");
    private static final List<String> MOSQUITTO_SCENARIOS =
        List.of("ping", "pingpong", "throughput", "connections", "drain", "login-storm");
    private static final String MOSQUITTO_QOS0 = MqttDriver.TARGET + "-qos0";

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
            case NatsLoadWire.TARGET:
                if (null == NatsServerProcess.executable())
                {
                    return "nats-server is not installed (apt-get install -y nats-server)";
                }
                if ("drain".equals(scenario))
                {
                    return NATS_CORE_NO_BACKLOG;
                }
                return NATS_SCENARIOS.contains(scenario) ? null : "no nats driver for " + scenario +
                    " (nats runs " + String.join(", ", NATS_SCENARIOS) + ")";
            case MqttDriver.TARGET:
            case MOSQUITTO_QOS0:
                if (null == MosquittoProcess.executable())
                {
                    return "mosquitto is not installed (apt-get install -y mosquitto)";
                }
                if (MOSQUITTO_QOS0.equals(peer))
                {
                    return ENGINE_SCENARIOS.contains(scenario) ? null : "mosquitto-qos0 runs " +
                        String.join(", ", ENGINE_SCENARIOS) + "; the others are QoS 1's: see --target mosquitto";
                }
                return MOSQUITTO_SCENARIOS.contains(scenario) ? null : "no mosquitto driver for " + scenario +
                    " (mosquitto runs " + String.join(", ", MOSQUITTO_SCENARIOS) + ")";
            default:
                return "no driver for " + peer + "; peers are " + Compare.PEERS;
        }
    }

    /**
     * Connections, drain or login-storm against a peer it starts (pinned as {@code affinity} says).
     */
    static BenchResult run(
        final String scenario,
        final BenchSettings settings,
        final File outDir,
        final PrintStream out,
        final CpuAffinity affinity)
    {
        final String why = whyUnavailable(settings.target, scenario);
        if (null != why)
        {
            throw new IllegalArgumentException("--target " + settings.target + ": " + why);
        }
        out.println("bench: " + scenario + " against " + settings.target);
        try (PeerDriver driver = MqttDriver.TARGET.equals(settings.target) ?
            new MqttDriver(outDir, out, affinity) : new NatsDriver(outDir, out, affinity))
        {
            final BenchResult result;
            switch (scenario)
            {
                case "connections":
                    result = driver.connections(settings);
                    break;
                case "drain":
                    result = driver.drain(settings);
                    break;
                case "login-storm":
                    result = driver.loginStorm(settings);
                    break;
                default:
                    throw new IllegalArgumentException("no peer driver scenario " + scenario +
                        " (ping, pingpong and throughput run through the load engine)");
            }
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
}
