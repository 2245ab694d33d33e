package dev.switchboard.bench.jmh;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.ring.RingBenchFixture;
import dev.switchboard.ring.RingPublisher;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The ring alone: what {@code EdgeRingBridge.onFrame} does per inbound frame, {@link RingPublisher#publishFrame} of
 * one 66-byte Send frame into the server's ring (default size and slots, multi-producer sequencer), with one consumer
 * thread that only counts in place of the stages. The consumer spins (yielding or busy-spin) rather than the default
 * phased strategy, which would measure wake-ups; on 2 cores busy-spin can starve the publisher (docs/performance.md).
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingPublishConsumeBenchmark
{
    private static final int PAYLOAD_LENGTH = 32;
    private static final long CONNECTION_ID = 42;
    private static final int SPINS_BEFORE_YIELD = 100;

    @Param({ "yielding", "busy-spin" })
    public String waitStrategy;

    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
    private int frameLength;
    private RingBenchFixture ring;
    private RingPublisher publisher;
    private long published;

    @Setup(Level.Trial)
    public void setUp()
    {
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final SendEncoder encoder = new SendEncoder();
        encoder.wrapAndApplyHeader(frame, Sofh.HEADER_LENGTH, headerEncoder).clientMsgId(1);
        encoder.to().userId(1_000_000).deviceId(1);
        encoder.putPayload(new byte[PAYLOAD_LENGTH], 0, PAYLOAD_LENGTH);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        Sofh.write(frame, 0, messageLength);
        frameLength = Sofh.HEADER_LENGTH + messageLength;

        ring = new RingBenchFixture(waitStrategy);
        publisher = ring.publisher();
    }

    /**
     * Nothing is printed here: the gc profiler counts a trial's tear-down in its last measured iteration.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        ring.close();
        if (ring.framesConsumed() != published)
        {
            throw new IllegalStateException("consumer took " + ring.framesConsumed() + " of " + published + " frames");
        }
    }

    /**
     * Reported beside each result: publishes refused because the ring was full (the consumer is behind).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Retries
    {
        public long ringFull;

        @Setup(Level.Iteration)
        public void reset()
        {
            ringFull = 0;
        }
    }

    /**
     * Publish as fast as the ring takes them while the consumer drains; a full ring is retried, as a poller does.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public boolean publish(final Retries retries)
    {
        while (!publisher.publishFrame(0, CONNECTION_ID, frame, 0, frameLength))
        {
            retries.ringFull++;
            Thread.yield();
        }
        published++;
        return true;
    }

    /**
     * One hand-off: publish, then wait until the consumer has finished with that sequence.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long roundTrip(final Retries retries)
    {
        while (!publisher.publishFrame(0, CONNECTION_ID, frame, 0, frameLength))
        {
            retries.ringFull++;
            Thread.yield();
        }
        published++;
        final long sequence = ring.publishedSequence();
        int spins = 0;
        while (ring.consumedSequence() < sequence)
        {
            if (++spins < SPINS_BEFORE_YIELD)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
        return sequence;
    }
}
