package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;

/**
 * The three stages on one thread, in order. A stage that throws is counted and reported, and the request answered
 * with INTERNAL_ERROR; the delivery stage still runs, because it sends what is owed and returns a borrowed
 * large-frame buffer. Exceptions never leave: the thread that runs this (a stage thread or a duty cycle) goes on.
 */
final class FusedStages implements EventHandler<RingEvent>
{
    private final EventHandler<RingEvent> session;
    private final EventHandler<RingEvent> route;
    private final EventHandler<RingEvent> delivery;
    private final RingPipeline.CountingExceptionHandler exceptionHandler;

    FusedStages(
        final EventHandler<RingEvent> session,
        final EventHandler<RingEvent> route,
        final EventHandler<RingEvent> delivery,
        final RingPipeline.CountingExceptionHandler exceptionHandler)
    {
        this.session = session;
        this.route = route;
        this.delivery = delivery;
        this.exceptionHandler = exceptionHandler;
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            session.onEvent(event, sequence, endOfBatch);
            route.onEvent(event, sequence, endOfBatch);
        }
        catch (final Throwable ex)
        {
            exceptionHandler.handleEventException(ex, sequence, event);
        }

        try
        {
            delivery.onEvent(event, sequence, endOfBatch);
        }
        catch (final Throwable ex)
        {
            // The answer, if any, was sent before the failure; do not encode a second one.
            exceptionHandler.countAndReport(ex);
        }
    }
}
