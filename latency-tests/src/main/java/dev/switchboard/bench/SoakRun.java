package dev.switchboard.bench;

import dev.switchboard.journal.Journal;
import dev.switchboard.journal.JournalContext;
import dev.switchboard.journal.SyncPolicy;
import org.agrona.IoUtil;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One soak run under one journal sync policy: senders send to recipients through the real client SDK while the
 * server, a child JVM, is killed with SIGKILL at random moments and restarted on the same data folder and port, and
 * devices go offline (their client closed) and come back on the same store. Then everyone comes back, the run waits
 * until every device has drained, stops the server cleanly and counts what the journal still holds.
 * <p>
 * Three threads drive it besides the clients' own: the pacer (sends at a fixed rate, round robin over the senders
 * that are online, to a random recipient), the killer and the churn. The main thread waits and then drains.
 */
final class SoakRun implements AutoCloseable
{
    static final String HOST = "127.0.0.1";
    private static final long REGISTRATION_TIMEOUT_MS = 30_000;
    private static final int START_ATTEMPTS = 5;
    /** Journal record kinds as the delivery stage writes them; the correlation id of a message is its clientMsgId. */
    private static final int MESSAGE_KIND = 1;
    private static final int RECEIPT_KIND = 2;

    private final SoakSettings settings;
    private final String syncPolicy;
    private final File dir;
    private final File dataDir;
    private final PrintStream log;
    private final Random random;
    private final int port;
    private final SoakLedger ledger;
    private final List<SoakDevice> senders = new ArrayList<>();
    private final List<List<SoakDevice>> recipients = new ArrayList<>();
    private final List<SoakDevice> devices = new ArrayList<>();
    private final List<Map<String, Object>> killLog = new ArrayList<>();
    private final AtomicLong sendsSkipped = new AtomicLong();
    private final AtomicLong offlinePeriods = new AtomicLong();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    private volatile boolean sending = true;
    private volatile boolean churning = true;
    private volatile boolean killing = true;
    private volatile ServerProcess server;
    private volatile long serverUpNs;
    private volatile int kills;
    private int serverStarts;
    private int killedWithOtherStatus;

    SoakRun(final SoakSettings settings, final String syncPolicy, final File dir, final PrintStream log)
    {
        this.settings = settings;
        this.syncPolicy = syncPolicy;
        this.dir = dir.getAbsoluteFile();
        this.dataDir = new File(this.dir, "server-data");
        this.log = log;
        this.random = new Random(settings.seed ^ syncPolicy.hashCode());
        this.port = LoopbackServerProcess.freePort();
        final int[] devicesPerRecipient = new int[settings.recipients];
        for (int r = 0; r < settings.recipients; r++)
        {
            devicesPerRecipient[r] = settings.devicesOf(r);
        }
        ledger = new SoakLedger(settings.senders, devicesPerRecipient);
    }

    SoakResult run() throws Exception
    {
        IoUtil.delete(dir, true);
        final long startNs = System.nanoTime();
        startServer();
        register();

        final long sendingStartNs = System.nanoTime();
        final Thread pacer = thread("soak-pacer", this::pace);
        final Thread churn = thread("soak-churn", this::churn);
        final Thread killer = thread("soak-killer", () -> kill(sendingStartNs));
        killer.join();
        sending = false;
        pacer.join();
        churning = false;
        churn.join();
        if (null == server)
        {
            throw new IllegalStateException("soak " + syncPolicy + ": no server to drain against: " + problems);
        }
        final long sendingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sendingStartNs);
        final long sendsAtEnd = ledger.verdict().sent;
        log.printf("soak %s: %d kills, %d sends in %.1f s; draining%n",
            syncPolicy, kills, sendsAtEnd, sendingMs / 1000.0);

