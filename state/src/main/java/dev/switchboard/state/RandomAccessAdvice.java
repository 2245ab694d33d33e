package dev.switchboard.state;

import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells the kernel that the table files are read at random (madvise MADV_RANDOM on each of their mappings), so a
 * lookup faults in the one page it reads instead of a readahead window around it.
 * <p>
 * A table sized for a million accounts spreads a few thousand live entries over every page of its hash lookup. On a
 * file not in the page cache, readahead made each first touch map about 64 KiB: a thousand logins mapped 22 MiB of
 * each of the Chronicle devices and presence tables of the time, and 4 MiB with the advice (10,000 logins: 25 MiB
 * against 16 MiB). Those two now live in the dense {@link DeviceTable}, which is not advised. Pages
 * already cached are still mapped in windows around a fault, so after a restart on a warm cache the advice changes
 * little. Applied after open, so recovery's scan of a file still reads ahead. Linux only: elsewhere, or where the
 * native call is not available, nothing is advised.
 */
final class RandomAccessAdvice
{
    private static final Path SELF_MAPS = Path.of("/proc/self/maps");

    private RandomAccessAdvice()
    {
    }

    /**
     * Advise random access on every mapping of the given files in this process.
     *
     * @param files table files, already open and mapped.
     * @return the mappings advised, 0 if none could be.
     */
    static int advise(final List<File> files)
    {
        if (!Files.isReadable(SELF_MAPS))
        {
            return 0;
        }
        try
        {
            final Set<String> paths = new HashSet<>();
            for (final File file : files)
            {
                paths.add(file.getCanonicalPath());
            }

            int advised = 0;
            for (final String line : Files.readAllLines(SELF_MAPS, StandardCharsets.US_ASCII))
            {
                // start-end perms offset dev inode path
                final String[] fields = line.trim().split("\\s+", 6);
                if (fields.length == 6 && paths.contains(fields[5]))
                {
                    final int dash = fields[0].indexOf('-');
                    final long start = Long.parseUnsignedLong(fields[0].substring(0, dash), 16);
                    final long end = Long.parseUnsignedLong(fields[0].substring(dash + 1), 16);
                    if (0 == PosixAPI.posix().madvise(start, end - start, MAdviseFlag.MADV_RANDOM))
                    {
                        advised++;
                    }
                }
            }
            return advised;
        }
        catch (final IOException | RuntimeException | LinkageError ex)
        {
            // advice only: the tables work the same without it
            return 0;
        }
    }
}
