package dev.switchboard.tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whether the kernel's DAMON monitor runs on this host, read from its sysfs interface
 * ({@code /sys/kernel/mm/damon/admin/kdamonds}). A running monitor samples page access at every {@code sample_us}
 * by clearing and reading the accessed bits of sampled pages; on the paravirtualised test guest of
 * docs/performance.md (tenth pass) each round stalled the server's duty thread for 2 to 4 ms.
 */
public final class DamonStatus
{
    /** The kdamonds' folder under a sys root. */
    public static final String KDAMONDS = "kernel/mm/damon/admin/kdamonds";

    private DamonStatus()
    {
    }

    /**
     * One line for each monitor running under a sys root (normally {@code /sys}): its operations, sampling interval and
     * schemes. Empty when DAMON is absent or stopped.
     */
    public static List<String> running(final Path sys)
    {
        final List<String> monitors = new ArrayList<>();
        for (final Path kdamond : children(sys.resolve(KDAMONDS)))
        {
            if (!"on".equals(read(kdamond.resolve("state"))))
            {
                continue;
            }
            final Path context = kdamond.resolve("contexts/0");
            final List<String> actions = new ArrayList<>();
            for (final Path scheme : children(context.resolve("schemes")))
            {
                final String action = read(scheme.resolve("action"));
                if (null != action)
                {
                    actions.add(action);
                }
            }
            final String operations = read(context.resolve("operations"));
            final long sampleMicros = number(read(context.resolve("monitoring_attrs/intervals/sample_us")));
            monitors.add("kdamond " + kdamond.getFileName() + " on (" + (null == operations ? "?" : operations) +
                ", sampling every " + (sampleMicros < 0 ? "?" : formatMicros(sampleMicros)) +
                (actions.isEmpty() ? "" : ", schemes: " + String.join(" ", actions)) + ")");
        }
        return monitors;
    }

    /**
     * One line for a report: the running monitors, or "off" / "absent".
     */
    public static String describe(final Path sys)
    {
        return describe(sys, running(sys));
    }

    /**
     * As {@link #describe(Path)} for monitors already read with {@link #running(Path)}.
     */
    public static String describe(final Path sys, final List<String> running)
    {
        if (!running.isEmpty())
        {
            return String.join("; ", running);
        }
        return Files.isDirectory(sys.resolve(KDAMONDS)) ? "off" : "absent";
    }

    static String formatMicros(final long micros)
    {
        return micros % 1000 == 0 ? (micros / 1000) + " ms" : micros + " us";
    }

    private static List<Path> children(final Path dir)
    {
        // Numbered folders (0, 1, ...) beside files such as nr_kdamonds.
        final List<Path> children = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir))
        {
            entries.filter(Files::isDirectory)
                .filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                .sorted()
                .forEach(children::add);
        }
        catch (final IOException | RuntimeException ex)
        {
            // Absent or unreadable: no monitors.
        }
        return children;
    }

    private static String read(final Path file)
    {
        try
        {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private static long number(final String text)
    {
        try
        {
            return null == text ? -1 : Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
