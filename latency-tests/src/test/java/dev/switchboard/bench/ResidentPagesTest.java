package dev.switchboard.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResidentPagesTest
{
    private static final int PAGE = 4096;
    private static final int PAGES = 256;

    @TempDir
    Path dir;

    @Test
    void countsTouchedPagesOfAStateFileUnderItsName() throws Exception
    {
        final Path state = Files.createDirectories(dir.resolve("state"));
        final Path file = state.resolve("probe.cm3");
        final long pid = ProcessHandle.current().pid();
        final ResidentPages before = ResidentPages.of(pid);
        assertEquals(0, before.residentKb("state:probe.cm3"));
        assertTrue(before.residentKb("status:VmRSS") > 0);

        try (FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long)PAGES * PAGE);
            for (int page = 0; page < PAGES; page++)
            {
                mapped.put(page * PAGE, (byte)1);
            }
            final ResidentPages after = ResidentPages.of(pid);
            // every page written is resident; the kernel may map a little more around them, never less
            assertTrue(after.residentKb("state:probe.cm3") >= PAGES * PAGE / 1024,
                "resident kB " + after.residentKb("state:probe.cm3"));

            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            after.printGrowth(new PrintStream(out, true, StandardCharsets.UTF_8), before, PAGES);
            final String table = out.toString(StandardCharsets.UTF_8);
            assertTrue(table.contains("state:probe.cm3"), table);
        }
    }
}
