package dev.switchboard.bench;

/**
 * CPU used by the server and by this (client) process over a run, in cores: on a small host it tells whether the
 * load generator itself was short of CPU.
 */
final class CpuMeter
{
    private final ServerProcess server;
    private final long startNs = System.nanoTime();
    private final long serverStartNs;
    private final long clientStartNs;

    CpuMeter(final ServerProcess server)
    {
        this.server = server;
        this.serverStartNs = null == server ? -1 : server.cpuTimeNs();
        this.clientStartNs = ProcessStats.cpuTimeNs(ProcessHandle.current().pid());
    }

    void addTo(final BenchResult result)
    {
        final double elapsedNs = System.nanoTime() - startNs;
        if (null != server && serverStartNs >= 0)
        {
            result.figure("serverCpuCores", (server.cpuTimeNs() - serverStartNs) / elapsedNs);
        }
        if (clientStartNs >= 0)
        {
            result.figure("clientCpuCores",
                (ProcessStats.cpuTimeNs(ProcessHandle.current().pid()) - clientStartNs) / elapsedNs);
        }
    }
}
