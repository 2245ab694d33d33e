package dev.switchboard.bench;

import java.util.concurrent.TimeUnit;

/**
 * CPU time of the server and of the load generator (this process) over a run's measured window, from their
 * /proc/&lt;pid&gt;/stat utime + stime, and the messages delivered in that window: CPU per delivered message, the
 * figure that compares servers doing the same work, and the load's. A load generator that polls without blocking
 * (the open loop) takes a whole core at any rate, so it also reports the share of the window its loop was busy, which
 * is what says whether the client was what limited. The clock ticks of /proc are 10 ms, so a window of a few seconds
 * gives two or three significant digits.
 */
final class CpuMeter
{
    private final long serverPid;
    private final long loadPid = ProcessHandle.current().pid();
    private boolean started;
    private boolean stopped;
    private long startNs;
    private long endNs;
    private long[] serverStart;
    private long[] serverEnd;
    private long[] loadStart;
    private long[] loadEnd;
    private long deliveredAtStart;
    private long deliveredAtEnd;
    private long loadBusyNs = -1;

    /**
     * @param server the server process, or null when the bench did not start it (its CPU is then not measured).
     */
    CpuMeter(final LoopbackServerProcess server)
    {
        this.serverPid = null == server ? -1 : server.pid();
    }

    boolean started()
    {
        return started;
    }

    boolean stopped()
    {
        return stopped;
    }

    /**
     * The measured window opens: sample both processes' CPU time and the deliveries so far.
     */
    void start(final long nowNs, final long delivered)
    {
        started = true;
        startNs = nowNs;
        deliveredAtStart = delivered;
        serverStart = serverPid < 0 ? null : ProcessStats.cpuTimesNs(serverPid);
        loadStart = ProcessStats.cpuTimesNs(loadPid);
    }

    /**
     * The measured window closes.
     */
    void stop(final long nowNs, final long delivered)
    {
        if (!started || stopped)
        {
            return;
        }
        stopped = true;
        endNs = nowNs;
        deliveredAtEnd = delivered;
        serverEnd = serverPid < 0 ? null : ProcessStats.cpuTimesNs(serverPid);
        loadEnd = ProcessStats.cpuTimesNs(loadPid);
    }

    /**
     * How long the load generator's loop was busy (sent or read something) in the window, when the loop measures it.
     */
    void loadBusyNs(final long busyNs)
    {
        this.loadBusyNs = busyNs;
    }

    long windowNs()
    {
        return endNs - startNs;
    }

    long windowDelivered()
    {
        return deliveredAtEnd - deliveredAtStart;
    }

    /**
     * Server CPU time over the window in nanoseconds, or -1 when unknown.
     */
    long serverCpuNs()
    {
        return spentNs(serverStart, serverEnd);
    }

    long loadCpuNs()
    {
        return spentNs(loadStart, loadEnd);
    }

    /** User plus system CPU time between two samples, or -1 when either is unknown. */
    private static long spentNs(final long[] start, final long[] end)
    {
        return null == start || null == end ? -1 :
            end[ProcessStats.USER] - start[ProcessStats.USER] + end[ProcessStats.SYSTEM] - start[ProcessStats.SYSTEM];
    }

    /**
     * The window's figures: {@code cpuWindowSeconds}, {@code cpuWindowDelivered}, {@code serverCpuSeconds},
     * {@code loadCpuSeconds}, {@code serverCpuCores}, {@code loadCpuCores}, {@code serverCpuUsPerMessage},
     * {@code loadCpuUsPerMessage}, their kernel part {@code serverSystemCpuUsPerMessage} and
     * {@code loadSystemCpuUsPerMessage} and, from an open loop, {@code loadBusyShare}.
     */
    void addTo(final BenchResult result)
    {
        if (!stopped)
        {
            return;
        }
        final double windowNs = endNs - startNs;
        final long delivered = windowDelivered();
        result.figure("cpuWindowSeconds", windowNs / 1e9);
        result.figure("cpuWindowDelivered", delivered);
        addProcess(result, "server", serverStart, serverEnd, windowNs, delivered);
        addProcess(result, "load", loadStart, loadEnd, windowNs, delivered);
        if (loadBusyNs >= 0)
        {
            result.figure("loadBusyShare", loadBusyNs / windowNs);
        }
    }

    private static void addProcess(
        final BenchResult result,
        final String name,
        final long[] start,
        final long[] end,
        final double windowNs,
        final long delivered)
    {
        if (null == start || null == end)
        {
            return;
        }
        final long cpuNs = spentNs(start, end);
        final long systemNs = end[ProcessStats.SYSTEM] - start[ProcessStats.SYSTEM];
        result.figure(name + "CpuSeconds", cpuNs / 1e9);
        result.figure(name + "CpuCores", cpuNs / windowNs);
        if (delivered > 0)
        {
            final double nsPerUs = TimeUnit.MICROSECONDS.toNanos(1);
            result.figure(name + "CpuUsPerMessage", cpuNs / nsPerUs / delivered);
            result.figure(name + "SystemCpuUsPerMessage", systemNs / nsPerUs / delivered);
        }
    }
}
