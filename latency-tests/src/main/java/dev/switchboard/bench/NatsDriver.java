package dev.switchboard.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The same scenarios against NATS, with the jnats client: each bench user is a subject ({@code u.<n>}); users are
 * spread over a few client connections (jnats runs threads per connection, so not one connection per user), and
 * with JetStream the subjects belong to one file-backed stream and every publish waits for the stream's ack.
 * Ping, pingpong and throughput are {@link PeerLoad}'s; idle connections and login storms speak the NATS text
 * protocol on raw sockets.
 */
final class NatsDriver implements PeerDriver
{
    private static final int CLIENT_CONNECTIONS = 4;
    private static final int MAX_UNACKED_PUBLISHES = 1000;

    private final NatsServerProcess server;
    private final boolean jetStream;
    private final List<Connection> connections = new ArrayList<>();
    private final List<JetStream> streams = new ArrayList<>();
    private final PrintStream log;
    private final AtomicLong unackedPublishes = new AtomicLong();
    private final AtomicLong publishRetries = new AtomicLong();

    NatsDriver(final boolean jetStream, final File outDir, final PrintStream log)
    {
        this.jetStream = jetStream;
        this.log = log;
        this.server = NatsServerProcess.start(jetStream, outDir);
    }

    public String target()
    {
        return jetStream ? "nats-jetstream" : "nats";
    }

    public String serverVersion()
    {
        return NatsServerProcess.version();
    }

    public String serverSettings()
    {
        return server.settings();
    }

    public long serverPid()
    {
        return server.pid();
    }

    public void connect() throws IOException, InterruptedException
    {
        for (int i = 0; i < CLIENT_CONNECTIONS; i++)
        {
            final Connection connection = Nats.connect(new Options.Builder().server(server.url()).noReconnect()
                .connectionTimeout(Duration.ofSeconds(10)).errorListener(new QuietErrorListener()).build());
            connections.add(connection);
        }
        if (jetStream)
        {
            try
            {
                final JetStreamManagement management = connections.get(0).jetStreamManagement();
                management.addStream(StreamConfiguration.builder().name("BENCH").subjects("u.*")
                    .storageType(StorageType.File).build());
                for (final Connection connection : connections)
                {
                    streams.add(connection.jetStream());
                }
            }
            catch (final io.nats.client.JetStreamApiException ex)
            {
                throw new IOException(ex);
            }
        }
    }

    public void subscribe(final int user, final StampHandler handler) throws IOException
    {
        final Connection connection = connections.get(user % CLIENT_CONNECTIONS);
        final Dispatcher dispatcher = connection.createDispatcher();
        final io.nats.client.MessageHandler onMessage = message ->
        {
            final long nowNs = System.nanoTime();
            if (jetStream)
            {
                message.ack();
            }
            handler.onMessage(user, new UnsafeBuffer(message.getData()).getLong(0, LITTLE_ENDIAN), nowNs);
        };
        if (jetStream)
        {
            try
            {
                streams.get(user % CLIENT_CONNECTIONS).subscribe("u." + user, dispatcher, onMessage, false,
                    PushSubscribeOptions.builder().configuration(ConsumerConfiguration.builder()
                        .ackPolicy(AckPolicy.Explicit).build()).build());
            }
            catch (final io.nats.client.JetStreamApiException ex)
            {
                throw new IOException(ex);
            }
        }
        else
        {
            dispatcher.subscribe("u." + user, onMessage);
        }
    }

