package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
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
        event.flow = new SendFlow();
        event.recipients.add(5, 1);
        event.recipients.add(6, 1);

        final IllegalStateException failure = new IllegalStateException("stage bug");
        handler.handleEventException(failure, 7, event);

        assertEquals(1, counters.get(RingCounters.STAGE_ERRORS));
        assertEquals(1, reported.size());
        assertSame(failure, reported.get(0));
        assertSame(Flow.NONE, event.flow);
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
}
