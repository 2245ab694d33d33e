package dev.switchboard.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code switchboard bench SCENARIO}: measure Switchboard (or a peer) with open-loop load and write a summary table,
 * .hgrm percentile files, a JSON report and an SVG percentile plot.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Measure Switchboard, or a peer doing the same work, over loopback.",
        "Scenarios: ping, pingpong, throughput, connections, drain, login-storm, calls; compare SCENARIO runs the",
        "targets in turn (switchboard, nats, mosquitto at QoS 1, mosquitto-qos0), ping, pingpong and throughput",
        "through one load engine for all. The server is started on a free loopback port (unless --host), pinned",
        "apart from the load generator (taskset; --no-pin to share CPUs), and stopped after.",
        "soak kills the server with SIGKILL while clients send, and checks nothing is lost, doubled or reordered." })
public final class BenchCli implements Callable<Integer>
{
    static final List<String> SCENARIOS =
        List.of("ping", "pingpong", "throughput", "connections", "drain", "login-storm", "calls", "fanout", "soak");

    @Parameters(index = "0", description = "ping, pingpong, throughput, connections, drain, login-storm, calls, " +
        "soak, compare.")
    String scenario;

    @Parameters(index = "1", arity = "0..1", description = "The scenario to compare, after 'compare'.")
    String compared;

    @Mixin
    BenchSettings settings;

    private final PrintStream out;

