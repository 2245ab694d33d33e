package dev.switchboard.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes on the wire, framing included, for every message type with typical contents.
 */
public final class FrameSizes
{
    /**
     * One message type, what it carries and its whole frame length in bytes.
     */
    public record Row(String message, String contents, int bytes)
    {
    }

    private FrameSizes()
    {
    }

    /**
     * Encode one typical frame of every message type and measure it.
     */
    public static List<Row> typicalSizes()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MaxFrame.DEFAULT_MAX_FRAME_LENGTH]);
        final FrameValidator validator = new FrameValidator(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);
        final List<Row> rows = new ArrayList<>();
        for (final TypicalFrames.Sample sample : TypicalFrames.all())
        {
            buffer.setMemory(0, buffer.capacity(), (byte)0);
            final int length = sample.writer().write(buffer, 0);
            final FrameRejection rejection = validator.validate(buffer, 0, length);
            if (FrameRejection.NONE != rejection)
            {
                throw new IllegalStateException(sample.message() + " encodes an invalid frame: " + rejection);
            }
            rows.add(new Row(sample.message(), sample.contents(), length));
        }

        return rows;
    }

    /**
     * Print the table of {@link #typicalSizes()}.
     */
    public static void print(final PrintStream out)
    {
        final List<Row> rows = typicalSizes();
        int messageWidth = "message".length();
        int contentsWidth = "typical contents".length();
        for (final Row row : rows)
        {
            messageWidth = Math.max(messageWidth, row.message().length());
            contentsWidth = Math.max(contentsWidth, row.contents().length());
        }
        final String format = "%-" + messageWidth + "s  %-" + contentsWidth + "s  %6s%n";
        out.printf(format, "message", "typical contents", "bytes");
        for (final Row row : rows)
        {
            out.printf(format, row.message(), row.contents(), row.bytes());
        }
        out.printf("%nBytes include the 6-byte framing header and the 8-byte SBE message header.%n");
        out.printf("For comparison, \"Hello\" to one recipient takes about 40 bytes in a binary XMPP encoding " +
            "and about 500 as JSON.%n");
    }
}
