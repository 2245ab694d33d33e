package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import org.agrona.concurrent.NanoClock;

/**
 * The three stages on one thread, in order. A stage that throws is counted and reported, and the request answered
 * with INTERNAL_ERROR; the delivery stage still runs, because it sends what is owed and returns a borrowed
 * large-frame buffer. Exceptions never leave: the thread that runs this (a stage thread or a duty cycle) goes on.
 * <p>
 * With service times on, four clock reads per event time each stage and the whole into their histograms.
 */
final class FusedStages implements EventHandler<RingEvent>
{
    private final EventHandler<RingEvent> session;
    private final EventHandler<RingEvent> route;
    private final EventHandler<RingEvent> delivery;
    private final RingPipeline.CountingExceptionHandler exceptionHandler;
    private final RingCounters serviceTimes;
    private final NanoClock clock;

    FusedStages(
        final EventHandler<RingEvent> session,
        final EventHandler<RingEvent> route,
        final EventHandler<RingEvent> delivery,
        final RingPipeline.CountingExceptionHandler exceptionHandler)
    {
        this(session, route, delivery, exceptionHandler, null, null);
    }

    /**
     * @param serviceTimes whose histograms to record into, or null for none.
     * @param clock        the clock to time with: a real one, not a clock cached per duty cycle.
     */
    FusedStages(
        final EventHandler<RingEvent> session,
        final EventHandler<RingEvent> route,
        final EventHandler<RingEvent> delivery,
        final RingPipeline.CountingExceptionHandler exceptionHandler,
        final RingCounters serviceTimes,
        final NanoClock clock)
    {
        this.session = session;
        this.route = route;
        this.delivery = delivery;
        this.exceptionHandler = exceptionHandler;
        this.serviceTimes = serviceTimes;
        this.clock = clock;
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        final boolean timed = null != serviceTimes;
        final long startNs = timed ? clock.nanoTime() : 0;
        long sessionDoneNs = 0;
        long routeDoneNs = 0;
        boolean failed = false;
        try
        {
            session.onEvent(event, sequence, endOfBatch);
            sessionDoneNs = timed ? clock.nanoTime() : 0;
            route.onEvent(event, sequence, endOfBatch);
            routeDoneNs = timed ? clock.nanoTime() : 0;
        }
        catch (final Throwable ex)
        {
            failed = true;
            exceptionHandler.handleEventException(ex, sequence, event);
        }

        try
        {
            delivery.onEvent(event, sequence, endOfBatch);
        }
        catch (final Throwable ex)
        {
            // The answer, if any, was sent before the failure; do not encode a second one.
            failed = true;
            exceptionHandler.countAndReport(ex);
        }

        if (timed && !failed)
        {
            final long endNs = clock.nanoTime();
            serviceTimes.sessionTime().recordValue(sessionDoneNs - startNs);
            serviceTimes.routeTime().recordValue(routeDoneNs - sessionDoneNs);
            serviceTimes.deliveryTime().recordValue(endNs - routeDoneNs);
            serviceTimes.eventTime().recordValue(endNs - startNs);
        }
    }
}
