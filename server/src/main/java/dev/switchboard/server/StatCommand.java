package dev.switchboard.server;

import dev.switchboard.ring.ServiceTimeHistogram;
import dev.switchboard.ring.ServiceTimeSnapshot;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code switchboard stat}: print the live counters of a server on this machine from its {@code counters.dat}.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = {
        "Print the live counters of a server on this machine, read from <data folder>/counters.dat.",
        "The file stays after the server stops, with its last values.",
        "Counters are grouped by the prefix of their label (ring, edge, journal).",
        "--errors prints the server's distinct errors instead: count, first and last time, stack trace.",
        "--histograms prints the per-stage service times instead: count, p50, p90, p99, p99.9 and max." })
final class StatCommand implements Callable<Integer>
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "The server's data folder (default: ${DEFAULT-VALUE}).",
        defaultValue = "data")
    private File dataDir;

    @Option(names = "--interval", converter = IntervalConverter.class, paramLabel = "TIME",
        description = "Time between prints, e.g. 1s, 500ms, 2m; 0 prints once and exits (default: ${DEFAULT-VALUE}).",
        defaultValue = "1s")
    private long intervalMs;

    @Option(names = "--count", paramLabel = "N",
        description = "Prints before exiting; 0 repeats until Ctrl-C (default: ${DEFAULT-VALUE}).",
        defaultValue = "0")
    private int count;

    @Option(names = "--errors",
        description = "Print the distinct errors (count, first and last time, stack trace) once and exit.")
    private boolean errors;

    @Option(names = { "--histograms", "--latency" },
        description = "Print the per-stage service-time histograms: count and percentiles since the server started, " +
        "then, when repeating, of each interval.")
    private boolean histograms;

    /** What the last block printed, for the change since: counter values by id, or the histograms. */
    private long[] previousValues;
    private List<ServiceTimeSnapshot> previousSnapshots;

    public Integer call() throws InterruptedException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (count < 0)
        {
            err.println("--count must not be negative");
            err.flush();
            return 2;
        }
        final File file = new File(dataDir, CountersFile.FILE_NAME);
        if (!file.isFile())
        {
            err.println("no counters at " + file.getPath() + ": is the server running with --data " +
                dataDir.getPath() + "?");
            err.flush();
            return 1;
        }

        CountersFile counters;
        try
        {
            counters = CountersFile.mapReadOnly(file);
        }
        catch (final RuntimeException ex)
        {
            err.println(ex.getMessage());
            err.flush();
            return 1;
        }

        if (errors)
        {
            try
            {
                printHeader(out, counters, false);
                printErrors(out, counters);
            }
            finally
            {
                counters.close();
            }
            return 0;
        }

        final boolean repeat = intervalMs > 0 && 1 != count;
        try
        {
            long previousNs = 0;
            for (int i = 0; 0 == count || i < count; i++)
            {
                if (i > 0)
                {
                    Thread.sleep(intervalMs);
                    if (null == counters || counters.isReplaced())
                    {
                        // A restarted server laid out a new file: follow it, rates start over.
                        if (null != counters)
                        {
                            counters.close();
                        }
                        previousValues = null;
                        previousSnapshots = null;
                        counters = reopen(file, out);
                        if (null == counters)
                        {
                            continue;
                        }
                    }
                }
                final long nowNs = System.nanoTime();
                if (histograms)
                {
                    previousSnapshots = printHistograms(out, counters, repeat, previousSnapshots, nowNs - previousNs);
                }
                else
                {
                    previousValues = print(out, counters, repeat, previousValues, nowNs - previousNs);
                }
                previousNs = nowNs;
                if (0 == intervalMs)
                {
                    break;
                }
            }
        }
        finally
        {
            if (null != counters)
            {
                counters.close();
            }
        }
        return 0;
    }

    private static CountersFile reopen(final File file, final PrintWriter out)
    {
        try
        {
            return CountersFile.mapReadOnly(file);
        }
        catch (final RuntimeException ex)
        {
            out.println(LocalTime.now().format(TIME) + "  " + ex.getMessage());
            out.flush();
            return null;
        }
    }

    /**
     * Print one block: a header about the server, then label, value and, given the values of the last block, the
     * change per second, grouped by label prefix ("ring: ", "edge: ", "journal: ") in order of first appearance.
     * Histogram buckets are left to {@code --histograms}.
     *
     * @return the values printed, by counter id.
     */
    private static long[] print(
        final PrintWriter out,
        final CountersFile counters,
        final boolean repeat,
        final long[] previous,
        final long elapsedNs)
    {
        final CountersReader reader = counters.reader();
        printHeader(out, counters, repeat);

        final Map<String, List<Row>> groups = new LinkedHashMap<>();
        final long[] values = new long[reader.maxCounterId() + 1];
        final int[] histogramCount = new int[1];
        reader.forEach((final long value, final int counterId, final String label) ->
        {
            values[counterId] = value;
            final int typeId = reader.getCounterTypeId(counterId);
            if (ServiceTimeHistogram.HISTOGRAM_TYPE_ID == typeId)
            {
                histogramCount[0]++;
            }
            else if (ServiceTimeHistogram.BUCKET_TYPE_ID != typeId)
            {
                groups.computeIfAbsent(group(label), (key) -> new ArrayList<>()).add(new Row(counterId, label, value));
            }
        });

        int labelWidth = "counter".length();
        for (final List<Row> rows : groups.values())
        {
            for (final Row row : rows)
            {
                labelWidth = Math.max(labelWidth, row.label.length());
            }
        }
        final boolean withRate = null != previous && previous.length == values.length && elapsedNs > 0;
        out.println(String.format(Locale.ROOT, "  %-" + labelWidth + "s %20s%s", "counter", "value",
            withRate ? String.format(Locale.ROOT, " %16s", "per second") : ""));
        boolean first = true;
        for (final List<Row> rows : groups.values())
        {
            if (!first)
            {
                out.println();
            }
            first = false;
            for (final Row row : rows)
            {
                String rate = "";
                if (withRate)
                {
                    final double perSecond = (row.value - previous[row.counterId]) *
                        (double)TimeUnit.SECONDS.toNanos(1) / elapsedNs;
                    rate = String.format(Locale.ROOT, " %,16.0f", perSecond);
                }
                out.println(String.format(Locale.ROOT, "  %-" + labelWidth + "s %,20d%s", row.label, row.value, rate));
            }
        }
        if (histogramCount[0] > 0)
        {
            out.println(String.format(Locale.ROOT, "  service times: %d histograms (switchboard stat --histograms " +
                "prints them)", histogramCount[0]));
        }
        final long[] observations = new long[1];
        final int distinct = counters.readErrors(
            (observationCount, firstTimestamp, lastTimestamp, encodedException) -> observations[0] += observationCount);
        out.println(String.format(Locale.ROOT, "  errors: %d distinct, %,d observed%s", distinct, observations[0],
            distinct > 0 ? " (switchboard stat --errors prints them)" : ""));
        if (repeat)
        {
            out.println();
        }
        out.flush();
        return values;
    }

    /**
     * Print the service-time histograms: since the server started, or, given the last block's, of the interval.
     *
     * @return the snapshots read.
     */
    private static List<ServiceTimeSnapshot> printHistograms(
        final PrintWriter out,
        final CountersFile counters,
        final boolean repeat,
        final List<ServiceTimeSnapshot> previous,
        final long elapsedNs)
    {
        printHeader(out, counters, repeat);
        final List<ServiceTimeSnapshot> snapshots = counters.serviceTimes();
        final boolean interval = null != previous && previous.size() == snapshots.size();
        int nameWidth = "service time".length();
        for (final ServiceTimeSnapshot snapshot : snapshots)
        {
            nameWidth = Math.max(nameWidth, snapshot.name().length());
        }
        out.println(String.format(Locale.ROOT, "  %-" + nameWidth + "s %14s %9s %9s %9s %9s %9s   (%s)",
            "service time", "count", "p50", "p90", "p99", "p99.9", "max",
            interval ? String.format(Locale.ROOT, "last %.1f s", elapsedNs / 1e9) : "since start"));
        for (int i = 0; i < snapshots.size(); i++)
        {
            final ServiceTimeSnapshot snapshot = interval ? snapshots.get(i).minus(previous.get(i)) : snapshots.get(i);
            out.println(String.format(Locale.ROOT, "  %-" + nameWidth + "s %,14d %9s %9s %9s %9s %9s",
                snapshot.name(), snapshot.totalCount(),
                formatNs(snapshot.valueAtPercentile(50)), formatNs(snapshot.valueAtPercentile(90)),
                formatNs(snapshot.valueAtPercentile(99)), formatNs(snapshot.valueAtPercentile(99.9)),
                formatNs(snapshot.maxValue())));
        }
        if (snapshots.isEmpty())
        {
            out.println("  (no histograms in this file)");
        }
        if (repeat)
        {
            out.println();
        }
        out.flush();
        return snapshots;
    }

    /** The label's group: what comes before its first ": ", or "other". */
    static String group(final String label)
    {
        final int end = label.indexOf(": ");
        return end > 0 ? label.substring(0, end) : "other";
    }

    /** A time to three significant digits in ns, us, ms or s; "-" for none. */
    static String formatNs(final long valueNs)
    {
        if (valueNs <= 0)
        {
            return "-";
        }
        if (valueNs < 1_000)
        {
            return valueNs + " ns";
        }
        final double value;
        final String unit;
        if (valueNs < 1_000_000)
        {
            value = valueNs / 1e3;
            unit = " us";
        }
        else if (valueNs < 1_000_000_000)
        {
            value = valueNs / 1e6;
            unit = " ms";
        }
        else
        {
            value = valueNs / 1e9;
            unit = " s";
        }
        final String pattern = value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, pattern, value) + unit;
    }

    private static void printHeader(final PrintWriter out, final CountersFile counters, final boolean repeat)
    {
        final String started = format(counters.startTimeMs(), DATE_TIME);
        out.println((repeat ? LocalTime.now().format(TIME) + "  " : "") + counters.file().getPath() + ": pid " +
            counters.pid() + ", started " + started + ", " + counters.status());
    }

    /**
     * As Aeron's ErrorStat: one block per distinct error, most recent layout first as the log holds them.
     */
    private static void printErrors(final PrintWriter out, final CountersFile counters)
    {
        final long[] observations = new long[1];
        final StringBuilder blocks = new StringBuilder();
        final int distinct = counters.readErrors((observationCount, firstTimestamp, lastTimestamp, encodedException) ->
        {
            observations[0] += observationCount;
            blocks.append(String.format(Locale.ROOT, "%n%,d observations from %s to %s for:%n%s",
                observationCount, format(firstTimestamp, DATE_TIME_MS), format(lastTimestamp, DATE_TIME_MS),
                encodedException.endsWith(System.lineSeparator()) || encodedException.endsWith("\n") ?
                encodedException : encodedException + System.lineSeparator()));
        });
        out.println(String.format(Locale.ROOT, "%d distinct errors, %,d observed", distinct, observations[0]));
        out.print(blocks);
        out.flush();
    }

    private static String format(final long epochMs, final DateTimeFormatter formatter)
    {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneId.systemDefault()).format(formatter);
    }

    private static final class Row
    {
        final int counterId;
        final String label;
        final long value;

        Row(final int counterId, final String label, final long value)
        {
            this.counterId = counterId;
            this.label = label;
            this.value = value;
        }
    }

    /**
     * Reads a time such as {@code 1s}, {@code 500ms} or {@code 2m} as milliseconds; a bare number is seconds.
     */
    static final class IntervalConverter implements CommandLine.ITypeConverter<Long>
    {
        private static final Pattern INTERVAL = Pattern.compile("(\\d+)(ms|s|m)?");

        public Long convert(final String value)
        {
            final Matcher matcher = INTERVAL.matcher(value.trim());
            if (!matcher.matches())
            {
                throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a time such as 1s, 500ms or 2m");
            }
            final long amount = Long.parseLong(matcher.group(1));
            final String unit = null == matcher.group(2) ? "s" : matcher.group(2);
            switch (unit)
            {
                case "ms":
                    return amount;
                case "m":
                    return TimeUnit.MINUTES.toMillis(amount);
                default:
                    return TimeUnit.SECONDS.toMillis(amount);
            }
        }
    }
}
