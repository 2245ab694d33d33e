package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stage that throws is counted, reported to the context's error handler (the server's distinct error log) and
 * answers the request with INTERNAL_ERROR; later stages leave the event alone.
 */
class StageErrorHandlingTest
{
    private final Flows flows = new Flows(new RingContext().nanoClock(SystemNanoClock.INSTANCE));

    @Test
    void shouldCountReportAndAnswerAStageException()
    {
        final List<Throwable> reported = new ArrayList<>();
        final RingCounters counters = new RingCounters();
        final RingPipeline.CountingExceptionHandler handler =
            new RingPipeline.CountingExceptionHandler(counters, reported::add);
        final RingEvent event = new RingEvent(1024, 256);
        event.reset(RingEvent.KIND_FRAME, 0, 7);
        event.frame.requestId = 42;
        event.frame.templateId = 10;
        event.follow(flows.request(SendDecoder.TEMPLATE_ID));
        event.recipients.add(5, 1);
        event.recipients.add(6, 1);

        final IllegalStateException failure = new IllegalStateException("stage bug");
        handler.handleEventException(failure, 7, event);

        assertEquals(1, counters.get(RingCounters.STAGE_ERRORS));
        assertEquals(1, reported.size());
        assertSame(failure, reported.get(0));
        assertEquals(Flow.NONE_ID, event.flowId);
        assertEquals(0, event.recipients.count);
        assertTrue(event.reply.length > 0);

        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(event.reply.buffer, Sofh.HEADER_LENGTH);
        assertEquals(ErrorDecoder.TEMPLATE_ID, header.templateId());
        final ErrorDecoder error = new ErrorDecoder().wrap(
            event.reply.buffer, Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
        assertEquals(ErrorCode.INTERNAL_ERROR, error.code());
        assertEquals(42, error.requestId());
    }

    @Test
    void shouldKeepAControlEventsFlowSoAClosedConnectionIsStillCleanedUp()
    {
        final RingCounters counters = new RingCounters();
        final RingPipeline.CountingExceptionHandler handler =
            new RingPipeline.CountingExceptionHandler(counters, (ex) -> {});
        final RingEvent event = new RingEvent(1024, 256);
        event.reset(RingEvent.KIND_CLOSED, 0, 7);
        final Flow closed = flows.control(RingEvent.KIND_CLOSED);
        event.follow(closed);

        handler.handleEventException(new IllegalStateException("stage bug"), 7, event);

        assertEquals(1, counters.get(RingCounters.STAGE_ERRORS));
        assertSame(closed, flows.byId(event.flowId));
        assertEquals(0, event.reply.length);
    }

    @Test
    void shouldAnswerInternalErrorWhenAFusedStageThrows()
    {
        final List<RingEvent> delivered = new ArrayList<>();
        final List<Integer> deliveredErrorCodes = new ArrayList<>();
        final EventHandler<RingEvent> throwingSession = (event, sequence, endOfBatch) ->
        {
            event.follow(flows.request(SendDecoder.TEMPLATE_ID));
            event.recipients.add(5, 1);
            throw new IllegalStateException("session bug");
        };
        final EventHandler<RingEvent> route = (event, sequence, endOfBatch) ->
        {
            throw new AssertionError("route must not run after the session stage threw");
        };
        final EventHandler<RingEvent> delivery = (event, sequence, endOfBatch) ->
        {
            delivered.add(event);
            deliveredErrorCodes.add(event.reply.length > 0 ? errorCode(event).value() : -1);
            assertEquals(Flow.NONE_ID, event.flowId);
            assertEquals(0, event.recipients.count);
        };
        final RingCounters counters = new RingCounters();
        final List<Throwable> reported = new ArrayList<>();
        final FusedStages fused = new FusedStages(
            throwingSession, route, delivery, new RingPipeline.CountingExceptionHandler(counters, reported::add));
        final RingEvent event = new RingEvent(1024, 256);
        event.reset(RingEvent.KIND_FRAME, 0, 7);
        event.frame.requestId = 43;
        event.frame.templateId = 10;

        fused.onEvent(event, 1, true); // the exception never leaves: the thread running the stages goes on

        assertEquals(1, delivered.size());
        assertEquals(List.of(ErrorCode.INTERNAL_ERROR.value()), deliveredErrorCodes);
        assertEquals(1, counters.get(RingCounters.STAGE_ERRORS));
        assertEquals(1, reported.size());
    }

    private static ErrorCode errorCode(final RingEvent event)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(event.reply.buffer, Sofh.HEADER_LENGTH);
        assertEquals(ErrorDecoder.TEMPLATE_ID, header.templateId());
        return new ErrorDecoder().wrap(
            event.reply.buffer, Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version()).code();
    }
}
