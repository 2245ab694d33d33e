package dev.switchboard.server;

import dev.switchboard.codec.MaxFrame;
import dev.switchboard.edge.Edge;
import dev.switchboard.edge.EdgeConfiguration;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.journal.Journal;
import dev.switchboard.journal.JournalContext;
import dev.switchboard.journal.RecoveryReport;
import dev.switchboard.media.MediaConfiguration;
import dev.switchboard.media.MediaContext;
import dev.switchboard.media.MediaService;
import dev.switchboard.ring.CodeSender;
import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.ring.RingContext;
import dev.switchboard.ring.RingDutyCycle;
import dev.switchboard.ring.RingPipeline;
import dev.switchboard.state.StateContext;
import dev.switchboard.state.SwitchboardState;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: state, journal, ring and edge, started in that order and closed in reverse.
 */
public final class SwitchboardServer implements AutoCloseable
{
    /** Housekeeping events (code and journal expiry, stuck readers) are published this often. */
    static final long TICK_INTERVAL_MS = TimeUnit.NANOSECONDS.toMillis(RingConfiguration.TICK_INTERVAL_DEFAULT_NS);
    private static final long TICKER_STOP_TIMEOUT_MS = 1_000;
    private static final long GOODBYE_POLL_MS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(SwitchboardServer.class);

    private final File dataDir;
    private final SwitchboardState state;
    private final Journal journal;
    private final AutoCloseable codeSenderResource;
    private final RingPipeline ring;
    private final Edge edge;
    private final MediaService media;
    private final ScheduledExecutorService ticker;
    private final ServerCounters counters;
    private final ServerErrors errors;
    private final String edgeDescription;
    private final String layoutDescription;
    private final MetricsEndpoint metrics;
    private final PushNotifications push;