    public void publish(final int fromUser, final int toUser, final long stampNs, final int payloadLength)
    {
        final byte[] payload = new byte[payloadLength];
        new UnsafeBuffer(payload).putLong(0, stampNs, LITTLE_ENDIAN);
        while (true)
        {
            try
            {
                if (jetStream)
                {
                    // An acked publish, not awaited here so the open loop keeps its schedule; too many
                    // unacknowledged ones wait, and that wait counts in the latency like any other.
                    while (unackedPublishes.get() >= MAX_UNACKED_PUBLISHES)
                    {
                        Thread.onSpinWait();
                    }
                    unackedPublishes.incrementAndGet();
                    streams.get(fromUser % CLIENT_CONNECTIONS).publishAsync("u." + toUser, payload)
                        .whenComplete((ack, error) -> unackedPublishes.decrementAndGet());
                }
                else
                {
                    connections.get(fromUser % CLIENT_CONNECTIONS).publish("u." + toUser, payload);
                }
                return;
            }
            catch (final IllegalStateException queueFull)
            {
                // The client's outgoing queue is full: back-pressure, so wait and retry the same message.
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
     * N idle subscribed connections speaking the NATS text protocol on raw sockets: nats-server's resident memory
     * growth per connection and its CPU while they idle.
     */
    public BenchResult connections(final BenchSettings settings) throws Exception
    {
        final int count = settings.connectionsOr(2000);
        final BenchResult result = new BenchResult("connections", target());
        RawSessions.checkOpenFiles(count, "nats-server", server.pid());
        final IdleFootprint footprint = IdleFootprint.baseline(server);
        final List<Socket> sockets = new ArrayList<>(count);
        final byte[] buffer = new byte[4096];
        try
        {
            final long startNs = System.nanoTime();
            for (int i = 0; i < count; i++)
            {
                final Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
                sockets.add(socket);
                final BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII), 512);
                in.readLine(); // INFO
                final OutputStream out = socket.getOutputStream();
                out.write(("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB u." + i + " 1\r\nPING\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                final String pong = in.readLine();
                if (!"PONG".equals(pong))
                {
                    throw new IOException("unexpected " + pong);
                }
            }
            final long connectNs = System.nanoTime() - startNs;
            footprint.measureLoaded();
            log.println("bench: " + count + " NATS connections subscribed in " + connectNs / 1_000_000 + " ms");
            result.figure("connections", count);
            result.figure("loginsPerSecond", count * 1e9 / connectNs);
            footprint.addTo(result, count);
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                try
                {
                    // A reset, not TIME_WAIT: thousands of those would hold ports the next run needs.
                    socket.setSoLinger(true, 0);
                    socket.close();
                }
                catch (final IOException ignore)
                {
                    // Closing is best effort: the server goes next.
                }
            }
        }
        return result;
    }

    /**
     * N clients connect at once (raw CONNECT and PING, no subscription): each connect-to-PONG time and the overall
     * rate. The PONG comes after the server has processed the CONNECT, so it marks the login as done.
     */
    public BenchResult loginStorm(final BenchSettings settings) throws Exception
    {
        return PeerLoad.loginStorm(this, settings, "nats-server",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), new NatsHandshake());
    }

    /**
     * JetStream only: a sender stores a backlog on the recipient's subject (each publish acked by the stream), then
     * the recipient subscribes from the start of the stream: how fast the backlog drains. Core NATS keeps nothing
     * for a subscriber that is not there.
     */
    public BenchResult drain(final BenchSettings settings) throws Exception
    {
        if (!jetStream)
        {
            throw new IllegalStateException(PeerScenarios.NATS_CORE_NO_BACKLOG);
        }
        final int backlog = settings.backlog;
        final BenchResult result = new BenchResult("drain", target());
        final int recipientUser = 1;
        connect();
        final Histogram latency = result.series("queued-to-delivered");
        final long runStartNs = System.nanoTime();
        final long[] queued = queueBacklog("u." + recipientUser, backlog, settings.payloadLength);
        final long queueNs = System.nanoTime() - runStartNs;
        final long stored = queued[0];

        final long[] delivered = new long[2]; // count, last delivery time
        final Connection connection = connections.get(recipientUser % CLIENT_CONNECTIONS);
        final Dispatcher dispatcher = connection.createDispatcher();
        final long loginStartNs = System.nanoTime();
        try
        {
            streams.get(recipientUser % CLIENT_CONNECTIONS).subscribe("u." + recipientUser, dispatcher, message ->
            {
                final long nowNs = System.nanoTime();
                message.ack();
                final long stampNs = new UnsafeBuffer(message.getData()).getLong(0, LITTLE_ENDIAN);
                synchronized (delivered)
                {
                    if (stampNs - runStartNs >= 0)
                    {
                        delivered[0]++;
                        delivered[1] = nowNs;
                        BenchResult.record(latency, nowNs - stampNs);
                    }
                }
            }, false, PushSubscribeOptions.builder().configuration(ConsumerConfiguration.builder()
                .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All).build()).build());
        }
        catch (final io.nats.client.JetStreamApiException ex)
        {
            throw new IOException(ex);
        }
        final long loggedInNs = System.nanoTime();
        final long drainDeadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long seen = -1;
        long progressNs = System.nanoTime();
        while (System.nanoTime() - drainDeadlineNs < 0)
        {
            final long count;
            synchronized (delivered)
            {
                count = delivered[0];
            }
            if (count >= stored || (count == seen && System.nanoTime() - progressNs > TimeUnit.SECONDS.toNanos(10)))
            {
                break;
            }
            if (count != seen)
            {
                seen = count;
                progressNs = System.nanoTime();
            }
            Thread.sleep(1);
        }
        synchronized (delivered)
        {
            final long drainNs = delivered[1] - loginStartNs;
            result.figure("backlog", backlog);
            result.figure("stored", stored);
            result.figure("refused", queued[1]);
            result.figure("delivered", delivered[0]);
            result.figure("queueRatePerSecond", stored * 1e9 / queueNs);
            result.figure("loginMs", (loggedInNs - loginStartNs) / 1e6);
            result.figure("drainMs", drainNs / 1e6);
            result.figure("drainRatePerSecond", delivered[0] * 1e9 / Math.max(1, drainNs));
        }
        return result;
    }

