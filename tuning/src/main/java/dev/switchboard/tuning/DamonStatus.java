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

    /** One running monitor. */
    public static final class Monitor
    {
        public final String name;
        public final String operations;
        public final long sampleMicros;
        public final List<String> actions;

        Monitor(final String name, final String operations, final long sampleMicros, final List<String> actions)
        {
            this.name = name;
            this.operations = operations;
            this.sampleMicros = sampleMicros;
            this.actions = actions;
        }

        public String toString()
        {
            return "kdamond " + name + " on (" + operations + ", sampling every " +
                (sampleMicros < 0 ? "?" : formatMicros(sampleMicros)) +
                (actions.isEmpty() ? "" : ", schemes: " + String.join(" ", actions)) + ")";
        }
    }

    private DamonStatus()
    {
    }

    /**
     * The monitors running under a sys root (normally {@code /sys}); empty when DAMON is absent or stopped.
     */
    public static List<Monitor> running(final Path sys)
    {
        final List<Monitor> monitors = new ArrayList<>();
        final Path kdamonds = sys.resolve(KDAMONDS);
        for (final Path kdamond : children(kdamonds))
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
            monitors.add(new Monitor(
                kdamond.getFileName().toString(),
                null == operations ? "?" : operations,
                number(read(context.resolve("monitoring_attrs/intervals/sample_us"))),
                actions));
        }
        return monitors;
    }

    /**
     * One line for a report: the running monitors, or "off" / "absent".
     */
    public static String describe(final Path sys)
    {
        if (!Files.isDirectory(sys.resolve(KDAMONDS)))
        {
            return "absent";
        }
        final List<Monitor> monitors = running(sys);
        if (monitors.isEmpty())
        {
            return "off";
        }
        final List<String> lines = new ArrayList<>();
        for (final Monitor monitor : monitors)
        {
            lines.add(monitor.toString());
        }
        return String.join("; ", lines);
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
            return children;
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
