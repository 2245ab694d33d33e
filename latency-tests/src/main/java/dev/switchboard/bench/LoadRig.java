package dev.switchboard.bench;

import dev.switchboard.tuning.ReservedHugePages;

import java.io.File;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The server side of a bench run and the load pollers connected to it, for every target alike: the server
 * (Switchboard, nats-server or mosquitto, started on a free loopback port and pinned to the server CPUs unless
 * --host names one), for Switchboard the bench devices registered on its data folder, and for a peer the
 * {@link LoadWire} its pollers speak.
 */
final class LoadRig implements AutoCloseable
{
    /**
     * Server options every bench-started server gets: bench devices all register from loopback, a closed-loop ping
     * sends faster than the per-connection abuse limit and {@code calls} places calls back to back, so registration,
     * frame and call-rate limits are lifted; the media service is off, so that a bench server never fights a running
     * server for its HTTP port.
     */
    static final List<String> BENCH_SERVER_OPTIONS = List.of(
        "-Dswitchboard.registration.address.codes.per.hour=100000000",
        "-Dswitchboard.registration.phone.interval=0s",
        "-Dswitchboard.session.frames.per.second=10000000",
        "-Dswitchboard.calls.per.minute=100000000",
        "-Dswitchboard.media.port=0");

    private static final int REGISTRATIONS_IN_FLIGHT = 64;

    /**
     * The bench targets the rig drives, each with its wire (Switchboard speaks its own frames).
     */
    static final List<String> TARGETS = List.of("switchboard", "nats", "mosquitto", "mosquitto-qos0");

    private final BenchSettings settings;
    private final CpuAffinity affinity;
    private final LoadWire wire;
    private final File serverHome;
    private final File dataDir;
    private final File outDir;
    private final PrintStream log;
    private LoopbackServerProcess server;
    private String serverSettings = "";
    private final DeviceBook book;
    private InetSocketAddress address;
    private int serverStarts;

    LoadRig(final BenchSettings settings, final File serverHome, final File outDir, final PrintStream log)
    {
        this(settings, CpuAffinity.none(), serverHome, outDir, log);
    }

    LoadRig(
        final BenchSettings settings,
        final CpuAffinity affinity,
        final File serverHome,
        final File outDir,
        final PrintStream log)
    {
        this.settings = settings;
        this.affinity = affinity;
        this.wire = wire(settings.target);
        this.serverHome = serverHome;
        this.outDir = outDir;
        this.log = log;
        this.dataDir = (null != settings.dataDir ? settings.dataDir :
            new File(serverHome, "latency-tests/target/bench-data")).getAbsoluteFile();
        this.book = null == wire ? DeviceBook.open(dataDir) : null;
        startServer();
    }

    /**
     * The wire a target's load speaks: null for Switchboard's own frames.
     */
    static LoadWire wire(final String target)
    {
        switch (target)
        {
            case "switchboard":
                return null;
            case NatsLoadWire.TARGET:
                return new NatsLoadWire();
            case MqttDriver.TARGET:
                return new MqttLoadWire(1);
            case MqttDriver.TARGET + "-qos0":
                return new MqttLoadWire(0);
            default:
                throw new IllegalArgumentException("no load wire for target " + target + "; targets are " + TARGETS);
        }
    }

    void startServer()
    {
        if (null != settings.host)
        {
            address = new InetSocketAddress(settings.host, settings.port);
            return;
        }
        if (wire instanceof NatsLoadWire)
        {
            log.println("bench: starting nats-server");
            final NatsServerProcess nats = NatsServerProcess.start(outDir, affinity);
            serverSettings = nats.settings();
            server = nats;
        }
        else if (wire instanceof MqttLoadWire)
        {
            log.println("bench: starting mosquitto");
            final MosquittoProcess mosquitto = MosquittoProcess.start(outDir, affinity);
            serverSettings = mosquitto.settings() + "; bench QoS " + ((MqttLoadWire)wire).qos();
            server = mosquitto;
        }
        else
        {
            final List<String> options = new ArrayList<>(heapOptions(settings.serverHeap));
            options.addAll(BENCH_SERVER_OPTIONS);
            options.addAll(settings.serverOptions);
            options.addAll(affinity.switchboardOptions());
            options.addAll(ReservedHugePages.read(Path.of("/proc")).jvmFlagsFor(options));
            final File logFile = new File(outDir, "server-" + (++serverStarts) + ".log");
            log.println("bench: starting server (profile " + settings.profile + ", data " + dataDir + ")");
            final ServerProcess switchboard =
                ServerProcess.start(serverHome, dataDir, settings.profile, options, logFile, affinity);
            server = switchboard;
            serverSettings = "profile " + settings.profile + "; " + String.join(" ", options) + "; " +
                switchboard.threads();
        }
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    }

    /**
     * A fixed, pre-touched heap for a JVM server ({@code -Xms = -Xmx}, {@code AlwaysPreTouch}), so heap growth and
     * first-touch page faults are not part of what is measured; none for {@code none}.
     */
    static List<String> heapOptions(final String heap)
    {
        if (null == heap || "none".equals(heap))
        {
            return List.of();
        }
        return List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch");
    }

    /**
     * The target's server version line.
     */
    String serverVersion()
    {
        if (wire instanceof NatsLoadWire)
        {
            return NatsServerProcess.version();
        }
        if (wire instanceof MqttLoadWire)
        {
            return MosquittoProcess.version();
        }
        return "switchboard (java " + System.getProperty("java.version") + ")";
    }

