package dev.switchboard.server;

import dev.switchboard.codec.MaxFrame;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.IdentityChangedDecoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.edge.Edge;
import dev.switchboard.ring.RingCounters;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile clients against a running server, at the socket: a few hundred short-lived connections, several dozen at
 * once (see {@link SocketFuzzer}), while a well-behaved pair keeps messaging ({@link SteadyPair}). Afterwards no server
 * thread has died or swallowed an exception, the pair missed nothing, every frame the fuzzed connections got back was
 * well formed, and the heap after a full GC is where it was.
 * <p>
 * The CI form fuzzes for 35 seconds (under a minute in all). Properties for longer runs and reproduction:
 * {@value #SECONDS_PROP_NAME} (default {@value #SECONDS_DEFAULT}), {@value #SEED_PROP_NAME} (default: random, printed),
 * {@value #CONNECTIONS_PROP_NAME} (concurrent fuzz connections, default {@value #CONNECTIONS_DEFAULT}),
 * {@value #RATE_PROP_NAME} (fuzz frames a second, default {@value #RATE_DEFAULT}),
 * {@value #PAIR_RATE_PROP_NAME} (pair messages a second, default {@value #PAIR_RATE_DEFAULT}),
 * {@value #KINDS_PROP_NAME} (a bit per kind of fuzz connection, see {@link SocketFuzzer}, default all: 15).
 */
@Timeout(value = 2, unit = TimeUnit.HOURS)
class SocketFuzzSystemTest
{
    static final String SECONDS_PROP_NAME = "switchboard.fuzz.seconds";
    static final int SECONDS_DEFAULT = 35;
    static final String SEED_PROP_NAME = "switchboard.fuzz.seed";
    static final String CONNECTIONS_PROP_NAME = "switchboard.fuzz.connections";
    static final int CONNECTIONS_DEFAULT = 48;
    static final String RATE_PROP_NAME = "switchboard.fuzz.rate";
    static final int RATE_DEFAULT = 2_000;
    static final String PAIR_RATE_PROP_NAME = "switchboard.fuzz.pair.rate";
    static final int PAIR_RATE_DEFAULT = 100;
    static final String KINDS_PROP_NAME = "switchboard.fuzz.kinds";
    static final int KINDS_DEFAULT = 0xF;

    /** Fuzzing before the first heap measurement, so pools, maps and lazily built state reach their working size. */
    private static final long WARM_UP_NS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Heap growth allowed between the two measurements. What the run legitimately keeps is bounded and small: hash
     * tables sized to the peak of concurrent sessions (reached in the warm-up), registration codes (20 an hour from
     * one address), per-user lookup windows of a handful of users. A leak of even 100 bytes per fuzz frame would
     * exceed this within the CI form (over 60,000 frames), let alone a long run.
     */
    private static final long HEAP_GROWTH_BOUND_BYTES = 4L * 1024 * 1024;
    private static final int IDENTITIES = 6;
    private static final String INSTANCES = " instances";

    @TempDir
    File dataDir;

    private TestServer server;
    private long drainedRecords;
    private PrintStream originalErr;

    @AfterEach
    void stop()
    {
        if (null != originalErr)
        {
            System.setErr(originalErr);
        }
        CloseHelper.close(server);
    }

    @Test
    void shouldServeAWellBehavedPairUnharmedWhileHostileClientsFuzzTheSocket() throws Exception
    {
        final long seed = Long.getLong(SEED_PROP_NAME, System.nanoTime());
        final long seconds = Long.getLong(SECONDS_PROP_NAME, SECONDS_DEFAULT);
        final int concurrency = Integer.getInteger(CONNECTIONS_PROP_NAME, CONNECTIONS_DEFAULT);
        final int rate = Integer.getInteger(RATE_PROP_NAME, RATE_DEFAULT);
        final int pairRate = Integer.getInteger(PAIR_RATE_PROP_NAME, PAIR_RATE_DEFAULT);
        System.out.printf("socket fuzz: -D%s=%d -D%s=%d -D%s=%d -D%s=%d -D%s=%d%n", SEED_PROP_NAME, seed,
            SECONDS_PROP_NAME, seconds, CONNECTIONS_PROP_NAME, concurrency, RATE_PROP_NAME, rate,
            PAIR_RATE_PROP_NAME, pairRate);

        // Stage errors and poller exceptions are printed, not thrown: catch them to fail on them.
        originalErr = System.err;
        final ByteArrayOutputStream errText = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(originalErr, errText), true, StandardCharsets.UTF_8));

        server = TestServer.launch(dataDir);
        final List<SocketFuzzer.Identity> identities = new ArrayList<>();
        for (int i = 0; i < IDENTITIES; i++)
        {
            final TestConnection device = server.device(String.format("+1555200%04d", i));
            identities.add(new SocketFuzzer.Identity(device.userId, device.deviceId, device.keyPair));
            device.close();
        }
        final TestConnection alice = server.device("+15552100001");
        final TestConnection bob = server.device("+15552100002");
        final List<Thread> serverThreads = serverThreads();

        final SteadyPair pair = new SteadyPair(alice, bob, pairRate);
        final Thread pairThread = new Thread(pair, "steady-pair");
        pairThread.start();

        final long startNs = System.nanoTime();
        final long heapBefore;
        final long heapAfter;
        final long directBefore;
        final long directAfter;
        try (SocketFuzzer fuzzer = new SocketFuzzer(
            server.port(),
            seed,
            concurrency,
            rate,
            MaxFrame.DEFAULT_MAX_FRAME_LENGTH,
            identities,
            new long[]{ alice.userId, bob.userId },
            pair::recentMessageId))
        {
            fuzzer.kinds(Integer.getInteger(KINDS_PROP_NAME, KINDS_DEFAULT));
            fuzzer.run(WARM_UP_NS);
            quiesce(identities);
            // The histogram first, so that both heap measurements hold it; kept as text, one object, parsed at the end.
            final String histogramBefore = classHistogram();
            heapBefore = usedHeapAfterGc();
            directBefore = directBytes();

            // In segments with a heap measurement after each: a leak climbs from one to the next, a table filling up
            // to its working size levels off.
            final long measuredNs = TimeUnit.SECONDS.toNanos(seconds) - WARM_UP_NS;
            final int segments = (int)Math.max(1, Math.min(10, measuredNs / TimeUnit.SECONDS.toNanos(10)));
            final StringBuilder heapSeries = new StringBuilder().append(heapBefore);
            for (int i = 0; i < segments; i++)
            {
                fuzzer.run(measuredNs / segments);
                if (i < segments - 1)
                {
                    quiesce(identities);
                    heapSeries.append(String.format(" %+d", usedHeapAfterGc() - heapBefore));
                }
            }
            final double elapsedS = (System.nanoTime() - startNs) / 1e9;

            pair.stopSending();
            pairThread.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(pair.isFinished(), "pair did not drain: " + pair.summary());
            quiesce(identities);
            heapAfter = usedHeapAfterGc();
            directAfter = directBytes();
            heapSeries.append(String.format(" %+d", heapAfter - heapBefore));
            final String histogramGrowth = largestGrowth(histogramBefore, classHistogram(), 12);

            final RingCounters ring = server.server().ring().counters();
            System.out.printf("socket fuzz: %.1f s, %,d fuzz frames (%,d bytes) on %,d connections (at most %d at " +
                "once: %,d garbage, %,d mutated, %,d unauthenticated, %,d authenticated; %,d logins), " +
                "%,d closed by the server, %,d connect failures%n",
                elapsedS, fuzzer.framesSent, fuzzer.bytesSent, fuzzer.connectionsOpened, fuzzer.maxConcurrent,
                fuzzer.connectionsByKind[0], fuzzer.connectionsByKind[1], fuzzer.connectionsByKind[2],
                fuzzer.connectionsByKind[3], fuzzer.logins, fuzzer.serverCloses, fuzzer.connectFailures);
            System.out.printf("socket fuzz: %,d frames back, %,d errors: %s%n",
                fuzzer.framesReceived, fuzzer.errorsReceived(), fuzzer.errorsByCodeText());
            System.out.printf("socket fuzz: pair %s%n", pair.summary());
            System.out.printf("socket fuzz: server %s%n", serverFigures(ring, server.server().edge()));
            System.out.printf("socket fuzz: heap after GC %,d -> %,d bytes (%+,d; bound %,d); direct buffers " +
                "%,d -> %,d bytes%n", heapBefore, heapAfter, heapAfter - heapBefore, HEAP_GROWTH_BOUND_BYTES,
                directBefore, directAfter);
            System.out.printf("socket fuzz: heap after GC by segment: %s; fuzz identities' backlogs drained " +
                "before each: %,d records%n", heapSeries, drainedRecords);
            System.out.printf("socket fuzz: live bytes grown most, by class: %s%n", histogramGrowth);

            assertTrue(fuzzer.failures.isEmpty(),
                fuzzer.failureCount + " malformed or misdirected server frames, first: " + fuzzer.failures);
            assertTrue(fuzzer.connectionsOpened >= 200, "connections: " + fuzzer.connectionsOpened);
            assertTrue(fuzzer.logins > 0, "no fuzz connection logged in");
            assertNull(pair.failure(), pair.failure());
            assertTrue(pair.isDrained(), pair.summary());
            assertTrue(pair.sent >= (long)(pairRate * seconds * 0.5), "pair too slow: " + pair.summary());

            assertEquals(0, ring.get(RingCounters.STAGE_ERRORS), "stage errors");
            long pollerErrors = 0;
            for (int i = 0; i < server.server().edge().pollerCount(); i++)
            {
                pollerErrors += server.server().edge().poller(i).stats().errors();
            }
            assertEquals(0, pollerErrors, "edge poller errors");
            for (final Thread thread : serverThreads)
            {
                assertTrue(thread.isAlive(), "server thread died: " + thread.getName());
            }
            final String err = errText.toString(StandardCharsets.UTF_8);
            assertTrue(!err.contains("Exception") && !err.contains("Error:"), "server printed: " + err);

            // The server still serves a newcomer and the pair.
            final TestConnection newcomer = server.connect();
            newcomer.ping(1);
            newcomer.expect(PongDecoder.TEMPLATE_ID);
            alice.channel.socket().setSoTimeout(TestConnection.TIMEOUT_MS);
            bob.channel.socket().setSoTimeout(TestConnection.TIMEOUT_MS);
            alice.send(Long.MAX_VALUE, bob.userId, 0, new byte[]{ 42 });
            alice.expect(SentAckDecoder.TEMPLATE_ID);

            assertTrue(heapAfter - heapBefore <= HEAP_GROWTH_BOUND_BYTES,
                "heap grew " + (heapAfter - heapBefore) + " bytes");
        }
        finally
        {
            pair.stopSending();
            pairThread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static String serverFigures(final RingCounters ring, final Edge edge)
    {
        final StringBuilder text = new StringBuilder();
        for (final int id : new int[]{ RingCounters.REQUESTS_REJECTED, RingCounters.LOGINS,
            RingCounters.LOGIN_FAILURES, RingCounters.MESSAGES_STORED, RingCounters.DELIVERIES, RingCounters.ACKS,
            RingCounters.UNKNOWN_ACKS, RingCounters.UNKNOWN_RECIPIENTS, RingCounters.RATE_LIMITED,
            RingCounters.RING_FULL, RingCounters.LARGE_FRAME_POOL_EMPTY, RingCounters.OUTBOUND_FULL,
            RingCounters.STAGE_ERRORS })
        {
            text.append(RingCounters.label(id)).append(' ').append(ring.get(id)).append(", ");
        }
        long framesIn = 0;
        long rejected = 0;
        long corrupt = 0;
        long rejectCloses = 0;
        for (int i = 0; i < edge.pollerCount(); i++)
        {
            framesIn += edge.poller(i).stats().framesIn();
            rejected += edge.poller(i).stats().framesRejected();
            corrupt += edge.poller(i).stats().corruptStreams();
            rejectCloses += edge.poller(i).stats().rejectDisconnects();
        }
        return text.append("frames-in ").append(framesIn).append(", frames-rejected ").append(rejected)
            .append(", corrupt-streams ").append(corrupt).append(", reject-disconnects ").append(rejectCloses)
            .toString();
    }

    /**
     * The server's own long-lived threads: ring stages, edge pollers and acceptor, the ticker.
     */
    private static List<Thread> serverThreads()
    {
        final List<Thread> threads = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            final String name = thread.getName();
            if (name.startsWith("sb-") || name.contains("edge-"))
            {
                threads.add(thread);
            }
        }
        assertTrue(threads.size() >= 2, "server threads found: " + threads);
        return threads;
    }

    /**
     * Bring the server to the same state before each heap measurement: the fuzz identities' offline queues (messages
     * and receipts the fuzz connections left unacked) delivered and acked, only the pair connected.
     */
    private void quiesce(final List<SocketFuzzer.Identity> identities) throws IOException, InterruptedException
    {
        for (int pass = 0; pass < 3; pass++)
        {
            long pendingInPass = 0;
            for (final SocketFuzzer.Identity identity : identities)
            {
                // Not through the server's list, which would keep every connection and its buffers reachable.
                try (TestConnection device = new TestConnection(server.port()))
                {
                    device.keyPair = identity.keyPair;
                    device.userId = identity.userId;
                    device.deviceId = identity.deviceId;
                    final long pending = device.login().pendingCount();
                    for (long i = 0; i < pending; i++)
                    {
                        final TestConnection.Frame frame = device.read();
                        if (DeliverDecoder.TEMPLATE_ID == frame.templateId() ||
                            ReceiptDecoder.TEMPLATE_ID == frame.templateId() ||
                            GroupEventDecoder.TEMPLATE_ID == frame.templateId() ||
                            IdentityChangedDecoder.TEMPLATE_ID == frame.templateId())
                        {
                            device.ack(frame.buffer.getLong(MaxFrame.MIN_FRAME_LENGTH, ByteOrder.LITTLE_ENDIAN));
                        }
                        else
                        {
                            i--; // a presence update or the like, not from the queue
                        }
                    }
                    device.ping(0);
                    while (PongDecoder.TEMPLATE_ID != device.read().templateId())
                    {
                        Thread.onSpinWait(); // anything else is a live delivery, acked on the next login
                    }
                    pendingInPass += pending;
                }
            }
            drainedRecords += pendingInPass;
            if (0 == pendingInPass)
            {
                break;
            }
        }
        awaitOpenConnections(2);
    }

    private void awaitOpenConnections(final int expected) throws InterruptedException
    {
        final Edge edge = server.server().edge();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long open;
        do
        {
            open = 0;
            for (int i = 0; i < edge.pollerCount(); i++)
            {
                open += edge.poller(i).stats().connectionCount();
            }
            if (open == expected)
            {
                return;
            }
            Thread.sleep(10);
        }
        while (System.nanoTime() - deadlineNs < 0);
        throw new AssertionError("server still holds " + open + " connections, expected " + expected);
    }

    /**
     * Heap in use after full collections, the least of three: what is live, not what awaits collection.
     */
    private static long usedHeapAfterGc() throws InterruptedException
    {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /**
     * The JVM's class histogram of live objects (it collects first), as text.
     */
    private static String classHistogram() throws Exception
    {
        return (String)ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"),
            "gcClassHistogram",
            new Object[]{ new String[0] },
            new String[]{ String[].class.getName() });
    }

    /**
     * Live bytes by class, and instances by class under the class name and {@link #INSTANCES}.
     */
    private static Map<String, Long> parse(final String histogram)
    {
        final Map<String, Long> byClass = new HashMap<>();
        for (final String line : histogram.split("\n"))
        {
            final String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":"))
            {
                byClass.put(fields[3], Long.parseLong(fields[2]));
                byClass.put(fields[3] + INSTANCES, Long.parseLong(fields[1]));
            }
        }
        return byClass;
    }

    /**
     * The classes whose live bytes grew most between two histograms, less the text of the first, which is live
     * when the second is taken.
     */
    private static String largestGrowth(final String beforeText, final String afterText, final int top)
    {
        final Map<String, Long> before = parse(beforeText);
        final Map<String, Long> after = parse(afterText);
        final long textBytes = 16 + beforeText.length();
        after.computeIfPresent("[B", (name, bytes) -> bytes - textBytes);
        after.computeIfPresent("[B" + INSTANCES, (name, count) -> count - 1);
        after.computeIfPresent("java.lang.String", (name, bytes) -> bytes - 24);
        after.computeIfPresent("java.lang.String" + INSTANCES, (name, count) -> count - 1);
        final List<Map.Entry<String, Long>> growth = new ArrayList<>();
        for (final Map.Entry<String, Long> entry : after.entrySet())
        {
            final long grown = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            if (grown > 0 && !entry.getKey().endsWith(INSTANCES))
            {
                growth.add(Map.entry(entry.getKey(), grown));
            }
        }
        growth.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(top, growth.size()); i++)
        {
            final String name = growth.get(i).getKey();
            text.append(i > 0 ? "; " : "").append(name).append(' ')
                .append(String.format("%+,d bytes %+,d instances", growth.get(i).getValue(),
                    after.get(name + INSTANCES) - before.getOrDefault(name + INSTANCES, 0L)));
        }
        return text.toString();
    }

    /**
     * Direct buffer memory in use: the edge's chunks and the ring's slots live there, not on the heap.
     */
    private static long directBytes()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }

    private static final class TeeStream extends OutputStream
    {
        private static final int MAX_KEPT = 64 * 1024;
        private final OutputStream first;
        private final ByteArrayOutputStream kept;

        TeeStream(final OutputStream first, final ByteArrayOutputStream kept)
        {
            this.first = first;
            this.kept = kept;
        }

        public synchronized void write(final int b) throws IOException
        {
            first.write(b);
            if (kept.size() < MAX_KEPT)
            {
                kept.write(b);
            }
        }

        public synchronized void write(final byte[] b, final int off, final int len) throws IOException
        {
            first.write(b, off, len);
            if (kept.size() < MAX_KEPT)
            {
                kept.write(b, off, Math.min(len, MAX_KEPT - kept.size()));
            }
        }
    }
}
