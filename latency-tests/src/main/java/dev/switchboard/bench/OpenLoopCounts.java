package dev.switchboard.bench;

/**
 * What an open-loop run ({@link OpenLoopRun}) counted, so pingpong and the throughput search
 * ({@link ThroughputSearch}) report every target the same way.
 */
interface OpenLoopCounts
{
    /**
     * Messages sent, warm-up included.
     */
    long sent();

    /**
     * Messages of this run delivered, warm-up included.
     */
    long delivered();

    /**
     * Messages sent that were due in the measured period.
     */
    long measuredSent();

    /**
     * Messages due in the measured period that were delivered; each is in the delivery latency series.
     */
    long measuredDelivered();

    /**
     * Messages never sent because their sender's connection was lost during the run.
     */
    default long lost()
    {
        return 0;
    }

    /**
     * The server and load CPU over the measured window; null when not measured.
     */
    default CpuMeter cpu()
    {
        return null;
    }

    /**
     * The pingpong figures of a run over {@code pairs} at {@code settings.rate}.
     */
    default void addTo(final BenchResult result, final int pairs, final BenchSettings settings)
    {
        result.figure("pairs", pairs);
        result.figure("rate", settings.rate);
        result.figure("sent", sent());
        result.figure("delivered", delivered());
        result.figure("measuredSent", measuredSent());
        result.figure("measuredDelivered", measuredDelivered());
        result.figure("deliveredPerSecond", measuredDelivered() / (double)settings.durationSeconds);
        result.figure("lostToClosedConnections", lost());
    }
}
