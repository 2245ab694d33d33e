package dev.switchboard.bench;

/**
 * A peer server's footprint under idle connections, measured the same way for every peer: resident memory after a
 * 1 s settle before the connections open and after a 5 s settle once they are open, then its CPU use over 10 s while
 * they idle.
 */
final class IdleFootprint
{
    private final LoopbackServerProcess server;
    private final long baselineRss;
    private long loadedRss;
    private double idleCpu;

    private IdleFootprint(final LoopbackServerProcess server, final long baselineRss)
    {
        this.server = server;
        this.baselineRss = baselineRss;
    }

    /**
     * The baseline, taken before the connections open.
     */
    static IdleFootprint baseline(final LoopbackServerProcess server) throws InterruptedException
    {
        Thread.sleep(1000);
        return new IdleFootprint(server, server.residentBytes());
    }

    /**
     * The loaded memory and idle CPU, taken once the connections are open.
     */
    void measureLoaded() throws InterruptedException
    {
        Thread.sleep(5000);
        loadedRss = server.residentBytes();
        final long cpuStartNs = server.cpuTimeNs();
        final long idleStartNs = System.nanoTime();
        Thread.sleep(10_000);
        idleCpu = (server.cpuTimeNs() - cpuStartNs) / (double)(System.nanoTime() - idleStartNs);
    }

    /**
     * The memory figures, growth spread over {@code connections}, and the idle CPU in cores.
     */
    void addTo(final BenchResult result, final long connections)
    {
        result.figure("serverRssBaselineBytes", baselineRss);
        result.figure("serverRssLoadedBytes", loadedRss);
        result.figure("rssGrowthPerConnectionBytes", (loadedRss - baselineRss) / (double)connections);
        result.figure("idleServerCpuCores", idleCpu);
    }
}
