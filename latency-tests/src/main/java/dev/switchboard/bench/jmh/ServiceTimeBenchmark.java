package dev.switchboard.bench.jmh;

import dev.switchboard.ring.RingCounters;
import dev.switchboard.ring.ServiceTimeHistogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the ring's observability costs per event: a service-time record (bucket lookup, release increment, max
 * check), the same around two clock reads as a timed stage does, and the clock reads alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServiceTimeBenchmark
{
    private final RingCounters counters = new RingCounters();
    private final ServiceTimeHistogram histogram = counters.sessionTime();
    private long valueNs = 1_000;

    /** One record of a varying value, so the bucket changes as it would. */
    @Benchmark
    public long recordValue()
    {
        final long value = valueNs = (valueNs * 31 + 7) & 0xF_FFFF;
        histogram.recordValue(value);
        return value;
    }

    /** What a timed stage adds to an event: two clock reads and a record. */
    @Benchmark
    public long timedEvent()
    {
        final long startNs = System.nanoTime();
        final long elapsedNs = System.nanoTime() - startNs;
        histogram.recordValue(elapsedNs);
        return elapsedNs;
    }

    /** The two clock reads alone. */
    @Benchmark
    public long clockReads()
    {
        final long startNs = System.nanoTime();
        return System.nanoTime() - startNs;
    }
}
