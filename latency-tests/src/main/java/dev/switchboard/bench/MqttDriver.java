package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mosquitto's own scenarios over MQTT 3.1.1 on raw sockets ({@link MqttWire}, {@link RawSessions}): idle subscribed
 * connections, the login storm and the drain of a persistent session's QoS 1 backlog. Each bench user is a topic
 * ({@code u/<n>}); ping, pingpong and throughput run through the load engine ({@link MqttLoadWire}).
 */
final class MqttDriver implements PeerDriver
{
    static final String TARGET = "mosquitto";

    private static final int QOS = 1;
    private static final int KEEP_ALIVE_SECONDS = 300;
    private static final int CONNECTS_IN_FLIGHT = 256;
    /**
     * Drain: publishes written before their PUBACKs are read, so neither side's socket buffer fills.
     */
    private static final int PUBLISH_BATCH = 500;

    private final MosquittoProcess server;
    private final PrintStream log;

    MqttDriver(final File outDir, final PrintStream log, final CpuAffinity affinity)
    {
        this.log = log;
        this.server = MosquittoProcess.start(outDir, affinity);
    }

    public String target()
    {
        return TARGET;
    }

    public String serverVersion()
    {
        return MosquittoProcess.version();
    }

    public String serverSettings()
    {
        return server.settings();
    }

    public long serverPid()
    {
        return server.pid();
    }

    /**
     * N idle connections, each with one QoS 1 subscription, as raw MQTT packets on plain sockets: mosquitto's
     * resident memory growth per connection and its CPU while they idle.
     */
    public BenchResult connections(final BenchSettings settings) throws Exception
    {
        final int count = settings.connectionsOr(2000);
        final BenchResult result = new BenchResult("connections", TARGET);
        RawSessions.checkOpenFiles(count, TARGET, server.pid());
        final IdleFootprint footprint = IdleFootprint.baseline(server);
        final List<InetAddress> sources = RawSessions.loopbackSources(count, settings.sources);
        try (RawSessions sessions = new RawSessions(
            address(), sources, new MqttWire.Handshake("bench-idle-", KEEP_ALIVE_SECONDS, QOS)))
        {
            final long startNs = System.nanoTime();
            sessions.open(count, CONNECTS_IN_FLIGHT, result.series("login"),
                TimeUnit.SECONDS.toNanos(Math.max(60, count / 100)));
            final long connectNs = System.nanoTime() - startNs;
            final long established = sessions.established();
            if (0 == established)
            {
                throw new IllegalStateException("no connection to mosquitto succeeded: " + sessions.firstFailure());
            }
            log.println("bench: " + established + " MQTT connections subscribed (" + sessions.failed() +
                " failed) in " + connectNs / 1_000_000 + " ms");
            footprint.measureLoaded();
            result.figure("connections", count);
            result.figure("loggedIn", established);
            result.figure("failed", sessions.failed());
            if (null != sessions.firstFailure())
            {
                result.figure("firstFailure", sessions.firstFailure());
            }
            result.figure("sourceAddresses", sources.size());
            result.figure("loginsPerSecond", established * 1e9 / connectNs);
            footprint.addTo(result, established);
        }
        return result;
    }

    /**
     * N clients connect at once (raw MQTT CONNECT, clean session): each connect-to-CONNACK time and the overall rate.
     */
    public BenchResult loginStorm(final BenchSettings settings) throws Exception
    {
        return PeerLoad.loginStorm(
            this, settings, TARGET, address(), new MqttWire.Handshake("bench-storm-", KEEP_ALIVE_SECONDS, -1));
    }

    /**
     * A recipient with a persistent session (clean session off, QoS 1 subscription) goes offline; a sender queues
     * a backlog for it at the broker, each publish acknowledged (PUBACK); the recipient reconnects: how fast the
     * backlog drains. Both are raw MQTT sessions, so a connect is the broker's work, not a client's start-up.
     */
    public BenchResult drain(final BenchSettings settings) throws Exception
    {
        final int backlog = settings.backlog;
        final BenchResult result = new BenchResult("drain", TARGET);
        final int recipientUser = 1;
        final String recipientId = "bench-drain-recipient";
        try (MqttWire.Session offline = new MqttWire.Session(address(), recipientId, false, KEEP_ALIVE_SECONDS))
        {
            offline.subscribe(topic(recipientUser), QOS);
        }

        final long runStartNs = System.nanoTime();
        long stored = 0;
        try (MqttWire.Session sender = new MqttWire.Session(address(), "bench-drain-sender", true, KEEP_ALIVE_SECONDS))
        {
            final byte[] payload = new byte[settings.payloadLength];
            for (int from = 0; from < backlog; from += PUBLISH_BATCH)
            {
                final int batch = Math.min(PUBLISH_BATCH, backlog - from);
                for (int i = 0; i < batch; i++)
                {
                    putStamp(payload, System.nanoTime());
                    sender.publish(topic(recipientUser), payload, from + i + 1);
                }
                sender.flush();
                stored += sender.readPubacks(batch);
            }
        }
        final long queueNs = System.nanoTime() - runStartNs;

        final Histogram latency = result.series("queued-to-delivered");
        final long[] delivered = new long[2]; // count, last delivery time
        final long stillStored = stored;
        final long loginStartNs = System.nanoTime();
        try (MqttWire.Session recipient = new MqttWire.Session(address(), recipientId, false, KEEP_ALIVE_SECONDS))
        {
            final long loggedInNs = System.nanoTime();
            recipient.readPublishes((body, offset, length, nowNs) ->
            {
                final long stampNs = length >= 8 ? stamp(body, offset) : runStartNs - 1;
                if (stampNs - runStartNs >= 0)
                {
                    delivered[0]++;
                    delivered[1] = nowNs;
                    BenchResult.record(latency, nowNs - stampNs);
                }
                return delivered[0] < stillStored;
            });
            final long drainNs = delivered[1] - loginStartNs;
            result.figure("backlog", backlog);
            result.figure("stored", stored);
            result.figure("refused", backlog - stored);
            result.figure("sessionPresent", recipient.sessionPresent());
            result.figure("delivered", delivered[0]);
            result.figure("queueRatePerSecond", stored * 1e9 / queueNs);
            result.figure("loginMs", (loggedInNs - loginStartNs) / 1e6);
            result.figure("drainMs", drainNs / 1e6);
            result.figure("drainRatePerSecond", delivered[0] * 1e9 / Math.max(1, drainNs));
            result.figure("serverMaxInflightMessages", MosquittoProcess.MAX_INFLIGHT_MESSAGES);
        }
        return result;
    }

    public void close()
    {
        server.close();
    }

    int port()
    {
        return server.port();
    }

    private InetSocketAddress address()
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    }

    static String topic(final int user)
    {
        return "u/" + user;
    }

    /**
     * The user a bench topic names, or -1.
     */
    static int user(final String topic)
    {
        if (topic.length() < 3 || !topic.startsWith("u/"))
        {
            return -1;
        }
        try
        {
            return Integer.parseInt(topic, 2, topic.length(), 10);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * The little-endian stamp at {@code offset}.
     */
    static long stamp(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = offset + 7; i >= offset; i--)
        {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    private static void putStamp(final byte[] bytes, final long stampNs)
    {
        for (int i = 0; i < 8; i++)
        {
            bytes[i] = (byte)(stampNs >>> (8 * i));
        }
    }
}
