package dev.switchboard.bench;

import java.io.File;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The Switchboard side of a bench run: the server (started on a free loopback port unless --host names one), the
 * bench devices registered on its data folder, and load pollers connected to it.
 */
final class LoadRig implements AutoCloseable
{
    /**
     * Server options every bench-started server gets: bench devices all register from loopback and a closed-loop
     * ping sends faster than the per-connection abuse limit, so registration and frame limits are lifted.
     */
    static final List<String> BENCH_SERVER_OPTIONS = List.of(
        "-Dswitchboard.registration.address.codes.per.hour=100000000",
        "-Dswitchboard.registration.phone.interval=0s",
        "-Dswitchboard.session.frames.per.second=10000000");

    private static final int REGISTRATIONS_IN_FLIGHT = 64;

    private final BenchSettings settings;
    private final File serverHome;
    private final File dataDir;
    private final File outDir;
    private final PrintStream log;
    private ServerProcess server;
    private final DeviceBook book;
    private InetSocketAddress address;
    private int serverStarts;

    LoadRig(final BenchSettings settings, final File serverHome, final File outDir, final PrintStream log)
    {
        this.settings = settings;
        this.serverHome = serverHome;
        this.outDir = outDir;
        this.log = log;
        this.dataDir = (null != settings.dataDir ? settings.dataDir :
            new File(serverHome, "latency-tests/target/bench-data")).getAbsoluteFile();
        this.book = DeviceBook.open(dataDir);
        startServer();
    }

    void startServer()
    {
        if (null != settings.host)
        {
            address = new InetSocketAddress(settings.host, settings.port);
            return;
        }
        final List<String> options = new ArrayList<>(BENCH_SERVER_OPTIONS);
        options.addAll(settings.serverOptions);
        final File logFile = new File(outDir, "server-" + (++serverStarts) + ".log");
        log.println("bench: starting server (profile " + settings.profile + ", data " + dataDir + ")");
        server = ServerProcess.start(serverHome, dataDir, settings.profile, options, logFile);
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
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

    ServerProcess server()
    {
        return server;
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
        if (book.size() >= count)
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
        return new LoadPoller(address, sources(connections), book, null, listener, handshakesInFlight);
    }

    /**
     * Connect and log in devices {@code [from, from + count)}, failing if any cannot within the timeout.
     */
    List<LoadConnection> loginAll(
        final LoadPoller poller, final int from, final int count, final int bufferLength, final long timeoutNs)
    {
        final List<LoadConnection> connections = new ArrayList<>(count);
        for (int i = from; i < from + count; i++)
        {
            final LoadConnection connection = new LoadConnection(i - from, book.get(i), bufferLength);
            connections.add(connection);
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
