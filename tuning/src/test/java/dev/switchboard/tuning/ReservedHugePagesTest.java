package dev.switchboard.tuning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReservedHugePagesTest
{
    private static final List<String> FIXED_256M = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");

    @TempDir
    Path proc;

    @Test
    void shouldReadThePoolAndCountPromisedPagesAsTaken() throws IOException
    {
        meminfo(400, 300, 120);
        final ReservedHugePages pool = ReservedHugePages.read(proc);
        assertEquals(400, pool.totalPages);
        assertEquals(300, pool.freePages);
        assertEquals(120, pool.reservedPages);
        assertEquals(2L << 20, pool.pageBytes);
        assertEquals(180L * (2 << 20), pool.availableBytes());
    }

    @Test
    void shouldAskForThePoolOnlyWhenAFixedHeapAndTheCodeCacheFit() throws IOException
    {
        final long pagesNeeded = ReservedHugePages.bytesNeeded(256L << 20) / (2 << 20);
        meminfo(pagesNeeded, pagesNeeded, 0);
        assertEquals(ReservedHugePages.JVM_FLAGS, ReservedHugePages.read(proc).jvmFlagsFor(FIXED_256M));

        meminfo(pagesNeeded + 10, pagesNeeded, 1);
        assertTrue(ReservedHugePages.read(proc).jvmFlagsFor(FIXED_256M).isEmpty(), "one page promised elsewhere");

        meminfo(4096, 4096, 0);
        assertTrue(ReservedHugePages.read(proc).jvmFlagsFor(List.of("-Xms256m")).isEmpty(), "no -Xmx: size unknown");
        assertTrue(ReservedHugePages.read(proc).jvmFlagsFor(List.of("-Xmx1.5g")).isEmpty(), "not a size");
        assertEquals(ReservedHugePages.JVM_FLAGS, ReservedHugePages.read(proc).jvmFlagsFor(List.of("-Xmx2g")));
    }

    @Test
    void shouldLeaveAnExplicitChoiceOfPagesAlone() throws IOException
    {
        meminfo(4096, 4096, 0);
        final ReservedHugePages pool = ReservedHugePages.read(proc);
        assertTrue(pool.jvmFlagsFor(List.of("-Xmx256m", "-XX:-UseTransparentHugePages")).isEmpty());
        assertTrue(pool.jvmFlagsFor(List.of("-XX:-UseLargePages", "-Xmx256m")).isEmpty());
    }

    @Test
    void shouldSeeAnEmptyPoolWhereThereIsNoMeminfo()
    {
        final ReservedHugePages pool = ReservedHugePages.read(proc);
        assertEquals(0, pool.availableBytes());
        assertTrue(pool.jvmFlagsFor(FIXED_256M).isEmpty());
    }

    @Test
    void shouldReadJvmSizes()
    {
        assertEquals(256L << 20, ReservedHugePages.heapBytes("256m"));
        assertEquals(2L << 30, ReservedHugePages.heapBytes("2G"));
        assertEquals(512L << 10, ReservedHugePages.heapBytes("512k"));
        assertEquals(1_000_000, ReservedHugePages.heapBytes("1000000"));
        assertEquals(-1, ReservedHugePages.heapBytes("1.5g"));
        assertEquals(-1, ReservedHugePages.heapBytes(""));
    }

    private void meminfo(final long total, final long free, final long reserved) throws IOException
    {
        Files.writeString(proc.resolve("meminfo"), "MemTotal:       24000000 kB\n" +
            "HugePages_Total:     " + total + "\n" +
            "HugePages_Free:      " + free + "\n" +
            "HugePages_Rsvd:      " + reserved + "\n" +
            "HugePages_Surp:        0\n" +
            "Hugepagesize:       2048 kB\n");
    }
}
