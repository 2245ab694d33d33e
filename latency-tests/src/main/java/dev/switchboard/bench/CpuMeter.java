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
    private long serverStartNs;
    private long serverEndNs;
    private long loadStartNs;
    private long loadEndNs;
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
        serverStartNs = serverPid < 0 ? -1 : ProcessStats.cpuTimeNs(serverPid);
        loadStartNs = ProcessStats.cpuTimeNs(loadPid);
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
        serverEndNs = serverPid < 0 ? -1 : ProcessStats.cpuTimeNs(serverPid);
        loadEndNs = ProcessStats.cpuTimeNs(loadPid);
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
        return serverStartNs < 0 || serverEndNs < 0 ? -1 : serverEndNs - serverStartNs;
    }

    long loadCpuNs()
    {
        return loadStartNs < 0 || loadEndNs < 0 ? -1 : loadEndNs - loadStartNs;
    }

    /**
     * The window's figures: {@code cpuWindowSeconds}, {@code cpuWindowDelivered}, {@code serverCpuSeconds},
     * {@code loadCpuSeconds}, {@code serverCpuCores}, {@code loadCpuCores}, {@code serverCpuUsPerMessage},
     * {@code loadCpuUsPerMessage} and, from an open loop, {@code loadBusyShare}.
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
        addProcess(result, "server", serverCpuNs(), windowNs, delivered);
        addProcess(result, "load", loadCpuNs(), windowNs, delivered);
        if (loadBusyNs >= 0)
        {
            result.figure("loadBusyShare", loadBusyNs / windowNs);
        }
    }

    private static void addProcess(
        final BenchResult result, final String name, final long cpuNs, final double windowNs, final long delivered)
    {
        if (cpuNs < 0)
        {
            return;
        }
        result.figure(name + "CpuSeconds", cpuNs / 1e9);
        result.figure(name + "CpuCores", cpuNs / windowNs);
        if (delivered > 0)
        {
            result.figure(name + "CpuUsPerMessage", cpuNs / (double)TimeUnit.MICROSECONDS.toNanos(1) / delivered);
        }
    }
}
