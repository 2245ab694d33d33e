package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench compare SCENARIO}: Switchboard and the peers run the same scenario in turn (alternating, so drift on a
 * shared machine hits both), then the ratios ours / theirs for p50, p99, p99.9, throughput, memory per connection
 * and CPU per delivered message, and a table of each target's server and load CPU per message.
 */
final class Compare
{
    static final List<String> PEERS = List.of("nats", "mosquitto", "mosquitto-qos0");
    private static final String MAX_SUSTAINED_RATE = "maxSustainedRate";

    private Compare()
    {
    }

    static List<BenchResult> run(
        final String scenario,
        final BenchSettings settings,
        final CpuAffinity affinity,
        final File serverHome,
        final File outDir,
        final PrintStream out,
        final Map<String, Object> extra)
    {
        final List<String> targets = new ArrayList<>();
        targets.add("switchboard");
        for (final String peer : chosenPeers(settings.peers))
        {
            if (PeerScenarios.isAvailable(peer, scenario))
            {
                targets.add(peer);
            }
            else
            {
                out.println("bench: " + peer + " skipped (" + PeerScenarios.whyUnavailable(peer, scenario) + ")");
            }
        }
        final Map<String, List<BenchResult>> byTarget = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();
        final String originalTarget = settings.target;
        for (int run = 0; run < Math.max(1, settings.runs); run++)
        {
            for (final String target : targets)
            {
                settings.target = target;
                try
                {
                    final BenchResult result = BenchCli.runOne(scenario, settings, affinity, serverHome, outDir, out);
                    byTarget.computeIfAbsent(target, ignore -> new ArrayList<>()).add(result);
                }
                catch (final RuntimeException ex)
                {
                    // One target failing must not lose the others' runs: report it and go on.
                    out.println("bench: " + target + " run " + (run + 1) + " failed: " + ex);
                    failures.add(target + " run " + (run + 1) + ": " + ex);
                }
            }
        }
        settings.target = originalTarget;

        final List<Object> everyRun = new ArrayList<>();
        for (final List<BenchResult> runs : byTarget.values())
        {
            for (final BenchResult run : runs)
            {
                final Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("target", run.target);
                for (final Map.Entry<String, Histogram> entry : run.series.entrySet())
                {
                    summary.put(entry.getKey(), ReportWriter.percentilesUs(entry.getValue()));
                }
                summary.put("figures", run.figures);
                everyRun.add(summary);
            }
        }
        extra.put("everyRun", everyRun);
        extra.put("failures", failures);
        if (byTarget.isEmpty())
        {
            throw new IllegalStateException("every run failed: " + failures);
        }

        final List<BenchResult> results = new ArrayList<>();
        for (final List<BenchResult> runs : byTarget.values())
        {
            results.add(runs.get(medianRun(runs)));
        }
        final Map<String, Object> ratios = new LinkedHashMap<>();
        final BenchResult ours = results.get(0);
        for (int i = "switchboard".equals(ours.target) ? 1 : results.size(); i < results.size(); i++)
        {
            final BenchResult theirs = results.get(i);
            final Map<String, Object> ratio = ratios(ours, theirs);
            ratios.put(theirs.target, ratio);
            out.println();
            out.println("switchboard / " + theirs.target + " (below 1 is better for latency and memory, " +
                "above 1 for throughput):");
            for (final Map.Entry<String, Object> entry : ratio.entrySet())
            {
                out.printf(Locale.ROOT, "  %-28s %s%n", entry.getKey(), entry.getValue());
            }
        }
        extra.put("ratiosOursOverTheirs", ratios);
        printCpuTable(out, results);
        return results;
    }

    /**
     * Each target's CPU over its measured window per delivered message, beside its latency, and the ratios to the
     * first target (Switchboard): the server's work per message is what compares servers; the load's says whether
     * the load generator was what limited.
     */
    /**
     * The peers {@code --peers} names, in {@link #PEERS} order whatever order they were given in, each once.
     *
     * @throws IllegalArgumentException for a name that is no peer, before anything has run.
     */
    static List<String> chosenPeers(final List<String> names)
    {
        for (final String name : names)
        {
            if (!PEERS.contains(name))
            {
                throw new IllegalArgumentException("no such peer: " + name + "; peers are " + PEERS);
            }
        }
        final List<String> chosen = new ArrayList<>();
        for (final String peer : PEERS)
        {
            if (names.contains(peer))
            {
                chosen.add(peer);
            }
        }
        return chosen;
    }

