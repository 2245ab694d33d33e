package dev.switchboard.server;

import dev.switchboard.codec.MaxFrame;
import dev.switchboard.edge.Edge;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.journal.Journal;
import dev.switchboard.journal.JournalContext;
import dev.switchboard.ring.CodeSender;
import dev.switchboard.ring.RingContext;
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
    static final long TICK_INTERVAL_MS = 100;

    private final File dataDir;
    private final SwitchboardState state;
    private final Journal journal;
    private final AutoCloseable codeSenderResource;
    private final RingPipeline ring;
    private final Edge edge;
    private final ScheduledExecutorService ticker;

    private SwitchboardServer(
        final File dataDir, final EdgeContext edgeContext, final PrintStream log, final CodeSender customCodeSender)
    {
        this.dataDir = dataDir;
        SwitchboardState state = null;
        Journal journal = null;
        DevelopmentCodeSender codeSender = null;
        RingPipeline ring = null;
        Edge edge = null;
        ScheduledExecutorService ticker = null;
        try
        {
            if (!dataDir.isDirectory() && !dataDir.mkdirs())
            {
                throw new IllegalStateException("cannot create data folder " + dataDir);
            }
            final int maxFrameLength = MaxFrame.maxFrameLength();
            state = SwitchboardState.open(new StateContext().dataDir(new File(dataDir, "state")));
            journal = Journal.open(new JournalContext()
                .dataDir(new File(dataDir, "journal"))
                .maxPayloadLength(maxFrameLength + 256));
            if (null == customCodeSender)
            {
                codeSender = new DevelopmentCodeSender(dataDir, log);
            }

            final EdgeRingBridge bridge = new EdgeRingBridge();
            ring = RingPipeline.launch(new RingContext()
                .state(state)
                .journal(journal)
                .outbound(bridge)
                .codeSender(null == customCodeSender ? codeSender : customCodeSender)
                .maxFrameLength(maxFrameLength));
            edge = new Edge(
                edgeContext.maxFrameLength(maxFrameLength).idleStrategySupplier(IdleStrategies.fromSystemProperty()),
                bridge,
                Throwable::printStackTrace);
            bridge.connect(ring.publisher(), edge);
            edge.start();

            ticker = Executors.newSingleThreadScheduledExecutor(runnable ->
            {
                final Thread thread = new Thread(runnable, "sb-ticker");
                thread.setDaemon(true);
                return thread;
            });
            final RingPipeline tickTarget = ring;
            ticker.scheduleAtFixedRate(
                () -> tickTarget.publisher().publishTick(), TICK_INTERVAL_MS, TICK_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
        catch (final RuntimeException ex)
        {
            if (null != ticker)
            {
                ticker.shutdownNow();
            }
            CloseHelper.quietCloseAll(edge, ring, codeSender, journal, state);
            throw ex;
        }
        this.state = state;
        this.journal = journal;
        this.codeSenderResource = codeSender;
        this.ring = ring;
        this.edge = edge;
        this.ticker = ticker;
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

    /**
     * Stop accepting and reading, let the ring finish what it holds, then flush the journal and close the maps.
     */
    public void close()
    {
        ticker.shutdownNow();
        CloseHelper.closeAll(edge, ring, codeSenderResource, journal, state);
    }
}
