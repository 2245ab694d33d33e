package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import javax.net.SocketFactory;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scenarios against mosquitto over MQTT 3.1.1 at QoS 1, with the Eclipse Paho client: each bench user is a topic
 * ({@code u/<n>}), users are spread over a few client connections (Paho runs threads per connection, so not one
 * connection per user), and every publish is acknowledged by the broker (PUBACK), as every delivery is by the
 * client. Idle connections, login storms and the drain recipient use raw MQTT packets on plain sockets
 * ({@link MqttWire}, {@link RawSessions}).
 */
final class MqttDriver implements PeerDriver
{
    static final String TARGET = "mosquitto";

    private static final int CLIENT_CONNECTIONS = 4;
    private static final int QOS = 1;
    private static final int MAX_UNACKED_PUBLISHES = 1000;
    private static final int SUBSCRIBE_BATCH = 100;
    private static final int KEEP_ALIVE_SECONDS = 300;
    private static final long TOKEN_TIMEOUT_MS = 10_000;
    private static final int CONNECTS_IN_FLIGHT = 256;

    private final MosquittoProcess server;
    private final PrintStream log;
    private final List<MqttAsyncClient> clients = new ArrayList<>();
    private final List<List<String>> pendingTopics = new ArrayList<>();
    private final AtomicLong publishRetries = new AtomicLong();
    private final AtomicLong unexpectedMessages = new AtomicLong();
    private final Inbound inbound = new Inbound();
    private volatile StampHandler[] handlers = new StampHandler[0];