    BenchCli(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * Run the bench command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new BenchCli(System.out)).execute(args));
    }

    public Integer call()
    {
        final String name = "compare".equals(scenario) ? compared : scenario;
        if (null == name || !SCENARIOS.contains(name))
        {
            out.println("bench: unknown scenario " + name + "; one of " + SCENARIOS);
            return 2;
        }
        if ("fanout".equals(name))
        {
            out.println("bench: fanout needs group sends, which the server does not serve yet");
            return 2;
        }
        if (settings.payloadLength < 8)
        {
            out.println("bench: --payload must be at least 8 bytes (the send time travels in the payload)");
            return 2;
        }
        try
        {
            Compare.chosenPeers(settings.peers);
        }
        catch (final IllegalArgumentException ex)
        {
            out.println("bench: --peers: " + ex.getMessage());
            return 2;
        }
        final File home = repoRoot();
        final File serverHome = null != settings.serverHome ? settings.serverHome.getAbsoluteFile() : home;
        final File outDir = outDir(name);
        if ("soak".equals(name))
        {
            return soak(serverHome, outDir);
        }
        final List<BenchResult> results = new ArrayList<>();
        final Map<String, Object> extra = new LinkedHashMap<>();
        final CpuAffinity affinity = CpuAffinity.of(settings);
        if (affinity.enabled())
        {
            out.println("bench: load generator pinned (" + affinity.pinSelf() + "); servers run under taskset -c " +
                settings.serverCpus);
        }
        if ("compare".equals(scenario))
        {
            results.addAll(Compare.run(name, settings, affinity, serverHome, outDir, out, extra));
        }
        else if (!"switchboard".equals(settings.target) && !PeerScenarios.isAvailable(settings.target, name))
        {
            out.println("bench: --target " + settings.target + ": " +
                PeerScenarios.whyUnavailable(settings.target, name));
            return 2;
        }
        else
        {
            results.add(runOne(name, settings, affinity, serverHome, outDir, out));
        }
        out.println();
        ReportWriter.printTable(out, results);
        final Map<String, Object> settingsMap = settings.toMap(scenario + (null != compared ? " " + compared : ""));
        settingsMap.put("benchServerOptions", LoadRig.BENCH_SERVER_OPTIONS);
        settingsMap.put("pinning", affinity.toMap());
        settingsMap.put("loadJvm", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(argument -> !argument.startsWith("--add-")).collect(Collectors.toList()));
        for (final File file : ReportWriter.write(
            results, settingsMap, extra, outDir, settings.jsonFile, settings.plotFile))
        {
            out.println("bench: wrote " + file);
        }
        return 0;
    }

    private int soak(final File serverHome, final File outDir)
    {
        if ("compare".equals(scenario) || !"switchboard".equals(settings.target) || null != settings.host)
        {
            out.println("bench: soak runs against a switchboard server it starts itself " +
                "(no compare, --target, --host)");
            return 2;
        }
        final SoakSettings soak = new SoakSettings();
        soak.senders = settings.senders;
        soak.recipients = settings.recipients;
        soak.kills = settings.kills;
        soak.gracefulStops = settings.graceful;
        soak.durationMs = TimeUnit.SECONDS.toMillis(settings.durationSeconds);
        soak.sendRate = settings.sendRate;
        soak.syncPolicies = "all".equals(settings.sync) ? SoakSettings.SYNC_POLICIES : List.of(settings.sync);
        soak.profile = settings.profile;
        if (settings.seed >= 0)
        {
            soak.seed = settings.seed;
        }
        soak.serverOptions.addAll(settings.serverOptions);
        try
        {
            soak.serverClasspath = ServerProcess.serverClasspath(serverHome);
            soak.serverJvmFlags.addAll(JvmFlags.forChild(serverHome));
            soak.validate();
            final List<SoakResult> results = SoakScenario.run(soak, outDir, settings.jsonFile, out);
            return results.stream().allMatch(SoakResult::passed) ? 0 : 1;
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            out.println("bench: " + ex.getMessage());
            return 2;
        }
        catch (final Exception ex)
        {
            out.println("bench: soak failed: " + ex);
            ex.printStackTrace(out);
            return 1;
        }
    }

    static BenchResult runOne(
        final String scenario,
        final BenchSettings settings,
        final CpuAffinity affinity,
        final File serverHome,
        final File outDir,
        final PrintStream out)
    {
        final boolean switchboard = "switchboard".equals(settings.target);
        if (!switchboard && !PeerScenarios.ENGINE_SCENARIOS.contains(scenario))
        {
            return PeerScenarios.run(scenario, settings, outDir, out, affinity);
        }
        try (LoadRig rig = new LoadRig(settings, affinity, serverHome, outDir, out))
        {
            out.println("bench: " + scenario + " against " + settings.target +
                (switchboard ? " (profile " + settings.profile + ")" : ""));
            switch (scenario)
            {
                case "ping":
                    return LatencyScenarios.ping(rig, settings);
                case "pingpong":
                    return LatencyScenarios.pingpong(rig, settings);
                case "throughput":
                    return LatencyScenarios.throughput(rig, settings);
                case "connections":
                    return SessionScenarios.connections(rig, settings, serverHome);
                case "drain":
                    return SessionScenarios.drain(rig, settings);
                case "login-storm":
                    return SessionScenarios.loginStorm(rig, settings);
                case "calls":
                    return CallScenario.run(rig, settings);
                default:
                    throw new IllegalArgumentException(scenario);
            }
        }
    }

    private File outDir(final String name)
    {
        if (null != settings.outDir)
        {
            return settings.outDir.getAbsoluteFile();
        }
        if (null != settings.jsonFile && null != settings.jsonFile.getAbsoluteFile().getParentFile())
        {
            return settings.jsonFile.getAbsoluteFile().getParentFile();
        }
        return new File("bench-results",
            name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).getAbsoluteFile();
    }

    /**
     * The checkout this bench runs from: {@code -Dswitchboard.home} if set, else found from where these classes
     * live ({@code <root>/latency-tests/target/classes}), else the working directory.
     */
    static File repoRoot()
    {
        final String home = System.getProperty("switchboard.home");
        if (null != home)
        {
            return new File(home).getAbsoluteFile();
        }
        try
        {
            final File classes = new File(BenchCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final File module = classes.getParentFile().getParentFile();
            if (null != module && "latency-tests".equals(module.getName()))
            {
                return module.getParentFile();
            }
        }
        catch (final URISyntaxException | RuntimeException ignore)
        {
            // Fall through to the working directory.
        }
        return new File("").getAbsoluteFile();
    }
}