        final long drainStartNs = System.nanoTime();
        final boolean drained = drain();
        final long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStartNs);
        final Map<String, Object> clientFigures = clientFigures();
        for (final SoakDevice device : devices)
        {
            device.goOffline();
        }
        final int stopStatus = stopServer();
        final boolean stopLogged = Files.readString(new File(dir, "server-" + serverStarts + ".log").toPath())
            .contains("ServerCommand - stopped");
        final Map<String, Object> journalFigures = new LinkedHashMap<>();
        final Set<Long> journaledSends = new HashSet<>();
        final long journalRecords = journalRecords(journalFigures, journaledSends);

        final SoakResult result = new SoakResult(
            syncPolicy,
            kills,
            serverStarts,
            ledger.verdict(journaledSends),
            journalRecords,
            drained,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        result.details.put("sendingMs", sendingMs);
        result.details.put("drainMs", drainMs);
        result.details.put("killsWithOtherExitStatus", killedWithOtherStatus);
        result.details.put("cleanStopExitStatus", stopStatus);
        result.details.put("cleanStopLogged", stopLogged);
        result.details.put("sendRatePerSecond", settings.rateFor(syncPolicy));
        result.details.put("sendsSkipped", sendsSkipped.get());
        result.details.put("offlinePeriods", offlinePeriods.get());
        result.details.put("clients", clientFigures);
        result.details.put("journal", journalFigures);
        result.details.put("kills", killLog);
        result.details.put("problems", problems);
        result.details.put("dataDir", dataDir.getPath());
        return result;
    }

    public void close()
    {
        sending = false;
        churning = false;
        killing = false;
        for (final SoakDevice device : devices)
        {
            try
            {
                device.goOffline();
            }
            catch (final RuntimeException ex)
            {
                log.println("soak: closing " + device + ": " + ex);
            }
        }
        final ServerProcess running = server;
        if (null != running)
        {
            running.kill();
            server = null;
        }
    }

    // ---- setup ----

    private void startServer()
    {
        final List<String> options = new ArrayList<>(LoadRig.BENCH_SERVER_OPTIONS);
        options.add("-Dswitchboard.journal.sync=" + syncPolicy);
        options.addAll(settings.serverOptions);
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++)
        {
            try
            {
                serverStarts++;
                server = ServerProcess.start(
                    settings.serverClasspath,
                    settings.serverJvmFlags,
                    port,
                    dataDir,
                    settings.profile,
                    options,
                    new File(dir, "server-" + serverStarts + ".log"),
                    CpuAffinity.none());
                serverUpNs = System.nanoTime();
                return;
            }
            catch (final IllegalStateException ex)
            {
                // E.g. the port not yet free again: the log says why; try again shortly.
                failure = ex;
                problems.add("server start " + serverStarts + " failed: " + ex.getMessage());
                sleepMs(200);
            }
        }
        throw failure;
    }

    private void register() throws Exception
    {
        final File clients = new File(dir, "clients");
        final CodeBook codes = new CodeBook(dataDir);
        for (int s = 0; s < settings.senders; s++)
        {
            final String phone = String.format("+1555700%04d", s);
            final SoakDevice sender = new SoakDevice(
                SoakDevice.Role.SENDER, s, 0, phone, new File(clients, "sender-" + s), ledger, HOST, port);
            devices.add(sender);
            sender.register(codes, REGISTRATION_TIMEOUT_MS);
            senders.add(sender);
            ledger.senderUserId(s, sender.userId());
        }
        for (int r = 0; r < settings.recipients; r++)
        {
            final String phone = String.format("+1555800%04d", r);
            final List<SoakDevice> recipientDevices = new ArrayList<>();
            for (int d = 0; d < settings.devicesOf(r); d++)
            {
                final SoakDevice device = new SoakDevice(SoakDevice.Role.RECIPIENT, r, d, phone,
                    new File(clients, "recipient-" + r + "-device-" + (d + 1)), ledger, HOST, port);
                devices.add(device);
                if (0 == d)
                {
                    device.register(codes, REGISTRATION_TIMEOUT_MS);
                }
                else
                {
                    device.link(recipientDevices.get(0), REGISTRATION_TIMEOUT_MS);
                }
                if (d > 0 && device.userId() != recipientDevices.get(0).userId())
                {
                    throw new IllegalStateException(device + " was registered as another user");
                }
                recipientDevices.add(device);
            }
            recipients.add(recipientDevices);
        }
    }

    // ---- the three drivers ----

    private void pace()
    {
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / settings.rateFor(syncPolicy);
        final Random paceRandom = new Random(random.nextLong());
        final long[][] sequences = new long[settings.senders][settings.recipients];
        long nextNs = System.nanoTime();
        int turn = 0;
        while (sending)
        {
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0)
            {
                LockSupport.parkNanos(waitNs);
                continue;
            }
            nextNs += intervalNs;
            final int recipient = paceRandom.nextInt(settings.recipients);
            final long toUserId = recipients.get(recipient).get(0).userId();
            boolean sent = false;
            for (int tries = 0; tries < settings.senders && !sent; tries++)
            {
                final int sender = turn++ % settings.senders;
                if (senders.get(sender).pendingSends() >= settings.maxPendingPerSender)
                {
                    continue;
                }
                final long sequence = sequences[sender][recipient] + 1;
                final byte[] payload = SoakLedger.payload(sender, recipient, sequence, System.currentTimeMillis());
                final long clientMsgId = senders.get(sender).send(toUserId, payload);
                if (0 != clientMsgId)
                {
                    sequences[sender][recipient] = sequence;
                    ledger.sent(sender, clientMsgId, recipient, sequence);
                    sent = true;
                }
            }
            if (!sent)
            {
                sendsSkipped.incrementAndGet();
            }
        }
    }

    private void churn()
    {
        final Random churnRandom = new Random(random.nextLong());
        final long[] backAtNs = new long[devices.size()];
        final int maxOffline = Math.max(1, devices.size() / 3);
        int offline = 0;
        while (churning)
        {
            sleepMs(settings.churnIntervalMs / 2 + (long)(churnRandom.nextDouble() * settings.churnIntervalMs));
            final long nowNs = System.nanoTime();
            for (int i = 0; i < devices.size(); i++)
            {
                if (0 != backAtNs[i] && backAtNs[i] - nowNs <= 0)
                {
                    devices.get(i).goOnline();
                    backAtNs[i] = 0;
                    offline--;
                }
            }
            final int pick = churnRandom.nextInt(devices.size());
            if (churning && offline < maxOffline && 0 == backAtNs[pick])
            {
                devices.get(pick).goOffline();
                offlinePeriods.incrementAndGet();
                offline++;
                backAtNs[pick] = System.nanoTime() +
                    TimeUnit.MILLISECONDS.toNanos(100 + (long)(churnRandom.nextDouble() * settings.maxOfflineMs));
            }
        }
    }

    /**
     * Kill the server at random moments while clients are back and sending: each kill waits until every running
     * client has logged in again (so resend bursts and steady traffic are hit, not an empty server), then a random
     * delay between {@code minUpMs} and {@code minUpMs + durationMs / kills}.
     */
    private void kill(final long startNs)
    {
        final Random killRandom = new Random(random.nextLong());
        final long durationNs = TimeUnit.MILLISECONDS.toNanos(settings.durationMs);
        final long spreadMs = Math.max(settings.minUpMs, settings.durationMs / Math.max(1, settings.kills));
        while (killing)
        {
            if (kills >= settings.kills)
            {
                if (System.nanoTime() - startNs >= durationNs)
                {
                    return;
                }
                // Every kill is done: send on until the duration is over.
                sleepMs(10);
                continue;
            }
            final long clientsBackMs = awaitClientsLoggedIn();
            final long delayNs = TimeUnit.MILLISECONDS.toNanos(
                settings.minUpMs + (long)(killRandom.nextDouble() * spreadMs));
            final long atNs = System.nanoTime() + delayNs;
            while (killing && atNs - System.nanoTime() > 0)
            {
                LockSupport.parkNanos(Math.min(atNs - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(10)));
            }
            if (!killing)
            {
                return;
            }
            final int pendingAtKill = pendingSends();
            final long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - serverUpNs);
            final int status = settings.gracefulStops ? server.stopGracefully() : server.kill();
            server = null;
            kills++;
            if ((settings.gracefulStops ? 0 : 137) != status)
            {
                killedWithOtherStatus++;
            }
            final long killedNs = System.nanoTime();
            startServer();
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("atMs", TimeUnit.NANOSECONDS.toMillis(killedNs - startNs));
            entry.put("upMs", upMs);
            entry.put("clientsBackAfterMs", clientsBackMs);
            entry.put("exitStatus", status);
            entry.put("pendingSendsAtKill", pendingAtKill);
            entry.put("restartMs", TimeUnit.NANOSECONDS.toMillis(serverUpNs - killedNs));
            killLog.add(entry);
        }
    }

    /**
     * Wait (up to 15 s) until every client that is running has logged in to the current server; returns how long
     * after the server started that was.
     */
    private long awaitClientsLoggedIn()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (killing && System.nanoTime() - deadlineNs < 0)
        {
            boolean all = true;
            for (final SoakDevice device : devices)
            {
                all &= device.isLoggedIn() || !device.isOnline();
            }
            if (all)
            {
                break;
            }
            sleepMs(5);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - serverUpNs);
    }

    // ---- the end ----

    private boolean drain()
    {
        for (final SoakDevice device : devices)
        {
            device.goOnline();
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.drainTimeoutMs);
        final long quietNs = TimeUnit.MILLISECONDS.toNanos(settings.quietMs);
        while (true)
        {
            final long nowNs = System.nanoTime();
            boolean ready = ledger.isComplete();
            long lastActivityNs = 0;
            for (final SoakDevice device : devices)
            {
                ready &= device.isLoggedIn() &&
                    (SoakDevice.Role.RECIPIENT == device.role() || 0 == device.pendingSends());
                lastActivityNs = 0 == lastActivityNs || device.lastActivityNs() - lastActivityNs > 0 ?
                    device.lastActivityNs() : lastActivityNs;
            }
            if (ready && nowNs - lastActivityNs >= quietNs)
            {
                return true;
            }
            if (nowNs - deadlineNs > 0)
            {
                problems.add("drain timed out: complete " + ledger.isComplete() + ", pending sends " +
                    pendingSends() + ", logged in " + loggedIn() + " of " + devices.size());
                return false;
            }
            sleepMs(50);
        }
    }

    private int stopServer()
    {
        final ServerProcess running = server;
        server = null;
        running.close();
        return running.exitStatus();
    }

    /**
     * Open the journal the server left after its clean stop and count the records it still holds.
     */
    private long journalRecords(final Map<String, Object> figures, final Set<Long> journaledSends)
    {
        final long[] byKind = new long[4];
        final List<String> examples = new ArrayList<>();
        try (Journal journal = Journal.open(new JournalContext()
            .dataDir(new File(dataDir, "journal"))
            .syncPolicy(SyncPolicy.NONE)))
        {
            journal.forEachRecord((recipientUserId, recipientDeviceId, messageId, senderUserId, senderDeviceId,
                correlationId, timestampMs, kind, buffer, offset, length) ->
            {
                byKind[Math.min(kind, byKind.length - 1)]++;
                final int sender = ledger.senderIndexOf(senderUserId);
                if (MESSAGE_KIND == kind && sender >= 0)
                {
                    journaledSends.add(SoakLedger.sendRef(sender, correlationId));
                }
                if (examples.size() < 10)
                {
                    examples.add("kind " + kind + " id " + messageId + " for " + recipientUserId + ":" +
                        recipientDeviceId + " from " + senderUserId + ":" + senderDeviceId + " correlation " +
                        correlationId);
                }
                return true;
            });
            figures.put("liveEntries", journal.counters().liveEntries());
            figures.put("messageRecords", byKind[MESSAGE_KIND]);
            figures.put("receiptRecords", byKind[RECEIPT_KIND]);
            figures.put("otherRecords", byKind[0] + byKind[3]);
            figures.put("recipients", journal.counters().recipientCount());
            figures.put("segments", journal.counters().segmentCount());
            figures.put("examples", examples);
        }
        return byKind[0] + byKind[1] + byKind[2] + byKind[3];
    }

    private Map<String, Object> clientFigures()
    {
        long duplicatesDropped = 0;
        long disconnects = 0;
        long goodbyes = 0;
        long opens = 0;
        final Map<String, Long> retried = new LinkedHashMap<>();
        for (final SoakDevice device : devices)
        {
            duplicatesDropped += device.sdkDuplicatesDropped();
            disconnects += device.disconnects();
            goodbyes += device.goodbyes();
            opens += device.opens();
            device.retriedSendErrors().forEach((code, count) -> retried.merge(code.name(), count.get(), Long::sum));
        }
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("devices", devices.size());
        map.put("clientOpens", opens);
        map.put("connectionsLost", disconnects);
        map.put("goodbyes", goodbyes);
        map.put("sdkDuplicatesDropped", duplicatesDropped);
        map.put("sendErrorsRetried", retried);
        map.put("pendingSendsAtEnd", pendingSends());
        return map;
    }

    private int pendingSends()
    {
        int pending = 0;
        for (final SoakDevice sender : senders)
        {
            pending += sender.pendingSends();
        }
        return pending;
    }

    private int loggedIn()
    {
        int count = 0;
        for (final SoakDevice device : devices)
        {
            count += device.isLoggedIn() ? 1 : 0;
        }
        return count;
    }

    private Thread thread(final String name, final Runnable body)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final RuntimeException ex)
            {
                problems.add(name + " failed: " + ex);
                log.println("soak: " + name + " failed: " + ex);
                ex.printStackTrace(log);
                sending = false;
                churning = false;
                killing = false;
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void sleepMs(final long ms)
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

}
