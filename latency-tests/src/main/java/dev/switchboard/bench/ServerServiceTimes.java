package dev.switchboard.bench;

import dev.switchboard.ring.ServiceTimeSnapshot;
import dev.switchboard.server.ServiceTimeReader;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's own service-time histograms over a run's measured window (from halfway through the warm-up to the last
 * delivery), read from its counters file before and after it: what the server saw of each event (and of each Send, from the edge's publication to the end of its delivery
 * step) next to what the load generator saw end to end, with the warm-up taken out.
 */
final class ServerServiceTimes
{
    static final ServerServiceTimes NONE = new ServerServiceTimes(null);

    private final File dataDir;
    private List<ServiceTimeSnapshot> atStart = List.of();
    private boolean started;
    private final List<ServiceTimeSnapshot> window = new ArrayList<>();

    private ServerServiceTimes(final File dataDir)
    {
        this.dataDir = dataDir;
    }

    /**
     * For a Switchboard server started by the bench (its data folder holds its counters file); NONE for a peer.
     */
    static ServerServiceTimes of(final LoadRig rig)
    {
        final boolean ownServer = null != rig.process() && "switchboard".equals(rig.target());
        return ownServer && ServiceTimeReader.isPresent(rig.dataDir()) ? new ServerServiceTimes(rig.dataDir()) : NONE;
    }

    boolean started()
    {
        return started;
    }

    /**
     * The window opens; halfway through a run's warm-up, since the read stalls the load loop for milliseconds.
     */
    void start()
    {
        started = true;
        atStart = read();
    }

    void stop()
    {
        final List<ServiceTimeSnapshot> atEnd = read();
        window.clear();
        for (final ServiceTimeSnapshot end : atEnd)
        {
            for (final ServiceTimeSnapshot start : atStart)
            {
                if (start.name().equals(end.name()))
                {
                    window.add(end.minus(start));
                }
            }
        }
    }

    /**
     * One figure per histogram: count and p50 / p99 / p99.9 / max in microseconds.
     */
    void addTo(final BenchResult result)
    {
        if (window.isEmpty())
        {
            return;
        }
        final Map<String, Object> figures = new LinkedHashMap<>();
        for (final ServiceTimeSnapshot snapshot : window)
        {
            figures.put(snapshot.name(), String.format(
                "count %d, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us",
                snapshot.totalCount(),
                snapshot.valueAtPercentile(50) / 1e3,
                snapshot.valueAtPercentile(99) / 1e3,
                snapshot.valueAtPercentile(99.9) / 1e3,
                snapshot.maxValue() / 1e3));
        }
        result.figure("serverServiceTimes", figures);
    }

    private List<ServiceTimeSnapshot> read()
    {
        if (null == dataDir)
        {
            return List.of();
        }
        try (ServiceTimeReader reader = ServiceTimeReader.open(dataDir))
        {
            return reader.read();
        }
        catch (final IllegalStateException ex)
        {
            return List.of();
        }
    }
}
