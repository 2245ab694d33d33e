package dev.switchboard.server;

import dev.switchboard.codec.MaxFrame;
import dev.switchboard.edge.Edge;
import dev.switchboard.edge.EdgeConfiguration;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.journal.Journal;
import dev.switchboard.journal.JournalContext;
import dev.switchboard.journal.RecoveryReport;
import dev.switchboard.ring.CodeSender;
import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.ring.RingContext;
import dev.switchboard.ring.RingDutyCycle;
import dev.switchboard.ring.RingPipeline;
import dev.switchboard.state.StateContext;
import dev.switchboard.state.SwitchboardState;
import org.agrona.CloseHelper;

import java.io.File;
import java.io.PrintStream;
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

    private final File dataDir;
    private final SwitchboardState state;
    private final Journal journal;
    private final AutoCloseable codeSenderResource;
    private final RingPipeline ring;
    private final Edge edge;
    private final ScheduledExecutorService ticker;
    private final ServerCounters counters;
    private final ServerErrors errors;

    private SwitchboardServer(
        final File dataDir, final EdgeContext edgeContext, final PrintStream log, final CodeSender customCodeSender)
    {
        this.dataDir = dataDir;
        final ServerErrors errors = new ServerErrors(log);
        SwitchboardState state = null;
        Journal journal = null;
        DevelopmentCodeSender codeSender = null;
        RingPipeline ring = null;
        Edge edge = null;
        ScheduledExecutorService ticker = null;
        ServerCounters counters = null;
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
                codeSender = new DevelopmentCodeSender(dataDir, log);
            }

            final ThreadLayout layout = ThreadLayout.fromSystemProperties();
            final EdgeRingBridge bridge = new EdgeRingBridge();
            final RingContext ringContext = layout.applyTo(new RingContext());
            if (null == ringContext.calls().turnSecret())
            {
                ringContext.calls().turnSecret(TurnSecret.loadOrCreate(dataDir));
            }
            ring = RingPipeline.launch(ringContext
                .state(state)
                .journal(journal)
                .outbound(bridge)
                .codeSender(null == customCodeSender ? codeSender : customCodeSender)
                .errorHandler(errors)
                .countersManager(counters.manager())
                .maxFrameLength(maxFrameLength));
            logRecovery(log, journal.recoveryReport());
            edge = new Edge(
                layout.applyTo(edgeContext)
                    .countersManager(counters.manager())
                    .maxFrameLength(maxFrameLength)
                    .idleStrategySupplier(IdleStrategies.fromSystemProperty()),
                bridge,
                errors);
            printEdgeLayout(edgeContext, log);
            log.println(layout.describe(edgeContext, ringContext));
            bridge.connect(ring.publisher(), edge);
            final RingDutyCycle dutyCycle = ring.dutyCycle();
            edge.start(dutyCycle, null == dutyCycle ? null : dutyCycle::hasPendingEvents);
            if (null != dutyCycle)
            {
                ring.afterLoginVerdicts(edge::wakeCoAgent);
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
            CloseHelper.quietCloseAll(edge, ring, codeSender, journal, state);
            errors.detach();
            CloseHelper.quietClose(counters);
            throw ex;
        }
        this.state = state;
        this.journal = journal;
        this.codeSenderResource = codeSender;
        this.ring = ring;
        this.edge = edge;
        this.ticker = ticker;
        this.counters = counters;
        this.errors = errors;
    }

    /**
     * One line on the edge's limits; a connection limit above what the open-file limit allows was lowered, and says so.
     */
    private static void printEdgeLayout(final EdgeContext ctx, final PrintStream log)
    {
        if (ctx.isMaxConnectionsCapped())
        {
            log.println("switchboard: warning: " + EdgeConfiguration.MAX_CONNECTIONS_PROP_NAME + " " +
                ctx.requestedMaxConnections() + " lowered to " + ctx.maxConnections() +
                " to stay below the open-file limit of " + ctx.maxFileDescriptors() + " (raise ulimit -n for more)");
        }
        log.println("switchboard: edge: " + ctx.pollerCount() + " poller(s), max connections " + ctx.maxConnections() +
            (ctx.maxFileDescriptors() > 0 ? " (open-file limit " + ctx.maxFileDescriptors() + ", " +
            ctx.fdReserve() + " kept free)" : "") + ", max frame " + ctx.maxFrameLength() + " bytes, login timeout " +
            TimeUnit.NANOSECONDS.toMillis(ctx.loginTimeoutNs()) + " ms, frame timeout " +
            TimeUnit.NANOSECONDS.toMillis(ctx.frameTimeoutNs()) + " ms");
    }

    /**
     * Open the data folder, recover state and journal, start the ring and the edge.
     */
    public static SwitchboardServer launch(final File dataDir, final EdgeContext edgeContext, final PrintStream log)
    {
        return new SwitchboardServer(dataDir, edgeContext, log, null);
    }

    /**
     * As {@link #launch(File, EdgeContext, PrintStream)} with registration codes sent by the given sender.
     */
    public static SwitchboardServer launch(
        final File dataDir, final EdgeContext edgeContext, final PrintStream log, final CodeSender codeSender)
    {
        return new SwitchboardServer(dataDir, edgeContext, log, codeSender);
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

    /** Where the server's threads report errors: the distinct error log in the counters file. */
    ServerErrors errors()
    {
        return errors;
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
            CloseHelper.closeAll(edge, ring, codeSenderResource, journal, state);
        }
        finally
        {
            // After the ring drained: the file keeps the final values, marked stopped, for a last stat.
            errors.detach();
            counters.close();
        }
    }

    private static void logRecovery(final PrintStream log, final RecoveryReport report)
    {
        log.println("switchboard: journal recovered " + report.liveEntries() + " undelivered entries and " +
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
