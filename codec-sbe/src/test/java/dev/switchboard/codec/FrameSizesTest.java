package dev.switchboard.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSizesTest
{
    @Test
    void shouldSendHelloToOneRecipientInAtMostFortyBytes()
    {
        final FrameSizes.Row hello = FrameSizes.typicalSizes().stream()
            .filter(row -> row.message().equals("Send") && row.contents().contains("Hello"))
            .findFirst()
            .orElseThrow();

        assertEquals(39, hello.bytes());
        assertTrue(hello.bytes() <= 40);
    }

    @Test
    void shouldListEveryMessageTypeOfTheSchema()
    {
        final Set<String> listed = FrameSizes.typicalSizes().stream()
            .map(FrameSizes.Row::message)
            .collect(Collectors.toSet());
        final Set<String> schema = FrameValidator.schema().messages().stream()
            .map(MessageLayout::name)
            .collect(Collectors.toSet());

        assertEquals(schema, listed);
    }

    @Test
    void shouldCountFramingInEveryRow()
    {
        final List<FrameSizes.Row> rows = FrameSizes.typicalSizes();
        for (final FrameSizes.Row row : rows)
        {
            final MessageLayout layout = FrameValidator.schema().messages().stream()
                .filter(message -> message.name().equals(row.message()))
                .findFirst()
                .orElseThrow();
            assertTrue(row.bytes() >= MaxFrame.MIN_FRAME_LENGTH + layout.body().minEncodedLength(1), row.message());
            assertTrue(row.bytes() <= MaxFrame.DEFAULT_MAX_FRAME_LENGTH, row.message());
        }
    }

    @Test
    void shouldPrintOneLinePerRowWithTheHelloFigure()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameSizes.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String table = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(table.startsWith("message "), table);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("Send ") && line.contains("\"Hello\"") &&
            line.endsWith(" 39")), table);
        assertEquals(FrameSizes.typicalSizes().size(), table.lines().filter(line -> line.matches(".*\\d$")).count());
    }
}
