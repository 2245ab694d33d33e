package dev.switchboard.bench;

/**
 * CPU time of the server and of the load generator over a login storm, per login: what a login costs each side,
 * which says what rate the server could take from a faster load generator (one core's worth of logins is
 * 1 s / the server's CPU per login) when the load generator, not the server, is what limits the storm here.
 */
final class StormCpu
{
    private final long serverPid;
    private final long loadPid = ProcessHandle.current().pid();
    private long serverStartNs;
    private long loadStartNs;
    private long serverNs = -1;
    private long loadNs;

    /**
     * @param serverPid the server's process id, or a negative number when the bench did not start it.
     */
    StormCpu(final long serverPid)
    {
        this.serverPid = serverPid;
    }

    void start()
    {
        serverStartNs = serverPid < 0 ? -1 : ProcessStats.cpuTimeNs(serverPid);
        loadStartNs = ProcessStats.cpuTimeNs(loadPid);
    }

    void stop()
    {
        serverNs = serverPid < 0 ? -1 : ProcessStats.cpuTimeNs(serverPid) - serverStartNs;
        loadNs = ProcessStats.cpuTimeNs(loadPid) - loadStartNs;
    }

    void addTo(final BenchResult result, final long logins)
    {
        if (logins <= 0)
        {
            return;
        }
        if (serverNs >= 0)
        {
            result.figure("serverCpuSeconds", serverNs / 1e9);
            result.figure("serverCpuUsPerLogin", serverNs / 1e3 / logins);
        }
        result.figure("loadCpuUsPerLogin", loadNs / 1e3 / logins);
    }
}