    static void printCpuTable(final PrintStream out, final List<BenchResult> results)
    {
        out.println();
        out.printf(Locale.ROOT, "%-16s %10s %8s %8s %9s %9s %9s %9s %9s %9s %8s %8s%n", "target", "delivered",
            "srv cpu s", "load s", "srv us/m", "srv sys/m", "load us/m", "load busy", "p50 us", "p99 us", "srv x",
            "load x");
        final BenchResult first = results.isEmpty() ? null : results.get(0);
        for (final BenchResult result : results)
        {
            final Histogram h = result.series.isEmpty() ? null : result.series.values().iterator().next();
            out.printf(Locale.ROOT, "%-16s %10s %8s %8s %9s %9s %9s %9s %9s %9s %8s %8s%n", result.target,
                figure(result, "cpuWindowDelivered", "%.0f"),
                figure(result, "serverCpuSeconds", "%.2f"),
                figure(result, "loadCpuSeconds", "%.2f"),
                figure(result, "serverCpuUsPerMessage", "%.2f"),
                figure(result, "serverSystemCpuUsPerMessage", "%.2f"),
                figure(result, "loadCpuUsPerMessage", "%.2f"),
                figure(result, "loadBusyShare", "%.2f"),
                null == h ? "-" : String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(50) / 1000.0),
                null == h ? "-" : String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(99) / 1000.0),
                ratio(first, result, "serverCpuUsPerMessage"),
                ratio(first, result, "loadCpuUsPerMessage"));
        }
        out.println("(srv x, load x: this target's CPU per delivered message over " +
            (null == first ? "the first" : first.target) + "'s; CPU over the measured window, /proc utime + stime" +
            " (srv sys/m: the stime part, the kernel's work);" +
            " load busy: share of the window the load loop spent sending or reading, as it polls without blocking)");
    }

    private static String figure(final BenchResult result, final String name, final String format)
    {
        final Object value = result.figures.get(name);
        return value instanceof Number ? String.format(Locale.ROOT, format, ((Number)value).doubleValue()) : "-";
    }

    private static String ratio(final BenchResult base, final BenchResult result, final String name)
    {
        final Object a = result.figures.get(name);
        final Object b = null == base ? null : base.figures.get(name);
        if (a instanceof Number && b instanceof Number && ((Number)b).doubleValue() > 0)
        {
            return String.format(Locale.ROOT, "%.2f", ((Number)a).doubleValue() / ((Number)b).doubleValue());
        }
        return "-";
    }

    /**
     * The run whose figure is the median of a target's runs, so the reported run is a real one, not a blend: by the highest sustained rate in a throughput search
     * (its latency series is at whatever rate each run reached, all near the bound), else by the p99 of the first series.
     */
    static int medianRun(final List<BenchResult> runs)
    {
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++)
        {
            order.add(i);
        }
        final boolean byRate = runs.stream().allMatch(run -> run.figures.get(MAX_SUSTAINED_RATE) instanceof Number);
        order.sort((a, b) -> byRate ?
            Long.compare(sustainedRate(runs.get(a)), sustainedRate(runs.get(b))) :
            Long.compare(p99(runs.get(a)), p99(runs.get(b))));
        return order.get(order.size() / 2);
    }

    private static long sustainedRate(final BenchResult result)
    {
        return ((Number)result.figures.get(MAX_SUSTAINED_RATE)).longValue();
    }

    private static long p99(final BenchResult result)
    {
        return result.series.isEmpty() ? 0 : result.series.values().iterator().next().getValueAtPercentile(99);
    }

    static Map<String, Object> ratios(final BenchResult ours, final BenchResult theirs)
    {
        final Map<String, Object> ratio = new LinkedHashMap<>();
        for (final Map.Entry<String, Histogram> entry : ours.series.entrySet())
        {
            final Histogram their = theirs.series.get(entry.getKey());
            if (null == their || their.getTotalCount() == 0 || entry.getValue().getTotalCount() == 0)
            {
                continue;
            }
            ratio.put(entry.getKey() + " p50", divide(entry.getValue().getValueAtPercentile(50),
                their.getValueAtPercentile(50)));
            ratio.put(entry.getKey() + " p99", divide(entry.getValue().getValueAtPercentile(99),
                their.getValueAtPercentile(99)));
            ratio.put(entry.getKey() + " p99.9", divide(entry.getValue().getValueAtPercentile(99.9),
                their.getValueAtPercentile(99.9)));
        }
        for (final String figure : List.of("maxSustainedRate", "deliveredPerSecond", "roundTripsPerSecond",
            "rssGrowthPerConnectionBytes", "loginsPerSecond", "drainRatePerSecond", "serverCpuUsPerMessage",
            "serverSystemCpuUsPerMessage", "loadCpuUsPerMessage"))
        {
            final Object a = ours.figures.get(figure);
            final Object b = theirs.figures.get(figure);
            if (a instanceof Number && b instanceof Number && ((Number)b).doubleValue() != 0)
            {
                ratio.put(figure, divide(((Number)a).doubleValue(), ((Number)b).doubleValue()));
            }
        }
        return ratio;
    }

    private static double divide(final double a, final double b)
    {
        return Math.round(a / b * 1000.0) / 1000.0;
    }
}