    MqttDriver(final File outDir, final PrintStream log)
    {
        this.log = log;
        this.server = MosquittoProcess.start(outDir);
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

    public void connect() throws MqttException
    {
        for (int i = 0; i < CLIENT_CONNECTIONS; i++)
        {
            final MqttAsyncClient client = newClient("bench-" + i, inbound);
            client.connect(options(true)).waitForCompletion(TOKEN_TIMEOUT_MS);
            clients.add(client);
            pendingTopics.add(new ArrayList<>());
        }
    }

    public void subscribe(final int user, final StampHandler handler)
    {
        StampHandler[] table = handlers;
        if (user >= table.length)
        {
            table = Arrays.copyOf(table, Math.max(user + 1, 2 * table.length));
        }
        table[user] = handler;
        handlers = table; // A volatile write after the element's, so client threads see both.
        pendingTopics.get(user % CLIENT_CONNECTIONS).add(topic(user));
    }

    public void flush() throws MqttException
    {
        for (int i = 0; i < clients.size(); i++)
        {
            final List<String> topics = pendingTopics.get(i);
            for (int from = 0; from < topics.size(); from += SUBSCRIBE_BATCH)
            {
                final String[] batch = topics.subList(from, Math.min(topics.size(), from + SUBSCRIBE_BATCH))
                    .toArray(new String[0]);
                final int[] qos = new int[batch.length];
                Arrays.fill(qos, QOS);
                final IMqttToken token = clients.get(i).subscribe(batch, qos);
                token.waitForCompletion(TOKEN_TIMEOUT_MS);
                for (final int granted : token.getGrantedQos())
                {
                    if (granted != QOS)
                    {
                        throw new IllegalStateException("mosquitto granted QoS " + granted + " instead of " + QOS +
                            " for a subscription to " + batch[0] + " ..");
                    }
                }
            }
            topics.clear();
        }
    }

    public void publish(final int fromUser, final int toUser, final long stampNs, final int payloadLength)
    {
        publish(clients.get(fromUser % CLIENT_CONNECTIONS), toUser, stampNs, payloadLength, null);
    }

    private void publish(
        final MqttAsyncClient client,
        final int toUser,
        final long stampNs,
        final int payloadLength,
        final IMqttActionListener onAck)
    {
        final byte[] payload = new byte[payloadLength];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putLong(0, stampNs);
        while (true)
        {
            try
            {
                client.publish(topic(toUser), payload, QOS, false, null, onAck);
                return;
            }
            catch (final MqttException ex)
            {
                if (ex.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT)
                {
                    throw new IllegalStateException("mosquitto: publish to " + topic(toUser) + " failed: " + ex, ex);
                }
                // Too many publishes await their PUBACK: back-pressure, so wait and retry the same message; the
                // wait counts in the latency like any other.
                publishRetries.incrementAndGet();
                Thread.yield();
            }
        }
    }

    public long publishRetries()
    {
        return publishRetries.get();
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
     * a backlog for it at the broker, each publish acknowledged; the recipient reconnects: how fast the backlog
     * drains. The recipient is a raw MQTT session, so its connect is the broker's work, not a client's start-up.
     */
    public BenchResult drain(final BenchSettings settings) throws Exception
    {
        final int backlog = settings.backlog;
        final BenchResult result = new BenchResult("drain", TARGET);
        final int recipientUser = 1;
        final String recipientId = "bench-drain-recipient";
        connect();
        try (MqttWire.Session offline = new MqttWire.Session(address(), recipientId, false, KEEP_ALIVE_SECONDS))
        {
            offline.subscribe(topic(recipientUser), QOS);
        }

        final AtomicLong acked = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final IMqttActionListener onAck = new IMqttActionListener()
        {
            public void onSuccess(final IMqttToken token)
            {
                acked.incrementAndGet();
            }

            public void onFailure(final IMqttToken token, final Throwable failure)
            {
                refused.incrementAndGet();
            }
        };
        final long runStartNs = System.nanoTime();
        for (int i = 0; i < backlog; i++)
        {
            publish(clients.get(0), recipientUser, System.nanoTime(), settings.payloadLength, onAck);
        }
        final long queueDeadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (acked.get() + refused.get() < backlog && System.nanoTime() - queueDeadlineNs < 0)
        {
            Thread.sleep(1);
        }
        final long queueNs = System.nanoTime() - runStartNs;
        final long stored = acked.get();

        final Histogram latency = result.series("queued-to-delivered");
        final long[] delivered = new long[2]; // count, last delivery time
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
                return delivered[0] < stored;
            });
            final long drainNs = delivered[1] - loginStartNs;
            result.figure("backlog", backlog);
            result.figure("stored", stored);
            result.figure("refused", refused.get());
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
        for (final MqttAsyncClient client : clients)
        {
            closeQuietly(client);
        }
        clients.clear();
        if (unexpectedMessages.get() > 0)
        {
            log.println("bench: mosquitto delivered " + unexpectedMessages.get() + " messages the bench did not " +
                "expect (no subscriber for the topic, or shorter than a stamp)");
        }
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

    private MqttAsyncClient newClient(final String clientId, final MqttCallback callback) throws MqttException
    {
        final MqttAsyncClient client = new MqttAsyncClient(server.uri(), clientId, new MemoryPersistence());
        client.setCallback(callback);
        return client;
    }

    private static MqttConnectOptions options(final boolean cleanSession)
    {
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
        options.setConnectionTimeout(10);
        options.setMaxInflight(MAX_UNACKED_PUBLISHES);
        options.setSocketFactory(new NoDelaySocketFactory());
        return options;
    }

    private static void closeQuietly(final MqttAsyncClient client)
    {
        try
        {
            if (client.isConnected())
            {
                // DISCONNECT has no reply: the token completes once it is sent.
                client.disconnect(0).waitForCompletion(TOKEN_TIMEOUT_MS);
            }
        }
        catch (final MqttException ignore)
        {
            // Closing is best effort: the broker goes next.
        }
        try
        {
            client.close(true);
        }
        catch (final MqttException ignore)
        {
            // As above.
        }
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

    /**
     * Paho's messages for the pooled connections: to the subscribed user's handler, by topic.
     */
    private final class Inbound implements MqttCallback
    {
        private volatile boolean lostReported;

        public void connectionLost(final Throwable cause)
        {
            if (!lostReported)
            {
                lostReported = true;
                log.println("bench: a mosquitto client connection was lost: " + cause);
            }
        }

        public void messageArrived(final String topic, final MqttMessage message)
        {
            final long nowNs = System.nanoTime();
            final int user = user(topic);
            final StampHandler[] table = handlers;
            final byte[] payload = message.getPayload();
            if (user < 0 || user >= table.length || null == table[user] || payload.length < 8)
            {
                unexpectedMessages.incrementAndGet();
                return;
            }
            table[user].onMessage(user, stamp(payload, 0), nowNs);
        }

        public void deliveryComplete(final IMqttDeliveryToken token)
        {
        }
    }

    /**
     * Paho does not turn Nagle's algorithm off; without it a small write (a PUBACK) can wait for a delayed ack.
     */
    private static final class NoDelaySocketFactory extends SocketFactory
    {
        public Socket createSocket() throws IOException
        {
            return noDelay(new Socket());
        }

        public Socket createSocket(final String host, final int port) throws IOException
        {
            return noDelay(new Socket(host, port));
        }

        public Socket createSocket(
            final String host, final int port, final InetAddress localHost, final int localPort) throws IOException
        {
            return noDelay(new Socket(host, port, localHost, localPort));
        }

        public Socket createSocket(final InetAddress host, final int port) throws IOException
        {
            return noDelay(new Socket(host, port));
        }

        public Socket createSocket(
            final InetAddress address, final int port, final InetAddress localAddress, final int localPort)
            throws IOException
        {
            return noDelay(new Socket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(final Socket socket) throws IOException
        {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }
}
