package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a process's resident pages are, read from /proc: the totals of /proc/PID/status (VmRSS, RssAnon, RssFile,
 * RssShmem) and, from /proc/PID/smaps, the resident and anonymous bytes of each mapping, grouped: each state table
 * file by name, journal files, the counters file, the Java heap (the one anonymous mapping at least
 * {@link #HEAP_MIN_BYTES} long), the brk heap, other anonymous memory (malloc arenas, direct buffers, thread stacks,
 * metaspace, code) and other files (jars, libraries).
 * <p>
 * A snapshot before the connections open and one after, divided by the connections, says what each one costs and
 * where. Run as {@code ResidentPages PID [LABEL]} it prints one snapshot as lines of
 * {@code LABEL GROUP SIZE_KB RSS_KB ANON_KB}.
 */
final class ResidentPages
{
    static final long HEAP_MIN_BYTES = 256L * 1024 * 1024;
    private static final String[] STATUS_FIELDS = { "VmRSS", "RssAnon", "RssFile", "RssShmem" };

    /** Per group: mapped, resident and anonymous kB. */
    private final Map<String, long[]> groups = new TreeMap<>();

    private ResidentPages()
    {
    }

    /**
     * A snapshot of a live process.
     */
    static ResidentPages of(final long pid)
    {
        final ResidentPages pages = new ResidentPages();
        try
        {
            final Path proc = Path.of("/proc", Long.toString(pid));
            for (final String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII))
            {
                for (final String field : STATUS_FIELDS)
                {
                    if (line.startsWith(field + ":"))
                    {
                        final long kb = kb(line);
                        pages.add("status:" + field, kb, kb, 0);
                    }
                }
            }
            pages.parseSmaps(Files.readAllLines(proc.resolve("smaps"), StandardCharsets.US_ASCII));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return pages;
    }

    /**
     * Resident kB of a group, 0 when the process maps nothing of it.
     */
    long residentKb(final String group)
    {
        final long[] values = groups.get(group);
        return null == values ? 0 : values[1];
    }

    /**
     * Print this snapshot, one line per group.
     */
    void print(final PrintStream out, final String label)
    {
        for (final Map.Entry<String, long[]> entry : groups.entrySet())
        {
            final long[] values = entry.getValue();
            out.println(label + " " + entry.getKey() + " " + values[0] + " " + values[1] + " " + values[2]);
        }
    }

    /**
     * Print the growth from {@code before} to this snapshot per group, in total and per {@code count} (connections or
     * registrations), resident and anonymous bytes.
     */
    void printGrowth(final PrintStream out, final ResidentPages before, final long count)
    {
        out.printf("%-34s %12s %12s %10s %10s%n", "group", "rss-kB", "anon-kB", "rss-B/each", "anon-B/each");
        for (final Map.Entry<String, long[]> entry : groups.entrySet())
        {
            final long[] after = entry.getValue();
            final long[] was = before.groups.getOrDefault(entry.getKey(), new long[3]);
            final long rssKb = after[1] - was[1];
            final long anonKb = after[2] - was[2];
            if (0 != rssKb || 0 != anonKb)
            {
                out.printf("%-34s %12d %12d %10.0f %10.0f%n", entry.getKey(), rssKb, anonKb,
                    rssKb * 1024.0 / count, anonKb * 1024.0 / count);
            }
        }
    }

    private void parseSmaps(final List<String> lines)
    {
        String group = null;
        for (final String line : lines)
        {
            final int colon = line.indexOf(':');
            final boolean isHeader = colon < 0 || line.indexOf(' ') < colon;
            if (isHeader)
            {
                group = groupOf(line);
            }
            else if (null != group)
            {
                if (line.startsWith("Size:"))
                {
                    add(group, kb(line), 0, 0);
                }
                else if (line.startsWith("Rss:"))
                {
                    add(group, 0, kb(line), 0);
                }
                else if (line.startsWith("Anonymous:"))
                {
                    add(group, 0, 0, kb(line));
                }
            }
        }
    }

    private static String groupOf(final String header)
    {
        // address perms offset dev inode [pathname]
        final String[] fields = header.trim().split("\\s+", 6);
        final String range = fields[0];
        final int dash = range.indexOf('-');
        final long sizeBytes = Long.parseUnsignedLong(range.substring(dash + 1), 16) -
            Long.parseUnsignedLong(range.substring(0, dash), 16);
        final String path = fields.length > 5 ? fields[5].trim() : "";
        if (path.isEmpty())
        {
            return sizeBytes >= HEAP_MIN_BYTES ? "anon:java-heap" : "anon:other";
        }
        if (path.startsWith("["))
        {
            return "[heap]".equals(path) ? "anon:[heap]" : "anon:" + path;
        }
        final String name = Path.of(path.replace(" (deleted)", "")).getFileName().toString();
        if (path.contains("/state/"))
        {
            return "state:" + name;
        }
        if (path.contains("/journal/"))
        {
            return "journal:" + (name.contains("index") ? "index" : "files");
        }
        if (name.contains("counters"))
        {
            return "counters:" + name;
        }
        return "file:other";
    }

    private void add(final String group, final long sizeKb, final long rssKb, final long anonKb)
    {
        final long[] values = groups.computeIfAbsent(group, (ignore) -> new long[3]);
        values[0] += sizeKb;
        values[1] += rssKb;
        values[2] += anonKb;
    }

    private static long kb(final String line)
    {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).replace("kB", "").trim());
    }

    public static void main(final String[] args)
    {
        of(Long.parseLong(args[0])).print(System.out, args.length > 1 ? args[1] : "now");
    }
}
