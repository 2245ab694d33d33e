package dev.switchboard.journal;

import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;

import static dev.switchboard.journal.PageToucher.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PagePopulatorTest
{
    private static final int LENGTH = 64 * PAGE_SIZE;

    @TempDir
    File dir;

    @Test
    void shouldBeAvailableOnLinuxFrom514()
    {
        assumeTrue(SystemUtil.isLinux() && isKernelAtLeast(5, 14), "MADV_POPULATE_WRITE came in Linux 5.14");

        assertTrue(PagePopulator.isAvailable(), "the binding loaded and the kernel took the advice");
    }

    @Test
    void shouldMakeTheRangesPagesResidentAndDirtyWithoutChangingThem() throws IOException
    {
        assumeTrue(PagePopulator.isAvailable());
        final MappedByteBuffer mapped = IoUtil.mapNewFile(new File(dir, "populated"), LENGTH, false);
        try
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
            buffer.putLong(5 * PAGE_SIZE + 8, 0x5eedL);
            final long address = buffer.addressOffset();
            final long dirtyBefore = MappingPages.dirtyKb(address);

            // from the middle of page 4 to the middle of page 20: pages 4 to 20, 17 of them
            assertTrue(PagePopulator.populateWrite(buffer, 4 * PAGE_SIZE + 100, 20 * PAGE_SIZE + 100));

            final long dirtyAfter = MappingPages.dirtyKb(address);
            assertEquals(17 * PAGE_SIZE / 1024, dirtyAfter - dirtyBefore + PAGE_SIZE / 1024, "page 5 was dirty before");
            assertEquals(0x5eedL, buffer.getLong(5 * PAGE_SIZE + 8));
            long sum = 0;
            for (int i = 0; i < LENGTH; i += 8)
            {
                sum += buffer.getLong(i);
            }
            assertEquals(0x5eedL, sum, "every other byte still zero");
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    @Test
    void shouldTakeAnEmptyRangeAsDone()
    {
        assumeTrue(PagePopulator.isAvailable());
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

        assertTrue(PagePopulator.populateWrite(buffer, 0, 0));
    }

    private static boolean isKernelAtLeast(final int major, final int minor)
    {
        final String[] parts = System.getProperty("os.version").split("[.-]");
        final int actualMajor = Integer.parseInt(parts[0]);
        final int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return actualMajor > major || (actualMajor == major && actualMinor >= minor);
    }
}
