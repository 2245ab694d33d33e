package dev.switchboard.bench;

import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every knob of a bench run, as command-line options; a negative count means "the scenario's default".
 */
final class BenchSettings
{
    @Option(names = "--target", description = "switchboard (default) or a peer: nats, mosquitto (MQTT QoS 1), " +
        "mosquitto-qos0.", defaultValue = "switchboard")
    String target;

    @Option(names = "--idle", description = "ping, pingpong: idle connections (users connected, logged in or " +
        "subscribed, sending nothing) beside the pairs (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    int idle;

    @Option(names = "--pin", negatable = true, description = "Pin the server and the load generator to disjoint " +
        "CPUs with taskset when the host has at least 2 (default: on; --no-pin to share all CPUs).",
        defaultValue = "true", fallbackValue = "true")
    boolean pin;

    @Option(names = "--realtime", description = "Run each server's busy thread in SCHED_FIFO at this priority: " +
        "Switchboard by its own setting (duty thread, compiler threads one above), a peer under chrt -f; needs " +
        "CAP_SYS_NICE (default: ${DEFAULT-VALUE}, off).", defaultValue = "0")
    int realtimePriority;

    @Option(names = "--server-cpus", description = "CPU list (taskset -c) of a bench-started server when pinning " +
        "(default: ${DEFAULT-VALUE}).", defaultValue = "1")
    String serverCpus;

    @Option(names = "--load-cpus", description = "CPU list (taskset -c) of the load generator when pinning " +
        "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
    String loadCpus;

    // Sized to what the server holds, not generously: on small virtual hosts a process's resident anonymous memory
    // above a few hundred MiB multiplies its multi-millisecond wake-up stalls (docs/performance.md, seventh pass).
    @Option(names = "--server-heap", description = "Fixed, pre-touched heap of a JVM server: -Xms = -Xmx = this, " +
        "-XX:+AlwaysPreTouch; none to leave the JVM's default (default: ${DEFAULT-VALUE}).", defaultValue = "256m")
    String serverHeap;

    @Option(names = "--rate", description = "Messages per second, open loop (default: ${DEFAULT-VALUE}).",
        defaultValue = "20000")
    int rate;

    @Option(names = "--pairs", description = "Sender/recipient pairs (default: 1 for ping, 1000 otherwise).",
        defaultValue = "-1")
    int pairs;

    @Option(names = "--payload", description = "Payload bytes, at least 8 (default: ${DEFAULT-VALUE}).",
        defaultValue = "32")
    int payloadLength;

    @Option(names = "--duration", description = "Measured seconds (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int durationSeconds;

    @Option(names = "--warmup", description = "Warm-up seconds, not recorded (default: ${DEFAULT-VALUE}).",
        defaultValue = "5")
    int warmupSeconds;

    @Option(names = "--warmup-rate", description = "Messages per second of the throughput search's warm-up, the same " +
        "for every target; 0 warms up at the first step's rate (default: ${DEFAULT-VALUE}).", defaultValue = "5000")
    int warmupRate;

    @Option(names = "--profile", description = "Server profile: latency, balanced, density (default: ${DEFAULT-VALUE}).",
        defaultValue = "balanced")
    String profile;

    @Option(names = "--host", description = "Use a running server at this host instead of starting one.")
    String host;

    @Option(names = "--port", description = "Port of the running server given by --host (default: ${DEFAULT-VALUE}).",
        defaultValue = "7420")
    int port;

    @Option(names = "--connections", description = "Connections for connections and login-storm " +
        "(default: 1000 for login-storm, 2000 for connections).", defaultValue = "-1")
    int connections;

    @Option(names = "--in-flight", description = "login-storm: logins under way at once, from connect to the " +
        "server's answer (default: ${DEFAULT-VALUE}, the listen backlog mosquitto keeps; more overflow its accept " +
        "queue, and the storm then measures the kernel's SYN retries; 0: every connect at once).", defaultValue = "100")
    int inFlight;

    @Option(names = "--login", description = "login-storm: how a Switchboard device logs in: signed (LoginSigned, " +
        "one round trip, once the device has had a LoginAck to reckon the server's clock from, so from the second " +
        "storm on) or challenge (LoginStart, LoginChallenge, LoginProof) (default: ${DEFAULT-VALUE}).",
        defaultValue = "signed")
    String login;

    @Option(names = "--warmup-storms", description = "login-storm, with --warmup above 0: storms of the same " +
        "devices before the measured one, each closed again and followed by --warmup seconds; the first's rate is " +
        "reported as the cold one (default: ${DEFAULT-VALUE}: after one, the server's compiler is still at work on " +
        "the login path in the next).", defaultValue = "3")
    int warmupStorms;

    @Option(names = "--connections-per-process", description = "Idle connections per client JVM " +
        "(default: ${DEFAULT-VALUE}); more connections start more client JVMs.", defaultValue = "10000")
    int connectionsPerProcess;

    @Option(names = "--sources", description = "Loopback source addresses to spread connections over " +
        "(127.0.0.1 ..; default: one per 20,000 connections).", defaultValue = "-1")
    int sources;

    @Option(names = "--backlog", description = "Messages queued for the drain scenario (default: ${DEFAULT-VALUE}, " +
        "the server's default per-recipient cap).", defaultValue = "10000")
    int backlog;

    @Option(names = "--p99-bound-us", description = "throughput: the p99 a sustained rate must stay under; " +
        "pingpong: the latency past which a delivery counts as late in the late timeline (default: ${DEFAULT-VALUE}).",
        defaultValue = "1000")
    long p99BoundUs;

    @Option(names = "--data", description = "Server data folder, reused across runs so bench devices are " +
        "registered once (default: latency-tests/target/bench-data).")
    File dataDir;

    @Option(names = "--out", description = "Folder for .hgrm files and logs (default: the JSON file's folder, " +
        "else bench-results).")
    File outDir;

    @Option(names = "--json", description = "Write every figure, the settings and the host facts here.")
    File jsonFile;

    @Option(names = "--plot", description = "Write an SVG percentile plot of all series here.")
    File plotFile;

    @Option(names = "--server-home", description = "Checkout whose built server to run (default: this one).")
    File serverHome;

    @Option(names = "--server-opt", description = "Extra JVM option for the server, repeatable, e.g. " +
        "-Dswitchboard.journal.sync=batch.")
    List<String> serverOptions = new ArrayList<>();

    @Option(names = "--runs", description = "compare: alternating runs per target (default: ${DEFAULT-VALUE}).",
        defaultValue = "1")
    int runs;

    @Option(names = "--peers", split = ",", description = "compare: the peers run beside Switchboard, in turn " +
        "(default: ${DEFAULT-VALUE}).", defaultValue = "nats,mosquitto,mosquitto-qos0")
    List<String> peers = new ArrayList<>();

    @Option(names = "--kills", description = "soak: SIGKILLs of the server per sync policy, at least " +
        "(default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int kills;

    @Option(names = "--graceful", description = "soak: stop the server with SIGTERM (graceful shutdown, Goodbye to " +
        "clients) instead of SIGKILL.")
    boolean graceful;

    @Option(names = "--sync", description = "soak: journal sync policy, none, batch or always; all runs the three " +
        "in turn (default: ${DEFAULT-VALUE}).", defaultValue = "batch")
    String sync;

    @Option(names = "--senders", description = "soak: sending devices (default: ${DEFAULT-VALUE}).",
        defaultValue = "4")
    int senders;

    @Option(names = "--recipients", description = "soak: recipients; every second one has two devices " +
        "(default: ${DEFAULT-VALUE}).", defaultValue = "4")
    int recipients;

    @Option(names = "--send-rate", description = "soak: messages per second over all senders; sync always gets a " +
        "quarter of it (default: ${DEFAULT-VALUE}).", defaultValue = "200")
    int sendRate;

    @Option(names = "--call-rate", description = "calls: call offers per second over all pairs; 0 for as fast as " +
        "the pairs go, each offering its next call when the last one is answered (default: ${DEFAULT-VALUE}).",
        defaultValue = "0")
    int callRate;

    @Option(names = "--seed", description = "soak: seed of the kill, churn and recipient choices (default: random).",
        defaultValue = "-1")
    long seed;

    int pairsOr(final int scenarioDefault)
    {
        return pairs > 0 ? pairs : scenarioDefault;
    }

    /**
     * How many of a storm's {@code count} logins may be under way at once: {@code --in-flight}, or all of them.
     */
    /**
     * Whether a login storm's devices log in by LoginSigned: {@code --login signed}.
     */
    boolean signedLogins()
    {
        if (!"signed".equals(login) && !"challenge".equals(login))
        {
            throw new IllegalArgumentException("--login must be signed or challenge: " + login);
        }
        return "signed".equals(login);
    }

    int inFlightOr(final int count)
    {
        return inFlight > 0 ? Math.min(inFlight, count) : count;
    }

    int connectionsOr(final int scenarioDefault)
    {
        return connections > 0 ? connections : scenarioDefault;
    }

    Map<String, Object> toMap(final String scenario)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("scenario", scenario);
        map.put("target", target);
        map.put("rate", rate);
        map.put("pairs", pairs);
        map.put("payloadBytes", payloadLength);
        map.put("durationSeconds", durationSeconds);
        map.put("warmupSeconds", warmupSeconds);
        map.put("warmupRate", warmupRate);
        map.put("profile", profile);
        map.put("host", null == host ? "127.0.0.1 (started by the bench)" : host);
        map.put("connections", connections);
        map.put("inFlight", inFlight);
        map.put("warmupStorms", warmupStorms);
        map.put("login", login);
        map.put("connectionsPerProcess", connectionsPerProcess);
        map.put("backlog", backlog);
        map.put("p99BoundUs", p99BoundUs);
        map.put("callRate", callRate);
        map.put("serverOptions", serverOptions);
        map.put("runs", runs);
        map.put("peers", peers);
        map.put("idle", idle);
        map.put("pin", pin);
        map.put("realtime", realtimePriority);
        map.put("serverCpus", serverCpus);
        map.put("loadCpus", loadCpus);
        map.put("serverHeap", serverHeap);
        return map;
    }
}