    private SwitchboardServer(
        final File dataDir,
        final EdgeContext edgeContext,
        final CodeSender customCodeSender,
        final MediaContext mediaContext)
    {
        this.dataDir = dataDir;
        final ServerErrors errors = new ServerErrors();
        SwitchboardState state = null;
        Journal journal = null;
        DevelopmentCodeSender codeSender = null;
        RingPipeline ring = null;
        Edge edge = null;
        MediaService media = null;
        ScheduledExecutorService ticker = null;
        ServerCounters counters = null;
        String edgeDescription = null;
        String layoutDescription = null;
        MetricsEndpoint metrics = null;
        PushNotifications push = null;
        try
        {
            if (!dataDir.isDirectory() && !dataDir.mkdirs())
            {
                throw new IllegalStateException("cannot create data folder " + dataDir);
            }
            // First: every module allocates its counters from it, and start-up errors go to its error log.
            counters = new ServerCounters(dataDir);
            errors.errorLog(counters.errorLog());
            final int maxFrameLength = MaxFrame.maxFrameLength();
            state = SwitchboardState.open(new StateContext().dataDir(new File(dataDir, "state")));
            journal = Journal.open(new JournalContext()
                .dataDir(new File(dataDir, "journal"))
                .maxPayloadLength(maxFrameLength + 256)
                .countersManager(counters.manager())
                .errorHandler(errors));
            if (null == customCodeSender)
            {
                codeSender = new DevelopmentCodeSender(dataDir);
            }

            push = PushNotifications.fromSystemProperties(counters.manager());
            if (null != push)
            {
                push.start(state.newDevices(), errors);
            }

            // Before the ring: its tickets carry the media service's port and are signed with its secret.
            media = MediaLauncher.launch(dataDir, mediaContext, counters.manager(), errors);

            final ThreadLayout layout = ThreadLayout.fromSystemProperties();
            final EdgeRingBridge bridge = new EdgeRingBridge();
            final RingContext ringContext = MediaLauncher.applyTo(media, layout.applyTo(new RingContext()));
            if (null != push)
            {
                ringContext.calls().pushGateway(push.callPushGateway());
            }
            if (null == ringContext.calls().turnSecret())
            {
                ringContext.calls().turnSecret(TurnSecret.loadOrCreate(dataDir));
            }
            ring = RingPipeline.launch(ringContext
                .state(state)
                .journal(journal)
                .outbound(bridge)
                .codeSender(null == customCodeSender ? codeSender : customCodeSender)
                .offlineDeliveryListener(null == push ? null : push.listener())
                .errorHandler(errors)
                .countersManager(counters.manager())
                .maxFrameLength(maxFrameLength));
            logRecovery(journal.recoveryReport());
            edge = new Edge(
                layout.applyTo(edgeContext)
                    .countersManager(counters.manager())
                    .maxFrameLength(maxFrameLength)
                    .idleStrategySupplier(IdleStrategies.fromSystemProperty()),
                bridge,
                errors);
            edgeDescription = logEdgeLayout(edgeContext);
            layoutDescription = layout.describe(edgeContext, ringContext);
            LOG.info(layoutDescription);
            bridge.connect(ring.publisher(), edge);
            final RingDutyCycle dutyCycle = ring.dutyCycle();
            if (null == dutyCycle)
            {
                edge.start();
            }
            else
            {
                edge.start(
                    layout.dutyThreadScheduling().onStartOf(dutyCycle),
                    dutyCycle::hasPendingEvents,
                    dutyCycle::awaitsReplies);
            }
            if (null != dutyCycle)
            {
                ring.afterLoginVerdicts(edge::wakeCoAgent);
            }

            metrics = MetricsEndpoint.fromSystemProperties(counters.manager());
            if (null != metrics)
            {
                LOG.info("metrics: Prometheus text on http://{}:{}{}",
                    System.getProperty(MetricsEndpoint.BIND_PROP_NAME, MetricsEndpoint.BIND_DEFAULT), metrics.port(),
                    MetricsEndpoint.PATH);
            }

            if (!layout.isDutyCycle())
            {
                // Stage threads have no duty cycle of their own to publish the housekeeping tick.
                ticker = Executors.newSingleThreadScheduledExecutor(runnable ->
                {
                    final Thread thread = new Thread(runnable, "sb-ticker");
                    thread.setDaemon(true);
                    return thread;
                });
                final RingPipeline tickTarget = ring;
                ticker.scheduleAtFixedRate(
                    () -> tickTarget.publisher().publishTick(),
                    TICK_INTERVAL_MS,
                    TICK_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
            }
        }
        catch (final RuntimeException ex)
        {
            if (null != ticker)
            {
                ticker.shutdownNow();
            }
            CloseHelper.quietCloseAll(metrics, edge, ring, media, push, codeSender, journal, state);
            errors.detach();
            CloseHelper.quietClose(counters);
            throw ex;
        }
        this.state = state;
        this.journal = journal;
        this.codeSenderResource = codeSender;
        this.ring = ring;
        this.edge = edge;
        this.media = media;
        this.ticker = ticker;
        this.counters = counters;
        this.errors = errors;
        this.edgeDescription = edgeDescription;
        this.layoutDescription = layoutDescription;
        this.metrics = metrics;
        this.push = push;
    }

    /**
     * One line on the edge's limits; a connection limit above what the open-file limit allows was lowered, and says so.
     */
    private static String logEdgeLayout(final EdgeContext ctx)
    {
        if (ctx.isMaxConnectionsCapped())
        {
            LOG.warn(EdgeConfiguration.MAX_CONNECTIONS_PROP_NAME + " " +
                ctx.requestedMaxConnections() + " lowered to " + ctx.maxConnections() +
                " to stay below the open-file limit of " + ctx.maxFileDescriptors() + " (raise ulimit -n for more)");
        }
        final String line = "edge: " + ctx.pollerCount() + " poller(s), max connections " + ctx.maxConnections() +
            (ctx.maxFileDescriptors() > 0 ? " (open-file limit " + ctx.maxFileDescriptors() + ", " +
            ctx.fdReserve() + " kept free)" : "") + ", max frame " + ctx.maxFrameLength() + " bytes, login timeout " +
            TimeUnit.NANOSECONDS.toMillis(ctx.loginTimeoutNs()) + " ms, frame timeout " +
            TimeUnit.NANOSECONDS.toMillis(ctx.frameTimeoutNs()) + " ms, " +
            (ctx.tlsEnabled() ? "TLSv1.3 (certificate " + ctx.tlsCertificateFile() + ")" : "plaintext (no TLS)") + ", " +
            ctx.socketWritesDescription() + ", " + ctx.acceptDescription();
        LOG.info(line);
        return line;
    }

    /**
     * Open the data folder, recover state and journal, start the ring and the edge.
     */
    public static SwitchboardServer launch(final File dataDir, final EdgeContext edgeContext)
    {
        return new SwitchboardServer(dataDir, edgeContext, null, null);
    }

    /**
     * As {@link #launch(File, EdgeContext)} with registration codes sent by the given sender.
     */
    public static SwitchboardServer launch(
        final File dataDir, final EdgeContext edgeContext, final CodeSender codeSender)
    {
        return new SwitchboardServer(dataDir, edgeContext, codeSender, null);
    }

    /**
     * As {@link #launch(File, EdgeContext, CodeSender)} with this media service (always started, port 0: any free
     * port) instead of the one {@link MediaConfiguration#PORT_PROP_NAME} asks for.
     */
    public static SwitchboardServer launch(
        final File dataDir,
        final EdgeContext edgeContext,
        final CodeSender codeSender,
        final MediaContext mediaContext)
    {
        return new SwitchboardServer(dataDir, edgeContext, codeSender, mediaContext);
    }

    /** The start-up line on the edge's pollers and limits. */
    String edgeDescription()
    {
        return edgeDescription;
    }

    /** The start-up line on how the agents map onto threads. */
    String layoutDescription()
    {
        return layoutDescription;
    }

    /** Port of the Prometheus endpoint, or 0 when it is off. */
    public int metricsPort()
    {
        return null == metrics ? 0 : metrics.port();
    }

    public int port()
    {
        return edge.boundPort();
    }

    public File dataDir()
    {
        return dataDir;
    }

    public RingPipeline ring()
    {
        return ring;
    }

    public Edge edge()
    {
        return edge;
    }

    /** The media service; null when it is off. */
    public MediaService media()
    {
        return media;
    }

    /** Where the server's threads report errors: the distinct error log in the counters file. */
    ServerErrors errors()
    {
        return errors;
    }

    /**
     * Shut down gracefully: stop accepting, tell every connected client Goodbye with a retry hint behind the output
     * already queued for it, wait up to the timeout for the clients to take it and go, then {@link #close()}.
     *
     * @param timeoutNs    how long to wait for the connections to go; those left are closed.
     * @param retryAfterMs the hint in the Goodbye: clients reconnect no sooner than this.
     * @return the connections still open at the deadline, closed without waiting further.
     */
    public int closeGracefully(final long timeoutNs, final long retryAfterMs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final int connections = edge.openConnections();
        edge.sayGoodbye(retryAfterMs);
        LOG.info("shutdown: listener closed; telling {} connection(s) Goodbye (retry after {} ms), waiting up to {} ms",
            connections, retryAfterMs, TimeUnit.NANOSECONDS.toMillis(timeoutNs));
        int open;
        while ((open = edge.openConnections()) > 0 && System.nanoTime() - deadlineNs < 0)
        {
            try
            {
                Thread.sleep(GOODBYE_POLL_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (open > 0)
        {
            LOG.warn("shutdown: {} connection(s) still open at the deadline, closing them", open);
        }
        close();
        return open;
    }

    /**
     * Stop accepting and reading, let the ring finish what it holds, then flush the journal and close the maps.
     */
    public void close()
    {
        if (null != ticker)
        {
            ticker.shutdownNow();
            stopped(ticker);
        }
        try
        {
            CloseHelper.closeAll(metrics, edge, ring, media, push, codeSenderResource, journal, state);
        }
        finally
        {
            // After the ring drained: the file keeps the final values, marked stopped, for a last stat.
            errors.detach();
            counters.close();
        }
    }

    private static void logRecovery(final RecoveryReport report)
    {
        LOG.info("journal recovered " + report.liveEntries() + " undelivered entries and " +
            report.resendEntries() + " resend-dedupe entries (" + report.heldSends() + " more held in memory, " +
            report.resendTornSlots() + " torn slots" + (report.resendLogReset() ? ", resend log replaced" : "") +
            ") in " + TimeUnit.NANOSECONDS.toMillis(report.durationNs()) + " ms" +
            (report.isClean() ? "" : "; " + report));
    }

    private static boolean stopped(final ScheduledExecutorService ticker)
    {
        try
        {
            return ticker.awaitTermination(TICKER_STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