    /**
     * How the bench configured the server: command-line arguments, configuration lines or JVM options.
     */
    String serverSettings()
    {
        return serverSettings;
    }

    /**
     * The server process, whichever the target; null with --host.
     */
    LoopbackServerProcess process()
    {
        return server;
    }

    String target()
    {
        return null == wire ? "switchboard" : wire.target();
    }

    void restartServer()
    {
        stopServer();
        startServer();
    }

    void stopServer()
    {
        if (null != server)
        {
            server.close();
            server = null;
        }
    }

    /**
     * The Switchboard server process; null for a peer or with --host.
     */
    ServerProcess server()
    {
        return server instanceof ServerProcess ? (ServerProcess)server : null;
    }

    InetSocketAddress address()
    {
        return address;
    }

    DeviceBook book()
    {
        return book;
    }

    File dataDir()
    {
        return dataDir;
    }

    PrintStream log()
    {
        return log;
    }

    /**
     * Source addresses for {@code connections} client sockets: one loopback address per 20,000 unless set.
     */
    List<InetAddress> sources(final int connections)
    {
        return RawSessions.loopbackSources(connections, settings.sources);
    }

    /**
     * Make sure the book holds {@code count} registered devices, registering the missing ones now.
     */
    void ensureDevices(final int count)
    {
        if (null != wire || book.size() >= count)
        {
            return;
        }
        if (null == server)
        {
            throw new IllegalStateException("only " + book.size() + " bench devices are registered in " + dataDir +
                "; register them with a bench-started server first");
        }
        final List<Device> missing = book.missing(count);
        log.println("bench: registering " + missing.size() + " devices (once per data folder)");
        final long startNs = System.nanoTime();
        try (LoadPoller poller = new LoadPoller(address, sources(1), book, new CodeBook(dataDir), LoadListener.NONE,
            REGISTRATIONS_IN_FLIGHT))
        {
            final List<LoadConnection> connections = new ArrayList<>();
            for (final Device device : missing)
            {
                final LoadConnection connection = new LoadConnection(device.hashCode(), device, 1024);
                connections.add(connection);
                poller.start(connection, false);
            }
            pollUntil(poller, () -> poller.counters().registered + poller.counters().handshakeFailures +
                poller.counters().connectFailures >= missing.size(), TimeUnit.SECONDS.toNanos(30 + count / 50));
            for (final LoadConnection connection : connections)
            {
                poller.closeConnection(connection, LoadConnection.State.CLOSED);
                connection.releaseBuffers();
            }
            log.println("bench: registered " + poller.counters().registered + " in " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms, errors " +
                poller.counters().errorsByName());
        }
        book.addRegistered(missing);
        if (book.size() < count)
        {
            throw new IllegalStateException("registered only " + book.size() + " of " + count + " devices");
        }
    }

    LoadPoller newPoller(final LoadListener listener, final int handshakesInFlight, final int connections)
    {
        return new LoadPoller(address, sources(connections), book, null, wire, listener, handshakesInFlight);
    }

    /**
     * Connect and log in devices {@code [from, from + count)} (for a peer: connect and subscribe users), failing if
     * any cannot within the timeout.
     */
    List<LoadConnection> loginAll(
        final LoadPoller poller, final int from, final int count, final int bufferLength, final long timeoutNs)
    {
        return loginAll(poller, newConnections(from, count, bufferLength), timeoutNs);
    }

    /**
     * The load generator's side of devices {@code [from, from + count)}, buffers and all, not yet connected: made
     * before a storm is timed, so that its time is the connects and logins alone.
     */
    List<LoadConnection> newConnections(final int from, final int count, final int bufferLength)
    {
        final List<LoadConnection> connections = new ArrayList<>(count);
        for (int i = from; i < from + count; i++)
        {
            connections.add(new LoadConnection(i - from, null == wire ? book.get(i) : null, bufferLength));
        }
        return connections;
    }

    /**
     * Connect and log in the given connections, failing if any cannot within the timeout.
     */
    List<LoadConnection> loginAll(
        final LoadPoller poller, final List<LoadConnection> connections, final long timeoutNs)
    {
        final int count = connections.size();
        for (final LoadConnection connection : connections)
        {
            poller.start(connection, true);
        }
        final long loggedInBefore = poller.counters().loggedIn;
        pollUntil(poller, () -> poller.counters().loggedIn - loggedInBefore >= count ||
            poller.handshakesInFlight() == 0, timeoutNs);
        final long loggedIn = poller.counters().loggedIn - loggedInBefore;
        if (loggedIn < count)
        {
            throw new IllegalStateException("logged in " + loggedIn + " of " + count + " connections; counters " +
                poller.counters().toMap());
        }
        return connections;
    }

    /**
     * Drive the poller until the condition holds or the timeout passes; true if it held.
     */
    static boolean pollUntil(final LoadPoller poller, final BooleanSupplier done, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!done.getAsBoolean())
        {
            final long nowNs = System.nanoTime();
            if (deadlineNs - nowNs < 0)
            {
                return false;
            }
            if (poller.poll(nowNs) == 0)
            {
                Thread.yield();
            }
        }
        return true;
    }

    /**
     * Keep the poller serving (acks, pongs) for a while.
     */
    static void pollFor(final LoadPoller poller, final long durationNs)
    {
        pollUntil(poller, () -> false, durationNs);
    }

    public void close()
    {
        stopServer();
    }
}
