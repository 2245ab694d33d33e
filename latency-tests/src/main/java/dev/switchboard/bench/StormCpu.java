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
    private long serverCompilerStartNs;
    private long serverNs = -1;
    private long serverCompilerNs = -1;
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
        serverCompilerStartNs = serverPid < 0 ? -1 : ProcessStats.compilerCpuTimeNs(serverPid);
        loadStartNs = ProcessStats.cpuTimeNs(loadPid);
    }

    void stop()
    {
        serverNs = serverPid < 0 ? -1 : ProcessStats.cpuTimeNs(serverPid) - serverStartNs;
        final long compilerNs = serverPid < 0 ? -1 : ProcessStats.compilerCpuTimeNs(serverPid);
        serverCompilerNs = compilerNs < 0 || serverCompilerStartNs < 0 ? -1 : compilerNs - serverCompilerStartNs;
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
        if (serverCompilerNs >= 0)
        {
            // Part of the server's CPU above: a warm storm has next to none.
            result.figure("serverCompilerCpuUsPerLogin", serverCompilerNs / 1e3 / logins);
        }
        result.figure("loadCpuUsPerLogin", loadNs / 1e3 / logins);
    }
}
