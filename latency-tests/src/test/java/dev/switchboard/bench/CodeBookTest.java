package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CodeBookTest
{
    @TempDir
    File dataDir;

    @Test
    void shouldPickUpOnlyCodesWrittenAfterItOpenedAndWaitForWholeLines() throws IOException
    {
        final File file = new File(dataDir, "verification-codes.txt");
        Files.writeString(file.toPath(), "2026-01-01T00:00:00Z +19990000000 111111\n", StandardCharsets.UTF_8);
        final CodeBook codes = new CodeBook(dataDir);

        append(file, "2026-01-01T00:00:01Z +19990000001 222222\n2026-01-01T00:00:02Z +1999000");
        assertEquals(1, codes.poll());
        assertNull(codes.take("+19990000000"), "a code from before the book opened is stale");
        assertEquals("222222", codes.take("+19990000001"));
        assertNull(codes.take("+19990000001"), "a code is used once");

        append(file, "0002 333333\n");
        assertEquals(1, codes.poll());
        assertEquals("333333", codes.take("+19990000002"));
        assertEquals(0, codes.poll());
    }

    private static void append(final File file, final String text) throws IOException
    {
        Files.writeString(file.toPath(), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
