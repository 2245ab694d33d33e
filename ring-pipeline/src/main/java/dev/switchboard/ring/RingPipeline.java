package dev.switchboard.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventFactory;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Disruptor ring and its stages in order: session, route, journal + dispatch. Three ways to run them: a duty
 * cycle the caller drives ({@link RingContext#dutyCycle()}: no thread of its own, for small hosts), fused on one
 * stage thread, or each stage on its own thread.
 */
public final class RingPipeline implements AutoCloseable
{
    /** Bytes of each slot's response buffer: the largest answer a stage encodes in place. */
    private static final int RESPONSE_CAPACITY = 512;
    /** Login proofs with the verifier at once; beyond them the session stage verifies inline. */
    private static final int LOGIN_CHECKS = 1024;

    private final RingContext ctx;
    private final Disruptor<RingEvent> disruptor;
    private final RingPublisher publisher;
    private final RingDutyCycle dutyCycle;
    private final LoginVerifierAgent loginVerifier;
    private AgentRunner loginVerifierRunner;

    private RingPipeline(final RingContext ctx)
    {
        this.ctx = ctx;
        final int slotFrameLength = ctx.slotFrameLength();
        final LargeFrameBufferPool largeFrames =
            new LargeFrameBufferPool(ctx.largeFrameBuffers(), ctx.maxFrameLength());
        final CountingExceptionHandler exceptionHandler =
            new CountingExceptionHandler(ctx.counters(), ctx.errorHandler());
        final int maxGroupMembers = ctx.state().context().groupMaxMembers();
        final int maxGroupDevices =
            GroupRouter.maxDevices(maxGroupMembers, ctx.state().context().maxDevicesPerAccount());
        final GroupHandoff groupHandoff =
            new GroupHandoff(maxGroupDevices, GroupRouter.maxFramesLength(maxGroupMembers));

        if (ctx.dutyCycle())
        {
            // Stages read the clocks the duty cycle updates once per cycle, not the system's per event; service times
            // still need the real clock.
            final NanoClock serviceTimeClock = ctx.nanoClock();
            final RingDutyCycle.RingClocks clocks = new RingDutyCycle.RingClocks(ctx.nanoClock(), ctx.epochClock());
            ctx.nanoClock(clocks.nanoClock).epochClock(clocks.epochClock);
            // Nobody waits on this ring (the duty cycle polls it), so publishing signals nothing.
            final RingBuffer<RingEvent> ringBuffer =
                RingBuffer.createMultiProducer(eventFactory(ctx), ctx.ringSize(), new BusySpinWaitStrategy());
            final EventPoller<RingEvent> poller = ringBuffer.newPoller();
            ringBuffer.addGatingSequences(poller.getSequence());
            disruptor = null;
            publisher = new RingPublisher(
                ringBuffer, largeFrames, ctx.counters(), slotFrameLength, ctx.serviceTimes());
            loginVerifier = newLoginVerifier(ctx, publisher);
            final FusedStages stages = newStages(
                ctx, largeFrames, groupHandoff, maxGroupDevices, exceptionHandler, serviceTimeClock, loginVerifier);
            dutyCycle = new RingDutyCycle(
                poller, ringBuffer, stages, publisher, clocks, ctx.tickIntervalNs(), ctx.counters());
        }
        else
        {
            disruptor = newDisruptor(ctx);
            disruptor.setDefaultExceptionHandler(exceptionHandler);
            publisher = new RingPublisher(
                disruptor.getRingBuffer(), largeFrames, ctx.counters(), slotFrameLength, ctx.serviceTimes());
            loginVerifier = newLoginVerifier(ctx, publisher);
            if (ctx.fused())
            {
                disruptor.handleEventsWith(newStages(
                    ctx, largeFrames, groupHandoff, maxGroupDevices, exceptionHandler, ctx.nanoClock(),
                    loginVerifier));
            }
            else
            {
                final RingCounters counters = ctx.counters();
                final Flows flows = new Flows(ctx);
                final EventHandler<RingEvent> session =
                    TimedStage.timed(new SessionStage(ctx, flows, loginVerifier), counters.sessionTime(), ctx);
                final EventHandler<RingEvent> delivery = TimedStage.timed(
                    new DeliveryStage(ctx, flows, largeFrames, groupHandoff, maxGroupDevices),
                    counters.deliveryTime(), ctx);
                final EventHandler<RingEvent> route = TimedStage.timed(
                    new RouteStage(ctx, flows, ctx.journal().maxMessageId(), groupHandoff), counters.routeTime(), ctx);
                disruptor.handleEventsWith(session).then(route).then(delivery);
            }
            dutyCycle = null;
        }
    }

    private static FusedStages newStages(
        final RingContext ctx,
        final LargeFrameBufferPool largeFrames,
        final GroupHandoff groupHandoff,
        final int maxGroupDevices,
        final CountingExceptionHandler exceptionHandler,
        final NanoClock serviceTimeClock,
        final LoginVerifierAgent loginVerifier)
    {
        final Flows flows = new Flows(ctx);
        final SessionStage session = new SessionStage(ctx, flows, loginVerifier);
        final DeliveryStage delivery = new DeliveryStage(ctx, flows, largeFrames, groupHandoff, maxGroupDevices);
        final RouteStage route = new RouteStage(ctx, flows, ctx.journal().maxMessageId(), groupHandoff);
        return new FusedStages(
            session, route, delivery, exceptionHandler, ctx.serviceTimes() ? ctx.counters() : null, serviceTimeClock);
    }

    private static LoginVerifierAgent newLoginVerifier(final RingContext ctx, final RingPublisher publisher)
    {
        return ctx.loginVerifierThread() ?
            new LoginVerifierAgent(LOGIN_CHECKS, publisher, ctx.loginSignatures()) : null;
    }

    private static EventFactory<RingEvent> eventFactory(final RingContext ctx)
    {
        final int slotFrameLength = ctx.slotFrameLength();
        return () -> new RingEvent(slotFrameLength, RESPONSE_CAPACITY);
    }

    /**
     * The ring as the pipeline runs it, before any handler: pre-allocated slots of the configured frame length, a
     * producer per poller, the configured wait strategy. The ring benchmark builds it here too.
     */
    static Disruptor<RingEvent> newDisruptor(final RingContext ctx)
    {
        return new Disruptor<>(
            eventFactory(ctx),
            ctx.ringSize(),
            new StageThreadFactory(),
            ProducerType.MULTI,
            waitStrategy(ctx.waitStrategy()));
    }

    /**
     * Build the stages and start their threads; with {@link RingContext#dutyCycle()} no thread is started: the
     * caller runs {@link #dutyCycle()} on a thread of its own, e.g. composed with an edge poller.
     */
    public static RingPipeline launch(final RingContext ctx)
    {
        ctx.conclude();
        final RingPipeline pipeline = new RingPipeline(ctx);
        if (null != pipeline.disruptor)
        {
            pipeline.disruptor.start();
        }
        if (null != pipeline.loginVerifier)
        {
            pipeline.loginVerifierRunner = new AgentRunner(
                pipeline.loginVerifier.idleStrategy(), ctx.errorHandler(), null, pipeline.loginVerifier);
            AgentRunner.startOnThread(pipeline.loginVerifierRunner);
        }
        return pipeline;
    }

    /**
     * The agent that runs the stages, when the context asked for a duty cycle; null when they have threads.
     */
    public RingDutyCycle dutyCycle()
    {
        return dutyCycle;
    }

    /**
     * Run after the login verifier publishes verdicts: the server wakes the duty cycle's thread if it blocks in its
     * selector, or the verdict would wait for its select timeout.
     */
    public void afterLoginVerdicts(final Runnable wake)
    {
        if (null != loginVerifier)
        {
            loginVerifier.afterVerdicts(wake);
        }
    }

    /**
     * Whether login signatures are verified on a thread of their own.
     */
    public boolean hasLoginVerifierThread()
    {
        return null != loginVerifier;
    }

    /**
     * Login proofs handed to the verifier whose verdicts the session stage has not taken back yet.
     */
    int loginChecksInFlight()
    {
        return null == loginVerifier ? 0 : loginVerifier.inFlight();
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
        CloseHelper.quietClose(loginVerifierRunner);
        if (null == disruptor)
        {
            // The duty cycle's thread has stopped: what it left is processed here, once.
            try
            {
                dutyCycle.doWork();
            }
            catch (final Exception ex)
            {
                ctx.errorHandler().onError(ex);
            }
            return;
        }
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
            event.fail(encoders.get());
            errorHandler.onError(ex);
        }

        /** A failure after the answer went out: counted and reported only. */
        void countAndReport(final Throwable ex)
        {
            counters.incrementShared(RingCounters.STAGE_ERRORS);
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