    /**
     * Publish {@code count} stamped messages to the stream, at most a thousand awaiting their ack, and wait for
     * every ack.
     *
     * @return the messages stored (acked) and refused.
     */
    private long[] queueBacklog(final String subject, final int count, final int payloadLength)
        throws InterruptedException
    {
        final AtomicLong stored = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong unacked = new AtomicLong();
        for (int i = 0; i < count; i++)
        {
            final byte[] payload = new byte[payloadLength];
            new UnsafeBuffer(payload).putLong(0, System.nanoTime(), LITTLE_ENDIAN);
            while (unacked.get() >= MAX_UNACKED_PUBLISHES)
            {
                Thread.onSpinWait();
            }
            unacked.incrementAndGet();
            streams.get(0).publishAsync(subject, payload).whenComplete((ack, error) ->
            {
                (null == error ? stored : refused).incrementAndGet();
                unacked.decrementAndGet();
            });
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (stored.get() + refused.get() < count && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(1);
        }
        return new long[]{ stored.get(), refused.get() };
    }

    public void flush() throws Exception
    {
        for (final Connection connection : connections)
        {
            connection.flush(Duration.ofSeconds(10));
        }
    }

    public void close()
    {
        for (final Connection connection : connections)
        {
            try
            {
                connection.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        server.close();
    }

    /**
     * Raw sessions' handshake: CONNECT and PING, complete on the server's PONG (after its INFO line).
     */
    static final class NatsHandshake implements RawSessions.Handshake
    {
        private static final byte[] HELLO = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n"
            .getBytes(StandardCharsets.US_ASCII);

        public ByteBuffer hello(final int index)
        {
            return ByteBuffer.wrap(HELLO.clone());
        }

        public boolean isComplete(final ByteBuffer reply) throws IOException
        {
            final String text = new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
            final int error = text.indexOf("-ERR");
            if (error >= 0)
            {
                throw new IOException("nats-server refused: " + text.substring(error).trim());
            }
            return text.contains("\r\nPONG\r\n") || text.startsWith("PONG\r\n");
        }
    }

    /**
     * Queue-full reports are back-pressure the driver handles by retrying; they are not worth a log line each.
     */
    private static final class QuietErrorListener implements io.nats.client.ErrorListener
    {
    }
}
