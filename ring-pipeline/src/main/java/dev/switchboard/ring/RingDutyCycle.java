package dev.switchboard.ring;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.Cursored;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/**
 * The stages as an agent: each {@link #doWork()} runs every published event through session, route and delivery on
 * the caller's thread, through the Disruptor's {@link EventPoller}. Composed with an edge poller it makes one duty
 * cycle (read, publish, run the stages, write, block in the selector) in which nothing has to wake anything.
 * <p>
 * It also publishes the housekeeping tick when due and reads the clocks once per cycle for the stages.
 */
public final class RingDutyCycle implements Agent
{
    /**
     * Events run per cycle at most, so the poller writes what they answered before the next batch: a burst then
     * cannot fill the edge's outbound queue and stall deliveries until the next tick.
     */
    static final int MAX_EVENTS_PER_CYCLE = 256;

    private final EventPoller<RingEvent> poller;
    private final Cursored cursor;
    private final EventPoller.Handler<RingEvent> handler = this::onEvent;
    private final FusedStages stages;
    private final RingPublisher publisher;
    private final NanoClock sourceNanoClock;
    private final EpochClock sourceEpochClock;
    private final CachedNanoClock nanoClock;
    private final CachedEpochClock epochClock;
    private final long tickIntervalNs;
    private final RingCounters counters;
    private long nextTickNs;
    private int eventsThisCycle;
    private boolean deliveredThisCycle;

    RingDutyCycle(
        final EventPoller<RingEvent> poller,
        final Cursored cursor,
        final FusedStages stages,
        final RingPublisher publisher,
        final RingClocks clocks,
        final long tickIntervalNs,
        final RingCounters counters)
    {
        this.poller = poller;
        this.cursor = cursor;
        this.stages = stages;
        this.publisher = publisher;
        this.sourceNanoClock = clocks.sourceNanoClock;
        this.sourceEpochClock = clocks.sourceEpochClock;
        this.nanoClock = clocks.nanoClock;
        this.epochClock = clocks.epochClock;
        this.tickIntervalNs = tickIntervalNs;
        this.counters = counters;
        updateClocks();
        this.nextTickNs = nanoClock.nanoTime() + tickIntervalNs;
    }

    /** {@inheritDoc} */
    public String roleName()
    {
        return "ring-stages";
    }

    /**
     * Run the stages over everything published so far.
     *
     * @return the number of events processed, the tick included.
     */
    public int doWork() throws Exception
    {
        final long nowNs = updateClocks();
        if (0 != tickIntervalNs && nowNs - nextTickNs >= 0 && publisher.publishTick())
        {
            nextTickNs = nowNs + tickIntervalNs;
        }

        eventsThisCycle = 0;
        final long deliveriesBefore = counters.get(RingCounters.DELIVERIES);
        final long receiptsBefore = counters.get(RingCounters.RECEIPT_DELIVERIES);
        poller.poll(handler);
        deliveredThisCycle = counters.get(RingCounters.DELIVERIES) - deliveriesBefore >
            counters.get(RingCounters.RECEIPT_DELIVERIES) - receiptsBefore;

        return eventsThisCycle;
    }

    /**
     * Whether the last cycle handed devices anything but receipts: each is answered at once by a DeliverAck, which on
     * a local network comes within tens of microseconds, so the thread may poll briefly for it rather than block. A
     * receipt's ack waits for the device's next frame, so receipts alone do not count.
     */
    public boolean awaitsReplies()
    {
        return deliveredThisCycle;
    }

    /**
     * Whether events wait that this cycle has not run (more than {@link #MAX_EVENTS_PER_CYCLE} were published, or
     * another thread published since): the thread should not block before its next cycle.
     */
    public boolean hasPendingEvents()
    {
        return cursor.getCursor() > poller.getSequence().get();
    }

    private long updateClocks()
    {
        final long nowNs = sourceNanoClock.nanoTime();
        nanoClock.update(nowNs);
        epochClock.update(sourceEpochClock.time());
        return nowNs;
    }

    private boolean onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        // The last event of the cycle ends the batch: the journal syncs and the SENT acks go out with it.
        final boolean lastOfCycle = ++eventsThisCycle == MAX_EVENTS_PER_CYCLE;
        stages.onEvent(event, sequence, endOfBatch || lastOfCycle);
        return !lastOfCycle;
    }

    /**
     * The clocks the stages read in a duty cycle: cached, updated once per cycle from the context's clocks.
     */
    static final class RingClocks
    {
        final NanoClock sourceNanoClock;
        final EpochClock sourceEpochClock;
        final CachedNanoClock nanoClock = new CachedNanoClock();
        final CachedEpochClock epochClock = new CachedEpochClock();

        RingClocks(final NanoClock sourceNanoClock, final EpochClock sourceEpochClock)
        {
            this.sourceNanoClock = sourceNanoClock;
            this.sourceEpochClock = sourceEpochClock;
            nanoClock.update(sourceNanoClock.nanoTime());
            epochClock.update(sourceEpochClock.time());
        }
    }
}
