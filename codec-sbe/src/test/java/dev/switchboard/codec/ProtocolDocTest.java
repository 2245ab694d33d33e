package dev.switchboard.codec;

import dev.switchboard.codec.sbe.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/protocol.md must describe every message and error code of the schema it documents.
 */
class ProtocolDocTest
{
    private static final Path PROTOCOL = Path.of("..", "docs", "protocol.md");

    @Test
    void shouldDescribeEveryMessageWithItsTemplateIdAndBlockLength() throws IOException
    {
        final String doc = Files.readString(PROTOCOL, StandardCharsets.UTF_8);
        for (final MessageLayout message : FrameValidator.schema().messages())
        {
            final String heading = "#### " + message.name() + " (template " + message.templateId() + ", ";
            final String block = ", block " + message.body().blockLength(FrameValidator.SCHEMA_VERSION) + " bytes)";
            final int at = doc.indexOf(heading);
            assertTrue(at >= 0, "missing " + heading);
            assertTrue(doc.substring(at, doc.indexOf('\n', at)).endsWith(block), heading + " lacks" + block);
        }
    }

    @Test
    void shouldDescribeEveryErrorCodeAndRejection() throws IOException
    {
        final String doc = Files.readString(PROTOCOL, StandardCharsets.UTF_8);
        for (final ErrorCode code : ErrorCode.values())
        {
            if (ErrorCode.NULL_VAL != code)
            {
                assertTrue(doc.contains("| `" + code.name() + "` | " + code.value() + " |"), code.name());
            }
        }
        for (final FrameRejection rejection : FrameRejection.values())
        {
            if (FrameRejection.NONE != rejection)
            {
                assertTrue(doc.contains("| `" + rejection.name() + "` |"), rejection.name());
            }
        }
    }
}
