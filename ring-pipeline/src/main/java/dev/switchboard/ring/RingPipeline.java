package dev.switchboard.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.switchboard.codec.sbe.ErrorCode;
import org.agrona.ErrorHandler;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Disruptor ring and its stages in order: session, route, journal + dispatch. Fused, one thread runs all three
 * (small hosts); otherwise each stage has its own thread.
 */
public final class RingPipeline implements AutoCloseable
{
    /** Bytes of each slot's response buffer: the largest answer a stage encodes in place. */
    private static final int RESPONSE_CAPACITY = 512;

    private final RingContext ctx;
    private final Disruptor<RingEvent> disruptor;
    private final RingPublisher publisher;

    private RingPipeline(final RingContext ctx)
    {
        this.ctx = ctx;
        final int slotFrameLength = ctx.slotFrameLength();
        final LargeFrameBufferPool largeFrames = new LargeFrameBufferPool(ctx.largeFrameBuffers(), ctx.maxFrameLength());
        disruptor = newDisruptor(ctx);
        disruptor.setDefaultExceptionHandler(new CountingExceptionHandler(ctx.counters(), ctx.errorHandler()));

        final RingCounters counters = ctx.counters();
        final EventHandler<RingEvent> session = TimedStage.timed(new SessionStage(ctx), counters.sessionTime(), ctx);
        final EventHandler<RingEvent> delivery =
            TimedStage.timed(new DeliveryStage(ctx, largeFrames), counters.deliveryTime(), ctx);
        final EventHandler<RingEvent> route =
            TimedStage.timed(new RouteStage(ctx, ctx.journal().maxMessageId()), counters.routeTime(), ctx);
        if (ctx.fused())
        {
            disruptor.handleEventsWith(
                TimedStage.timed(new FusedStages(session, route, delivery), counters.eventTime(), ctx));
        }
        else
        {
            disruptor.handleEventsWith(session).then(route).then(delivery);
        }

        publisher = new RingPublisher(disruptor.getRingBuffer(), largeFrames, ctx.counters(), slotFrameLength);
    }

    /**
     * The ring as the pipeline runs it, before any handler: pre-allocated slots of the configured frame length, a
     * producer per poller, the configured wait strategy. The ring benchmark builds it here too.
     */
    static Disruptor<RingEvent> newDisruptor(final RingContext ctx)
    {
        final int slotFrameLength = ctx.slotFrameLength();
        return new Disruptor<>(
            () -> new RingEvent(slotFrameLength, RESPONSE_CAPACITY),
            ctx.ringSize(),
            new StageThreadFactory(),
            ProducerType.MULTI,
            waitStrategy(ctx.waitStrategy()));
    }

    /**
     * Build the stages and start their threads.
     */
    public static RingPipeline launch(final RingContext ctx)
    {
        ctx.conclude();
        final RingPipeline pipeline = new RingPipeline(ctx);
        pipeline.disruptor.start();
        return pipeline;
    }

    public RingPublisher publisher()
    {
        return publisher;
    }

    public RingCounters counters()
    {
        return ctx.counters();
    }

    /**
     * Process what has been published, then stop the stage threads. Stop the producers (pollers) first.
     */
    public void close()
    {
        try
        {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        }
        catch (final TimeoutException ex)
        {
            disruptor.halt();
        }
    }

    static WaitStrategy waitStrategy(final String name)
    {
        switch (name)
        {
            case "busy-spin":
                return new BusySpinWaitStrategy();
            case "yielding":
                return new YieldingWaitStrategy();
            case "sleeping":
                return new SleepingWaitStrategy();
            case "blocking":
                return new BlockingWaitStrategy();
            case "phased":
                // Spin, then yield, then block: fast under load, near zero CPU when idle.
                return PhasedBackoffWaitStrategy.withLiteLock(50, 500, TimeUnit.MICROSECONDS);
            default:
                throw new IllegalArgumentException(
                    "unknown wait strategy (busy-spin, yielding, sleeping, phased, blocking): " + name);
        }
    }

    /**
     * All three stages on one thread, in the same order.
     */
    static final class FusedStages implements EventHandler<RingEvent>
    {
        private final EventHandler<RingEvent> session;
        private final EventHandler<RingEvent> route;
        private final EventHandler<RingEvent> delivery;

        FusedStages(
            final EventHandler<RingEvent> session,
            final EventHandler<RingEvent> route,
            final EventHandler<RingEvent> delivery)
        {
            this.session = session;
            this.route = route;
            this.delivery = delivery;
        }

        public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
        {
            try
            {
                session.onEvent(event, sequence, endOfBatch);
                route.onEvent(event, sequence, endOfBatch);
            }
            catch (final Exception ex)
            {
                // Still run the last stage, which sends what is owed and returns a borrowed large-frame buffer.
                event.action = RingEvent.ACTION_NONE;
                event.recipientCount = 0;
                delivery.onEvent(event, sequence, endOfBatch);
                throw ex;
            }
            delivery.onEvent(event, sequence, endOfBatch);
        }
    }

    /**
     * A stage that throws must not die (the Disruptor's default handler rethrows and stops it): count and go on.
     */
    static final class CountingExceptionHandler implements ExceptionHandler<RingEvent>
    {
        private final RingCounters counters;
        private final ErrorHandler errorHandler;

        CountingExceptionHandler(final RingCounters counters, final ErrorHandler errorHandler)
        {
            this.counters = counters;
            this.errorHandler = errorHandler;
        }

        private final ThreadLocal<FrameEncoders> encoders = ThreadLocal.withInitial(FrameEncoders::new);

        /**
         * Called on the thread of the stage that threw, which still owns the event: the client is told the request
         * failed and later stages leave the event alone.
         */
        public void handleEventException(final Throwable ex, final long sequence, final RingEvent event)
        {
            counters.incrementShared(RingCounters.STAGE_ERRORS);
            if (RingEvent.KIND_FRAME == event.kind)
            {
                event.responseLength = encoders.get().error(
                    event.response, event.requestId, event.templateId, ErrorCode.INTERNAL_ERROR);
            }
            event.action = RingEvent.ACTION_NONE;
            event.recipientCount = 0;
            errorHandler.onError(ex);
        }

        public void handleOnStartException(final Throwable ex)
        {
            errorHandler.onError(ex);
        }

        public void handleOnShutdownException(final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    static final class StageThreadFactory implements ThreadFactory
    {
        private static final String[] NAMES = { "sb-session", "sb-route", "sb-delivery" };
        private final AtomicInteger count = new AtomicInteger();

        public Thread newThread(final Runnable runnable)
        {
            final int index = count.getAndIncrement();
            final Thread thread = new Thread(runnable, index < NAMES.length ? NAMES[index] : "sb-stage-" + index);
            thread.setDaemon(true);
            return thread;
        }
    }
}
