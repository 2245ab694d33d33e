package dev.switchboard.bench;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Scenarios about sessions rather than message latency: {@code connections} (many idle logged-in connections:
 * login rate, server memory per connection, idle CPU), {@code login-storm} (devices logging in at once) and
 * {@code drain} (a recipient with a backlog logs in).
 */
final class SessionScenarios
{
    /** Each storm device's read and write buffers: a login's frames are a few dozen bytes. */
    private static final int STORM_BUFFER_LENGTH = 1024;

    private SessionScenarios()
    {
    }

    /**
     * N idle logged-in connections held by client JVMs; the server's resident memory growth per connection and its
     * CPU use while they idle. The server is restarted first so the baseline is a fresh process.
     */
    static BenchResult connections(final LoadRig rig, final BenchSettings settings, final File serverHome)
    {
        final int count = settings.connectionsOr(2000);
        final BenchResult result = new BenchResult("connections", "switchboard");
        rig.ensureDevices(count);
        if (null == rig.server())
        {
            throw new IllegalStateException("connections measures the server's memory: it must start the server");
        }
        rig.restartServer();
        final ServerProcess server = rig.server();
        sleep(TimeUnit.SECONDS.toMillis(3));
        final long freshRss = server.residentBytes();
        final ResidentPages freshPages = ResidentPages.of(server.pid());

        // Warm the login path (JIT, table pages touched once) so the figure is about connections, not first use.
        final int warmup = Math.min(1000, Math.max(1, count / 10));
        try (LoadPoller poller = rig.newPoller(LoadListener.NONE, 256, warmup))
        {
            rig.loginAll(poller, 0, warmup, 512, TimeUnit.MINUTES.toNanos(2));
        }
        sleep(TimeUnit.SECONDS.toMillis(3));
        final long baselineRss = server.residentBytes();
        final ResidentPages baselinePages = ResidentPages.of(server.pid());
        final boolean collected = server.collectGarbage();
        sleep(TimeUnit.SECONDS.toMillis(1));
        final long baselineGcRss = server.residentBytes();

        final int perProcess = Math.max(1, settings.connectionsPerProcess);
        final int agents = (count + perProcess - 1) / perProcess;
        final List<Process> processes = new ArrayList<>();
        final List<BufferedReader> readers = new ArrayList<>();
        final Histogram login = result.series("login");
        ResidentPages loadedPages = null;
        long loggedIn = 0;
        long failed = 0;
        long slowestAgentMs = 0;
        try
        {
            final long startNs = System.nanoTime();
            for (int agent = 0; agent < agents; agent++)
            {
                final int from = agent * perProcess;
                final int slice = Math.min(perProcess, count - from);
                final List<String> command = new ArrayList<>();
                command.add(ServerProcess.javaExecutable());
                command.addAll(JvmFlags.forChild(serverHome));
                command.add("-Xmx512m");
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(ClientAgent.class.getName());
                command.add(rig.address().getHostString());
                command.add(Integer.toString(rig.address().getPort()));
                command.add(rig.dataDir().getAbsolutePath());
                command.add(Integer.toString(from));
                command.add(Integer.toString(slice));
                command.add(Integer.toString(Math.max(1, rig.sources(slice).size())));
                command.add(Integer.toString(agent));
                command.add("256");
                final Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                processes.add(process);
                readers.add(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (final BufferedReader reader : readers)
            {
                final String line = reader.readLine();
                if (null == line || !line.startsWith("ready "))
                {
                    throw new IllegalStateException("client agent failed: " + line);
                }
                final String[] fields = line.split(" ");
                loggedIn += Long.parseLong(fields[1]);
                failed += Long.parseLong(fields[2]);
                slowestAgentMs = Math.max(slowestAgentMs, Long.parseLong(fields[3]));
                login.add(decode(fields[4]));
            }
            final long allReadyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            rig.log().println("bench: " + loggedIn + " connections logged in (" + failed + " failed) in " +
                allReadyMs + " ms");
            sleep(TimeUnit.SECONDS.toMillis(5));
            final long loadedRss = server.residentBytes();
            loadedPages = ResidentPages.of(server.pid());
            rig.log().println("bench: resident growth per connection from before the first login:");
            loadedPages.printGrowth(rig.log(), freshPages, Math.max(1, loggedIn));
            rig.log().println("bench: resident growth per connection from after the warm-up logins:");
            loadedPages.printGrowth(rig.log(), baselinePages, Math.max(1, loggedIn));
            final long cpuStartNs = server.cpuTimeNs();
            final long idleStartNs = System.nanoTime();
            sleep(TimeUnit.SECONDS.toMillis(10));
            final double idleCpu = (server.cpuTimeNs() - cpuStartNs) / (double)(System.nanoTime() - idleStartNs);
            final long afterIdleRss = server.residentBytes();
            server.collectGarbage();
            sleep(TimeUnit.SECONDS.toMillis(1));
            final long loadedGcRss = server.residentBytes();

            result.figure("connections", count);
            result.figure("loggedIn", loggedIn);
            result.figure("failed", failed);
            result.figure("clientProcesses", agents);
            result.figure("loginsPerSecond", loggedIn * 1000.0 / Math.max(1, slowestAgentMs));
            result.figure("serverRssFreshBytes", freshRss);
            result.figure("serverRssBaselineBytes", baselineRss);
            result.figure("serverRssLoadedBytes", loadedRss);
            result.figure("serverRssAfterIdleBytes", afterIdleRss);
            result.figure("rssGrowthPerConnectionBytes", (loadedRss - baselineRss) / (double)Math.max(1, loggedIn));
            result.figure("rssGrowthPerConnectionFromFreshBytes",
                (loadedRss - freshRss) / (double)Math.max(1, loggedIn));
            result.figure("idleServerCpuCores", idleCpu);
            if (collected)
            {
                result.figure("serverRssBaselineAfterGcBytes", baselineGcRss);
                result.figure("serverRssLoadedAfterGcBytes", loadedGcRss);
                result.figure("rssGrowthPerConnectionAfterGcBytes",
                    (loadedGcRss - baselineGcRss) / (double)Math.max(1, loggedIn));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            for (final Process process : processes)
            {
                try
                {
                    process.getOutputStream().close();
                    if (!process.waitFor(30, TimeUnit.SECONDS))
                    {
                        process.destroyForcibly();
                    }
                }
                catch (final IOException ignore)
                {
                    process.destroyForcibly();
                }
                catch (final InterruptedException ex)
                {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (null != loadedPages)
        {
            // what closing gives back: the table pages a login touched stay resident, per-connection memory should not
            sleep(TimeUnit.SECONDS.toMillis(3));
            rig.log().println("bench: resident change per connection from all logged in to all closed:");
            ResidentPages.of(server.pid()).printGrowth(rig.log(), loadedPages, Math.max(1, loggedIn));
        }
        return result;
    }

    /**
     * N devices connect and log in at once; each login's connect-to-LoginAck time and the overall rate.
     */
    static BenchResult loginStorm(final LoadRig rig, final BenchSettings settings)
    {
        final int count = settings.connectionsOr(1000);
        final int inFlight = settings.inFlightOr(count);
        final BenchResult result = new BenchResult("login-storm", "switchboard");
        rig.ensureDevices(count);
        final Histogram login = result.series("login");
        if (settings.warmupSeconds > 0)
        {
            // Storms of the same devices first, each closed again: the measured one meets a warm server (and load
            // generator), not their JIT compilers. The first is what a restarted server meets; its rate is kept too.
            for (int storm = 0; storm < settings.warmupStorms; storm++)
            {
                try (LoadPoller warmup = rig.newPoller(LoadListener.NONE, inFlight, count))
                {
                    warmup.signedLogins(settings.signedLogins());
                    final List<LoadConnection> devices = rig.newConnections(0, count, STORM_BUFFER_LENGTH);
                    final long startNs = System.nanoTime();
                    rig.loginAll(warmup, devices, TimeUnit.MINUTES.toNanos(5));
                    if (0 == storm)
                    {
                        result.figure("coldLoginsPerSecond", count * 1e9 / (System.nanoTime() - startNs));
                    }
                }
                sleep(TimeUnit.SECONDS.toMillis(settings.warmupSeconds));
            }
        }
        final ClientAgent.LoginRecorder recorder = new ClientAgent.LoginRecorder(login);
        final StormCpu cpu = new StormCpu(null == rig.process() ? -1 : rig.process().pid());
        final ListenQueueCounters listenQueue = new ListenQueueCounters();
        try (LoadPoller poller = rig.newPoller(recorder, inFlight, count).signedLogins(settings.signedLogins()))
        {
            listenQueue.start();
            cpu.start();
            // The load generator's buffers for 10,000 devices take it tens of milliseconds: not the server's time.
            final List<LoadConnection> devices = rig.newConnections(0, count, STORM_BUFFER_LENGTH);
            final long startNs = System.nanoTime();
            rig.loginAll(poller, devices, TimeUnit.MINUTES.toNanos(5));
            final long elapsedNs = System.nanoTime() - startNs;
            cpu.stop();
            listenQueue.stop();
            listenQueue.addTo(result);
            result.figure("devices", count);
            result.figure("inFlight", inFlight);
            result.figure("loginsPerSecond", count * 1e9 / elapsedNs);
            cpu.addTo(result, count);
            result.figure("clientSignUs", signCostNs(rig.book()) / 1000.0);
            result.figure("clientSigner", DeviceSigner.implementation());
            result.figure("clientConnect", ClientConnects.description());
            result.figure("login", settings.signedLogins() ? "LoginSigned" : "LoginStart, LoginProof");
            result.figure("clientCounters", poller.counters().toMap());
        }
        result.figure("serverVersion", rig.serverVersion());
        result.figure("serverSettings", rig.serverSettings());
        return result;
    }

    /**
     * A sender queues a backlog for an offline recipient, which then logs in: how fast the backlog drains.
     */
    static BenchResult drain(final LoadRig rig, final BenchSettings settings)
    {
        final int backlog = settings.backlog;
        final BenchResult result = new BenchResult("drain", "switchboard");
        rig.ensureDevices(2);
        final DrainListener listener = new DrainListener(result.series("queued-to-delivered"));
        try (LoadPoller poller = rig.newPoller(listener, 16, 2))
        {
            final LoadConnection sender = rig.loginAll(poller, 0, 1, 64 * 1024, TimeUnit.MINUTES.toNanos(1)).get(0);
            final Device recipient = rig.book().get(1);
            listener.runStartNs = System.nanoTime();
            long queued = 0;
            final long queueStartNs = System.nanoTime();
            final long deadlineNs = queueStartNs + TimeUnit.MINUTES.toNanos(2);
            final long errorsBefore = poller.counters().errors();
            // Refused sends (QUEUE_FULL past the recipient's cap) are answered too: stop when every send is.
            while (listener.sentAcks + poller.counters().errors() - errorsBefore < backlog &&
                System.nanoTime() - deadlineNs < 0)
            {
                final long nowNs = System.nanoTime();
                // Keep at most a thousand unacknowledged sends so the server's ring is not what is measured.
                while (queued < backlog && queued - listener.sentAcks < 1000)
                {
                    if (!poller.send(sender, recipient, sender.nextClientMsgId(nowNs), nowNs, settings.payloadLength))
                    {
                        break;
                    }
                    queued++;
                }
                if (poller.poll(nowNs) == 0)
                {
                    Thread.yield();
                }
            }
            final long queueNs = System.nanoTime() - queueStartNs;
            final long stored = listener.sentAcks;

            final long loginStartNs = System.nanoTime();
            final LoadConnection reader = rig.loginAll(poller, 1, 1, 64 * 1024, TimeUnit.MINUTES.toNanos(1)).get(0);
            final long loggedInNs = System.nanoTime();
            LoadRig.pollUntil(poller, () -> listener.delivered >= stored, TimeUnit.MINUTES.toNanos(5));
            final long drainNs = listener.lastDeliverNs - loginStartNs;
            result.figure("backlog", backlog);
            result.figure("stored", stored);
            result.figure("refused", poller.counters().errors() - errorsBefore);
            result.figure("pendingAtLogin", reader.pendingCount);
            result.figure("delivered", listener.delivered);
            result.figure("queueRatePerSecond", stored * 1e9 / queueNs);
            result.figure("loginMs", (loggedInNs - loginStartNs) / 1e6);
            result.figure("drainMs", drainNs / 1e6);
            result.figure("drainRatePerSecond", listener.delivered * 1e9 / Math.max(1, drainNs));
            result.figure("clientCounters", poller.counters().toMap());
        }
        return result;
    }

    static long signCostNs(final DeviceBook book)
    {
        final DeviceSigner signer = new DeviceSigner(book.privateKey(), book.rawPublicKey());
        final byte[] nonce = new byte[32];
        final byte[] signature = new byte[DeviceSigner.SIGNATURE_LENGTH];
        final int rounds = 200;
        final long startNs = System.nanoTime();
        for (int i = 0; i < rounds; i++)
        {
            nonce[0] = (byte)i;
            signer.sign(nonce, nonce.length, signature);
        }
        return (System.nanoTime() - startNs) / rounds;
    }

    private static Histogram decode(final String base64)
    {
        try
        {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 1);
        }
        catch (final DataFormatException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Counts sent acks and deliveries of the drain run; records queued-to-delivered time.
     */
    private static final class DrainListener implements LoadListener
    {
        private final Histogram latency;
        long runStartNs;
        long sentAcks;
        long delivered;
        long lastDeliverNs;

        DrainListener(final Histogram latency)
        {
            this.latency = latency;
        }

        public void onDeliver(
            final LoadConnection to,
            final long fromUserId,
            final DirectBuffer buffer,
            final int payloadOffset,
            final int payloadLength,
            final long nowNs)
        {
            final long sentNs = payloadLength >= 8 ? buffer.getLong(payloadOffset, LITTLE_ENDIAN) : 0;
            if (sentNs - runStartNs >= 0)
            {
                delivered++;
                lastDeliverNs = nowNs;
                BenchResult.record(latency, nowNs - sentNs);
            }
        }

        public void onSentAck(final LoadConnection from, final long clientMsgId, final long nowNs)
        {
            if (clientMsgId - runStartNs >= 0)
            {
                sentAcks++;
            }
        }
    }
}
