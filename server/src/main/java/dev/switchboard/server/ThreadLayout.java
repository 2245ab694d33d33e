package dev.switchboard.server;

import dev.switchboard.edge.EdgeContext;
import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.ring.RingContext;

import java.util.concurrent.TimeUnit;

/**
 * How the server's agents map onto threads, chosen from the host's cores and the profile; an operator overrides it
 * with {@value #PROP_NAME}.
 * <ul>
 * <li>{@code duty-cycle}: one thread polls the selector, publishes into the ring, runs the stages through an
 * EventPoller and writes, then blocks in the selector when there is nothing to do (or spins, when the edge's idle
 * strategy spins: the latency profile). Nothing has to wake anything; one poller. For hosts with few cores, where a
 * second busy thread would take the core the kernel and the clients need.</li>
 * <li>{@code threads}: pollers and stages on their own threads, each waiting its own way (for big hosts).</li>
 * </ul>
 * The acceptor blocks on its own thread whenever pollers block in their selectors (it only wakes on a connect), except
 * on one CPU, where it runs on poller 0's thread and that poller's selector wakes it.
 */
final class ThreadLayout
{
    static final String PROP_NAME = "switchboard.layout";
    static final String AUTO = "auto";
    static final String DEFAULT = AUTO;
    static final String DUTY_CYCLE = "duty-cycle";
    static final String THREADS = "threads";
    /** Below this many cores, {@value #AUTO} chooses {@value #DUTY_CYCLE}. */
    static final int THREADS_MIN_CORES = 4;
    /** A blocked duty cycle wakes at least this often: the ring's housekeeping tick is due. */
    static final long DUTY_CYCLE_SELECT_TIMEOUT_NS = RingConfiguration.TICK_INTERVAL_DEFAULT_NS;

    private final String requested;
    private final int cores;
    private final boolean dutyCycle;
    private final boolean spinning;
    private final DutyThreadScheduling scheduling;

    private ThreadLayout(final String requested, final int cores, final String idleStrategy)
    {
        this.requested = requested;
        this.cores = cores;
        switch (requested)
        {
            case AUTO:
                dutyCycle = cores < THREADS_MIN_CORES;
                break;
            case DUTY_CYCLE:
                dutyCycle = true;
                break;
            case THREADS:
                dutyCycle = false;
                break;
            default:
                throw new IllegalArgumentException(
                    "unknown " + PROP_NAME + " '" + requested + "' (auto, duty-cycle, threads)");
        }
        spinning = IdleStrategies.spins(idleStrategy);
        scheduling = DutyThreadScheduling.fromSystemProperties(dutyCycle, spinning);
    }

    /**
     * The layout the system properties (a profile, then -D) ask for on this host.
     */
    static ThreadLayout fromSystemProperties()
    {
        return new ThreadLayout(
            System.getProperty(PROP_NAME, DEFAULT).trim(),
            Runtime.getRuntime().availableProcessors(),
            IdleStrategies.nameFromSystemProperty());
    }

    boolean isDutyCycle()
    {
        return dutyCycle;
    }

    /**
     * Whether and how the duty-cycle thread goes into the real-time class.
     */
    DutyThreadScheduling dutyThreadScheduling()
    {
        return scheduling;
    }

    /**
     * Set the ring's side: stages on the caller's duty cycle, which then publishes its own ticks.
     */
    RingContext applyTo(final RingContext ctx)
    {
        return ctx.dutyCycle(dutyCycle).tickIntervalNs(dutyCycle ? RingConfiguration.TICK_INTERVAL_DEFAULT_NS : 0);
    }

    /**
     * Set the edge's side: a duty cycle has one poller, which blocks in its selector unless the profile spins, and in
     * the real-time class blocks at once, without a reply wait ({@link DutyThreadScheduling}).
     */
    EdgeContext applyTo(final EdgeContext ctx)
    {
        if (dutyCycle)
        {
            ctx.pollerCount(1);
            if (!spinning && 0 == ctx.selectTimeoutNs())
            {
                ctx.selectTimeoutNs(DUTY_CYCLE_SELECT_TIMEOUT_NS);
            }
        }
        if (scheduling.isRequested())
        {
            ctx.replyWaitNs(0);
        }
        return ctx;
    }

    /**
     * One line for the start-up log, after {@link #applyTo(EdgeContext)}.
     */
    String describe(final EdgeContext edge, final RingContext ring)
    {
        final String idle = IdleStrategies.nameFromSystemProperty();
        final StringBuilder line = new StringBuilder("threads: layout ")
            .append(dutyCycle ? DUTY_CYCLE : THREADS)
            .append(" (").append(PROP_NAME).append('=').append(requested)
            .append(", ").append(cores).append(" cores): ");
        final boolean blockingSelect = 0 != edge.selectTimeoutNs();
        if (dutyCycle)
        {
            line.append("one thread runs poller 0 and the session, route and delivery stages, ")
                .append(blockingSelect ?
                    "blocking in its selector when idle (wakes at least every " +
                    TimeUnit.NANOSECONDS.toMillis(edge.selectTimeoutNs()) + " ms)" +
                    replyWait(edge) :
                    "idling by " + idle + " (spins)");
        }
        else
        {
            line.append(edge.pollerCount()).append(" poller thread(s) ")
                .append(blockingSelect ? "blocking in their selectors" : "idling by " + idle)
                .append("; stages ").append(ring.fused() ? "fused on one thread" : "on three threads")
                .append(" waiting by ").append(ring.waitStrategy());
        }
        line.append(!blockingSelect ? "; acceptor shares poller 0's thread" : edge.acceptorThread() ?
            "; acceptor blocks on its own thread" :
            "; acceptor runs on poller 0's thread, woken by its selector" + (1 == cores ?
            " (one CPU, where an acceptor thread would only add hand-offs)" : ""));
        line.append(ring.loginVerifierThread() ?
            "; login signatures verified on their own thread, parked when idle," :
            "; login signatures verified inline by the session stage" + (1 == cores ?
            " (one CPU, where a verifier thread would only add hand-offs)," : ","))
            .append(" by ").append(RingConfiguration.loginSignaturesVerifiedBy(ring.loginSignatures()));
        line.append(scheduling.describe());
        return line.toString();
    }

    private static String replyWait(final EdgeContext edge)
    {
        return 0 == edge.replyWaitNs() ? ", never polling for replies" :
            ", polling up to " + TimeUnit.NANOSECONDS.toMicros(edge.replyWaitNs()) + " us for the acks of deliveries";
    }
}
