package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one scenario run against one target measured: latency series (nanoseconds) and named figures.
 */
final class BenchResult
{
    /**
     * The highest latency a series records; anything slower is recorded as this.
     */
    static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;

    final String scenario;
    final String target;
    final Map<String, Histogram> series = new LinkedHashMap<>();
    final Map<String, Object> figures = new LinkedHashMap<>();

    BenchResult(final String scenario, final String target)
    {
        this.scenario = scenario;
        this.target = target;
    }

    static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_TRACKABLE_NS, 3);
    }

    /**
     * A new named series, recorded in nanoseconds.
     */
    Histogram series(final String name)
    {
        return series.computeIfAbsent(name, ignore -> newHistogram());
    }

    BenchResult figure(final String name, final Object value)
    {
        figures.put(name, value);
        return this;
    }

    static void record(final Histogram histogram, final long valueNs)
    {
        histogram.recordValue(Math.max(1, Math.min(valueNs, HIGHEST_TRACKABLE_NS)));
    }

    String label(final String seriesName)
    {
        return target + " " + scenario + " " + seriesName;
    }
}
