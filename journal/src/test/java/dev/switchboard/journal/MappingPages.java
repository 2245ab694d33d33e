package dev.switchboard.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc/self/smaps says of the mapping that starts at an address (Linux only). */
final class MappingPages
{
    private MappingPages()
    {
    }

    /** The mapping's dirty memory, shared and private, in kB. */
    static long dirtyKb(final long address) throws IOException
    {
        return fieldKb(address, "Private_Dirty:") + fieldKb(address, "Shared_Dirty:");
    }

    private static long fieldKb(final long address, final String field) throws IOException
    {
        final String start = Long.toHexString(address) + "-";
        boolean isInEntry = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            final char first = line.charAt(0);
            if (Character.isDigit(first) || (first >= 'a' && first <= 'f'))
            {
                isInEntry = line.startsWith(start);
            }
            else if (isInEntry && line.startsWith(field))
            {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException("no mapping at " + start + " with " + field);
    }
}
