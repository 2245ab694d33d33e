package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's output: the terminal summary table, one .hgrm percentile file per series, the JSON file with every
 * figure, the settings and the host facts, and the SVG percentile plot of all series.
 */
final class ReportWriter
{
    private ReportWriter()
    {
    }

    static Map<String, Object> percentilesUs(final Histogram histogram)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("count", histogram.getTotalCount());
        map.put("minUs", histogram.getMinValue() / 1000.0);
        map.put("p50Us", histogram.getValueAtPercentile(50) / 1000.0);
        map.put("p90Us", histogram.getValueAtPercentile(90) / 1000.0);
        map.put("p99Us", histogram.getValueAtPercentile(99) / 1000.0);
        map.put("p999Us", histogram.getValueAtPercentile(99.9) / 1000.0);
        map.put("p9999Us", histogram.getValueAtPercentile(99.99) / 1000.0);
        map.put("maxUs", histogram.getMaxValue() / 1000.0);
        map.put("meanUs", histogram.getMean() / 1000.0);
        return map;
    }

    static void printTable(final PrintStream out, final List<BenchResult> results)
    {
        out.printf(Locale.ROOT, "%-34s %10s %9s %9s %9s %9s %10s%n",
            "series", "count", "p50 us", "p99 us", "p99.9 us", "p99.99", "max us");
        for (final BenchResult result : results)
        {
            for (final Map.Entry<String, Histogram> entry : result.series.entrySet())
            {
                final Histogram h = entry.getValue();
                out.printf(Locale.ROOT, "%-34s %10d %9.1f %9.1f %9.1f %9.1f %10.1f%n",
                    result.label(entry.getKey()), h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0, h.getValueAtPercentile(99.99) / 1000.0,
                    h.getMaxValue() / 1000.0);
            }
        }
        for (final BenchResult result : results)
        {
            for (final Map.Entry<String, Object> figure : result.figures.entrySet())
            {
                out.printf(Locale.ROOT, "%-34s %s%n", result.target + " " + figure.getKey(), format(figure.getValue()));
            }
        }
    }

    /**
     * Write the .hgrm files beside the JSON file (or into {@code dir}), the JSON and the plot; returns the files.
     */
    static List<File> write(
        final List<BenchResult> results,
        final Map<String, Object> settings,
        final Map<String, Object> extra,
        final File dir,
        final File jsonFile,
        final File plotFile)
    {
        final List<File> written = new ArrayList<>();
        try
        {
            Files.createDirectories(dir.toPath());
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("settings", settings);
            json.put("host", HostFacts.collect());
            final List<Object> runs = new ArrayList<>();
            final Map<String, Histogram> allSeries = new LinkedHashMap<>();
            for (final BenchResult result : results)
            {
                final Map<String, Object> run = new LinkedHashMap<>();
                run.put("scenario", result.scenario);
                run.put("target", result.target);
                final Map<String, Object> series = new LinkedHashMap<>();
                for (final Map.Entry<String, Histogram> entry : result.series.entrySet())
                {
                    final String fileName = (result.target + "-" + result.scenario + "-" + entry.getKey())
                        .replaceAll("[^A-Za-z0-9._-]", "_") + ".hgrm";
                    final File hgrm = new File(dir, fileName);
                    try (PrintStream out = new PrintStream(hgrm, StandardCharsets.UTF_8))
                    {
                        entry.getValue().outputPercentileDistribution(out, 1000.0);
                    }
                    written.add(hgrm);
                    final Map<String, Object> percentiles = percentilesUs(entry.getValue());
                    percentiles.put("hgrm", hgrm.getName());
                    series.put(entry.getKey(), percentiles);
                    allSeries.put(result.label(entry.getKey()), entry.getValue());
                }
                run.put("series", series);
                run.put("figures", result.figures);
                runs.add(run);
            }
            json.put("runs", runs);
            json.putAll(extra);
            if (null != jsonFile)
            {
                Files.writeString(jsonFile.toPath(), Json.write(json), StandardCharsets.UTF_8);
                written.add(jsonFile);
            }
            if (null != plotFile)
            {
                final String title = results.isEmpty() ? "bench" : results.get(0).scenario + " latency by percentile";
                Files.writeString(plotFile.toPath(), PercentilePlot.svg(title, allSeries), StandardCharsets.UTF_8);
                written.add(plotFile);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return written;
    }

    private static String format(final Object value)
    {
        if (value instanceof Double)
        {
            return String.format(Locale.ROOT, "%.2f", (Double)value);
        }
        return String.valueOf(value);
    }
}
