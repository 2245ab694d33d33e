package dev.switchboard.ring;

import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.ring.ServiceTimeHistogram.BUCKET_COUNT;
import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceTimeHistogramTest
{
    private static final double[] PERCENTILES = { 0, 10, 50, 90, 99, 99.9, 99.99, 100 };

    @Test
    void shouldTileTheRangeWithBucketsAtMostAnEighthOfTheirValueWide()
    {
        assertEquals(0, ServiceTimeHistogram.bucketIndex(-5), "a clock stepping back counts as 0");
        assertEquals(0, ServiceTimeHistogram.bucketIndex(15));
        assertEquals(1, ServiceTimeHistogram.bucketIndex(16));
        assertEquals(BUCKET_COUNT - 1, ServiceTimeHistogram.bucketIndex(Long.MAX_VALUE));
        assertEquals(1L << 34, ServiceTimeHistogram.lowestValue(BUCKET_COUNT - 1), "the last bucket starts at ~17 s");
        assertTrue(ServiceTimeHistogram.lowestValue(BUCKET_COUNT - 1) > TimeUnit.SECONDS.toNanos(10));

        for (int i = 0; i < BUCKET_COUNT - 1; i++)
        {
            final long lowest = ServiceTimeHistogram.lowestValue(i);
            final long highest = ServiceTimeHistogram.highestValue(i);
            assertEquals(i, ServiceTimeHistogram.bucketIndex(lowest), "bucket " + i);
            assertEquals(i, ServiceTimeHistogram.bucketIndex(highest), "bucket " + i);
            assertEquals(i + 1, ServiceTimeHistogram.bucketIndex(highest + 1), "bucket " + i);
            if (i > 0)
            {
                assertTrue((highest + 1 - lowest) * 8 <= lowest, "bucket " + i + " [" + lowest + ", " + highest + "]");
            }
        }
    }

    @Test
    void shouldAgreeWithHdrHistogramToBucketPrecisionOnRandomData()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        for (int round = 0; round < 4; round++)
        {
            final ServiceTimeHistogram histogram = new ServiceTimeHistogram(newManager(), "test");
            final Histogram reference = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            final int count = 50_000 + random.nextInt(100_000);
            long maxNs = 0;
            for (int i = 0; i < count; i++)
            {
                final long valueNs = randomServiceTimeNs(random, round);
                histogram.recordValue(valueNs);
                reference.recordValue(valueNs);
                maxNs = Math.max(maxNs, valueNs);
            }

            final ServiceTimeSnapshot snapshot = histogram.snapshot();
            assertEquals(reference.getTotalCount(), snapshot.totalCount());
            assertEquals(reference.getTotalCount(), histogram.totalCount());
            assertEquals(maxNs, snapshot.maxValue(), "the max is exact");
            for (final double percentile : PERCENTILES)
            {
                // Both answer the highest value equivalent to the sample at that rank: HdrHistogram within 0.1%,
                // ours within its bucket, at most 1/8 above.
                final long expected = reference.getValueAtPercentile(percentile);
                final long actual = snapshot.valueAtPercentile(percentile);
                final String what = "p" + percentile + " round " + round + " seed " + seed;
                assertTrue(actual * 1.001 + 1 >= expected, what + ": " + actual + " below " + expected);
                assertTrue(actual <= expected * 1.125 + 16, what + ": " + actual + " too far above " + expected);
            }
        }
    }

    @Test
    void shouldReadEveryHistogramBackThroughACountersReader()
    {
        final CountersManager manager = newManager();
        final RingCounters counters = new RingCounters(manager);
        for (int i = 1; i <= 1_000; i++)
        {
            counters.sessionTime().recordValue(i * 100L);
        }
        counters.deliveryTime().recordValue(TimeUnit.MILLISECONDS.toNanos(3));

        final CountersReader reader = new CountersReader(manager.metaDataBuffer(), manager.valuesBuffer());
        final List<ServiceTimeSnapshot> snapshots = ServiceTimeSnapshot.readAll(reader);
        assertEquals(5, snapshots.size());
        assertEquals("ring: session service-time", snapshots.get(0).name());
        assertEquals("ring: route service-time", snapshots.get(1).name());
        assertEquals("ring: delivery service-time", snapshots.get(2).name());
        assertEquals("ring: event service-time", snapshots.get(3).name());
        assertEquals("ring: send-to-deliver time", snapshots.get(4).name());

        final ServiceTimeSnapshot session = snapshots.get(0);
        assertEquals(1_000, session.totalCount());
        assertEquals(100_000, session.maxValue());
        final long median = session.valueAtPercentile(50);
        assertTrue(median >= 50_000 && median <= 50_000 * 1.125, "median " + median);
        assertEquals(0, snapshots.get(1).totalCount());
        assertEquals(0, snapshots.get(1).valueAtPercentile(99));
        assertEquals(1, snapshots.get(2).totalCount());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(3), snapshots.get(2).valueAtPercentile(99), "capped at the max");
    }

    @Test
    void shouldSubtractAnEarlierSnapshotAsABenchRunSkipsItsWarmUp()
    {
        final ServiceTimeHistogram histogram = new ServiceTimeHistogram(newManager(), "test");
        for (int i = 0; i < 1_000; i++)
        {
            histogram.recordValue(TimeUnit.MILLISECONDS.toNanos(5)); // a slow warm-up
        }
        final ServiceTimeSnapshot afterWarmUp = histogram.snapshot();
        for (int i = 0; i < 100; i++)
        {
            histogram.recordValue(1_000);
        }

        final ServiceTimeSnapshot measured = histogram.snapshot().minus(afterWarmUp);
        assertEquals(100, measured.totalCount());
        final long p99 = measured.valueAtPercentile(99);
        assertTrue(p99 >= 1_000 && p99 <= 1_125, "p99 " + p99);
        final long max = measured.maxValue();
        assertTrue(max >= 1_000 && max <= 1_125, "the warm-up's max is not the interval's: " + max);
    }

    @Test
    void shouldCountSharedIncrementsFromManyThreadsExactly() throws InterruptedException
    {
        final RingCounters counters = new RingCounters();
        final Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++)
        {
            threads[t] = new Thread(() ->
            {
                for (int i = 0; i < 100_000; i++)
                {
                    counters.incrementShared(RingCounters.RING_FULL);
                }
            });
            threads[t].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertEquals(400_000, counters.get(RingCounters.RING_FULL));
    }

    @Test
    void shouldLabelTheRingCountersInTheManager()
    {
        final CountersManager manager = newManager();
        final RingCounters counters = new RingCounters(manager);
        counters.increment(RingCounters.MESSAGES_STORED);
        counters.add(RingCounters.RECORDS_EXPIRED, 7);

        final long[] found = { -1, -1 };
        manager.forEach((final long value, final int counterId, final String label) ->
        {
            if ("ring: messages-stored".equals(label))
            {
                found[0] = value;
                assertEquals(RingCounters.COUNTER_TYPE_ID, manager.getCounterTypeId(counterId));
            }
            else if ("ring: records-expired".equals(label))
            {
                found[1] = value;
            }
        });
        assertEquals(1, found[0]);
        assertEquals(7, found[1]);
        assertEquals(7, counters.get(RingCounters.RECORDS_EXPIRED));
    }

    @Test
    void shouldNotAllocateWhenCountingOrTimingAnEvent() throws Exception
    {
        final java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        assertTrue(bean instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final long threadId = Thread.currentThread().getId();

        final RingCounters counters = new RingCounters();
        final TimedStage stage = new TimedStage(
            (event, sequence, endOfBatch) -> counters.increment(RingCounters.DELIVERIES),
            counters.deliveryTime(),
            org.agrona.concurrent.SystemNanoClock.INSTANCE);
        final RingEvent event = new RingEvent(1024, 256);

        runHotPath(counters, stage, event, 100_000); // warm up: class loading and compilation allocate
        final long before = threads.getThreadAllocatedBytes(threadId);
        runHotPath(counters, stage, event, 1_000_000);
        final long allocatedBytes = threads.getThreadAllocatedBytes(threadId) - before;

        assertTrue(allocatedBytes < 1_024, allocatedBytes + " bytes for a million events");
        assertEquals(1_100_000, counters.deliveryTime().totalCount());
        assertEquals(1_100_000, counters.get(RingCounters.DELIVERIES));
    }

    private static void runHotPath(
        final RingCounters counters, final TimedStage stage, final RingEvent event, final int events) throws Exception
    {
        final ServiceTimeHistogram histogram = counters.sessionTime();
        for (int i = 0; i < events; i++)
        {
            stage.onEvent(event, i, true);
            histogram.recordValue(i);
            counters.incrementShared(RingCounters.RING_FULL);
            counters.add(RingCounters.RECORDS_EXPIRED, 2);
        }
    }

    /** Four shapes: log-uniform over 20 ns to 10 s, a tight cluster, a bimodal mix, and microseconds with stalls. */
    private static long randomServiceTimeNs(final Random random, final int shape)
    {
        switch (shape)
        {
            case 0:
                return (long)Math.exp(Math.log(20) + random.nextDouble() * (Math.log(1e10) - Math.log(20)));
            case 1:
                return 800 + random.nextInt(400);
            case 2:
                return random.nextInt(10) < 9 ? 300 + random.nextInt(200) : 40_000 + random.nextInt(60_000);
            default:
                return random.nextInt(1_000) == 0 ?
                    1_000_000 + random.nextInt(50_000_000) : 2_000 + random.nextInt(30_000);
        }
    }

    private static CountersManager newManager()
    {
        final int count = RingCounters.counterCount() + ServiceTimeHistogram.COUNTERS_PER_HISTOGRAM;
        return new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * METADATA_LENGTH, CACHE_LINE_LENGTH)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * COUNTER_LENGTH, CACHE_LINE_LENGTH)));
    }
}
