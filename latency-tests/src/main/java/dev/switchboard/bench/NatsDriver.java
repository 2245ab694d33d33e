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
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
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
 */
final class NatsDriver implements AutoCloseable
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

    NatsDriver(final boolean jetStream, final java.io.File outDir, final PrintStream log)
    {
        this.jetStream = jetStream;
        this.log = log;
        this.server = NatsServerProcess.start(jetStream, outDir);
    }

    String target()
    {
        return jetStream ? "nats-jetstream" : "nats";
    }

    private void connect(final int users) throws IOException, InterruptedException
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

    /**
     * Subscribe user {@code user}'s subject on its connection; each message goes to the handler with its stamp.
     */
    private void subscribe(final int user, final StampHandler handler) throws IOException
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

    private void publish(final int fromUser, final int toUser, final long stampNs, final int payloadLength)
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

    BenchResult ping(final BenchSettings settings) throws Exception
    {
        final int pairs = settings.pairsOr(1);
        final BenchResult result = new BenchResult("ping", target());
        final Histogram hop = result.series("hop");
        final long warmupNs = TimeUnit.SECONDS.toNanos(settings.warmupSeconds);
        final long startNs = System.nanoTime();
        final long measureStartNs = startNs + warmupNs;
        final long endNs = measureStartNs + TimeUnit.SECONDS.toNanos(settings.durationSeconds);
        connect(2 * pairs);
        for (int user = 0; user < 2 * pairs; user++)
        {
            subscribe(user, (to, stampNs, nowNs) ->
            {
                synchronized (hop)
                {
                    if (stampNs - measureStartNs >= 0 && nowNs - endNs < 0)
                    {
                        BenchResult.record(hop, nowNs - stampNs);
                    }
                }
                if (nowNs - endNs < 0)
                {
                    publish(to, to ^ 1, System.nanoTime(), settings.payloadLength);
                }
            });
        }
        flushAll();
        for (int pair = 0; pair < pairs; pair++)
        {
            publish(2 * pair, 2 * pair + 1, System.nanoTime(), settings.payloadLength);
        }
        sleepUntil(endNs + TimeUnit.MILLISECONDS.toNanos(500));
        result.figure("pairs", pairs);
        synchronized (hop)
        {
            result.figure("roundTripsPerSecond", hop.getTotalCount() / 2.0 / settings.durationSeconds);
        }
        return result;
    }

    BenchResult pingpong(final BenchSettings settings) throws Exception
    {
        final int pairs = settings.pairsOr(1000);
        final BenchResult result = new BenchResult("pingpong", target());
        final Histogram deliver = result.series("deliver");
        final AtomicLong delivered = new AtomicLong();
        final long warmupNs = TimeUnit.SECONDS.toNanos(settings.warmupSeconds);
        final long durationNs = TimeUnit.SECONDS.toNanos(settings.durationSeconds);
        connect(2 * pairs);
        final long[] window = new long[2];
        for (int user = 0; user < 2 * pairs; user++)
        {
            subscribe(user, (to, stampNs, nowNs) ->
            {
                synchronized (deliver)
                {
                    if (stampNs - window[0] >= 0)
                    {
                        delivered.incrementAndGet();
                        if (stampNs - window[1] < 0)
                        {
                            BenchResult.record(deliver, nowNs - stampNs);
                        }
                    }
                }
            });
        }
        flushAll();
        final long runStartNs = System.nanoTime();
        synchronized (deliver)
        {
            window[0] = runStartNs + warmupNs;
            window[1] = window[0] + durationNs;
        }
        final double periodNs = 1e9 / settings.rate;
        long k = 0;
        long measured = 0;
        while (true)
        {
            final long dueNs = runStartNs + (long)(k * periodNs);
            if (dueNs - window[1] >= 0 || System.nanoTime() - window[1] >= 0)
            {
                // A peer slower than the rate stops at the end of the period too, as the Switchboard run does.
                break;
            }
            while (System.nanoTime() - dueNs < 0)
            {
                Thread.onSpinWait();
            }
            final int pair = (int)(k % pairs);
            final boolean forward = ((k / pairs) & 1) == 0;
            publish(forward ? 2 * pair : 2 * pair + 1, forward ? 2 * pair + 1 : 2 * pair, dueNs,
                settings.payloadLength);
            if (dueNs - window[0] >= 0)
            {
                measured++;
            }
            k++;
        }
        final long sentMeasured = measured;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delivered.get() < sentMeasured && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(10);
        }
        result.figure("pairs", pairs);
        result.figure("rate", settings.rate);
        result.figure("measuredSent", sentMeasured);
        result.figure("measuredDelivered", delivered.get());
        result.figure("deliveredPerSecond", delivered.get() / (double)settings.durationSeconds);
        result.figure("publishRetries", publishRetries.get());
        return result;
    }

    /**
     * N idle subscribed connections speaking the NATS text protocol on raw sockets: nats-server's resident memory
     * growth per connection and its CPU while they idle.
     */
    BenchResult connections(final BenchSettings settings) throws Exception
    {
        final int count = settings.connectionsOr(2000);
        final BenchResult result = new BenchResult("connections", target());
        Thread.sleep(1000);
        final long baselineRss = server.residentBytes();
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
            Thread.sleep(5000);
            final long loadedRss = server.residentBytes();
            final long cpuStartNs = server.cpuTimeNs();
            final long idleStartNs = System.nanoTime();
            Thread.sleep(10_000);
            final double idleCpu = (server.cpuTimeNs() - cpuStartNs) / (double)(System.nanoTime() - idleStartNs);
            log.println("bench: " + count + " NATS connections subscribed in " + connectNs / 1_000_000 + " ms");
            result.figure("connections", count);
            result.figure("loginsPerSecond", count * 1e9 / connectNs);
            result.figure("serverRssBaselineBytes", baselineRss);
            result.figure("serverRssLoadedBytes", loadedRss);
            result.figure("rssGrowthPerConnectionBytes", (loadedRss - baselineRss) / (double)count);
            result.figure("idleServerCpuCores", idleCpu);
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                try
                {
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

    private void flushAll() throws Exception
    {
        for (final Connection connection : connections)
        {
            connection.flush(Duration.ofSeconds(10));
        }
    }

    private static void sleepUntil(final long deadlineNs) throws InterruptedException
    {
        while (System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(10);
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
     * Queue-full reports are back-pressure the driver handles by retrying; they are not worth a log line each.
     */
    private static final class QuietErrorListener implements io.nats.client.ErrorListener
    {
    }

    /**
     * A message for a user arrived carrying its stamp.
     */
    @FunctionalInterface
    interface StampHandler
    {
        void onMessage(int toUser, long stampNs, long nowNs);
    }
}
