package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import org.agrona.concurrent.NanoClock;

/**
 * Runs a stage and records how long each event took it into a {@link ServiceTimeHistogram}: two clock reads and a
 * counter increment per event, no allocation. The histogram's single writer is the thread that runs the stage. An
 * event whose stage throws is not recorded (the exception handler counts it).
 */
public final class TimedStage implements EventHandler<RingEvent>
{
    private final EventHandler<RingEvent> stage;
    private final ServiceTimeHistogram serviceTime;
    private final NanoClock nanoClock;

    public TimedStage(
        final EventHandler<RingEvent> stage, final ServiceTimeHistogram serviceTime, final NanoClock nanoClock)
    {
        this.stage = stage;
        this.serviceTime = serviceTime;
        this.nanoClock = nanoClock;
    }

    /**
     * The stage timed into the histogram, or the stage itself when the context switches service times off.
     */
    public static EventHandler<RingEvent> timed(
        final EventHandler<RingEvent> stage, final ServiceTimeHistogram serviceTime, final RingContext ctx)
    {
        return ctx.serviceTimes() ? new TimedStage(stage, serviceTime, ctx.nanoClock()) : stage;
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        final long startNs = nanoClock.nanoTime();
        stage.onEvent(event, sequence, endOfBatch);
        serviceTime.recordValue(nanoClock.nanoTime() - startNs);
    }

    public void onStart()
    {
        stage.onStart();
    }

    public void onShutdown()
    {
        stage.onShutdown();
    }

    public void onBatchStart(final long batchSize, final long queueDepth)
    {
        stage.onBatchStart(batchSize, queueDepth);
    }

    public void onTimeout(final long sequence) throws Exception
    {
        stage.onTimeout(sequence);
    }

    public void setSequenceCallback(final Sequence sequenceCallback)
    {
        stage.setSequenceCallback(sequenceCallback);
    }
}
