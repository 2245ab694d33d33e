package dev.switchboard.ring;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * A fixed-bucket log-linear histogram of service times whose buckets are counters in a {@link CountersManager}, so
 * another process reads it live from the counters file ({@link ServiceTimeSnapshot#readAll}).
 * <p>
 * Bucket 0 holds [0, 16) ns; then each power of two from 16 ns to 2^34 ns (about 17 s) is split into
 * {@link #SUB_BUCKETS} equal buckets, so a bucket is at most 1/8 of its lower bound wide (12.5% precision); the last
 * bucket holds everything from 2^34 ns up. One more counter, the histogram's own, holds the largest value recorded;
 * each bucket's key names it:
 * <pre>
 *   histogram counter: type {@link #HISTOGRAM_TYPE_ID}, label "&lt;name&gt;", value = max ns
 *   bucket counter:    type {@link #BUCKET_TYPE_ID}, label "&lt;name&gt; bucket &lt;i&gt;",
 *                      key = histogram counter id (int), bucket index (int)
 * </pre>
 * Single writer: {@link #recordValue(long)} is called by one thread only; it neither allocates nor locks.
 */
public final class ServiceTimeHistogram
{
    /** Type of a histogram's own counter, whose value is the largest value recorded. */
    public static final int HISTOGRAM_TYPE_ID = 110;
    /** Type of a histogram's bucket counters. */
    public static final int BUCKET_TYPE_ID = 111;
    /** Offset in a bucket counter's key of the id of its histogram's counter. */
    public static final int KEY_HISTOGRAM_ID_OFFSET = 0;
    /** Offset in a bucket counter's key of the bucket's index. */
    public static final int KEY_BUCKET_INDEX_OFFSET = Integer.BYTES;

    static final int SUB_BUCKET_BITS = 3;
    /** Buckets per power of two. */
    public static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    private static final int SUB_BUCKET_MASK = SUB_BUCKETS - 1;
    /** Values below 2^this (16 ns) share bucket 0. */
    static final int LOWEST_EXPONENT = 4;
    /** Values from 2^this (about 17 s) up share the last bucket. */
    static final int HIGHEST_EXPONENT = 34;
    /** Underflow, {@link #SUB_BUCKETS} per power of two in between, overflow: 242. */
    public static final int BUCKET_COUNT = 1 + (HIGHEST_EXPONENT - LOWEST_EXPONENT) * SUB_BUCKETS + 1;
    /** Counters a histogram takes from its manager. */
    public static final int COUNTERS_PER_HISTOGRAM = 1 + BUCKET_COUNT;

    private final String name;
    private final AtomicCounter maxValue;
    private final AtomicCounter[] buckets = new AtomicCounter[BUCKET_COUNT];
    private long maxValueNs;

    /**
     * Allocate the histogram's counters from the manager; the name is its label, e.g. "ring: session service-time".
     */
    public ServiceTimeHistogram(final CountersManager countersManager, final String name)
    {
        this.name = name;
        maxValue = countersManager.newCounter(name, HISTOGRAM_TYPE_ID);
        final int histogramId = maxValue.id();
        for (int i = 0; i < BUCKET_COUNT; i++)
        {
            final int bucketIndex = i;
            buckets[i] = countersManager.newCounter(
                name + " bucket " + i,
                BUCKET_TYPE_ID,
                (key) ->
                {
                    key.putInt(KEY_HISTOGRAM_ID_OFFSET, histogramId);
                    key.putInt(KEY_BUCKET_INDEX_OFFSET, bucketIndex);
                });
        }
    }

    /**
     * Count one value in its bucket. Called by the histogram's single writer.
     */
    public void recordValue(final long valueNs)
    {
        buckets[bucketIndex(valueNs)].incrementRelease();
        if (valueNs > maxValueNs)
        {
            maxValueNs = valueNs;
            maxValue.setRelease(valueNs);
        }
    }

    public String name()
    {
        return name;
    }

    /** Values recorded so far, read from the counters (any thread). */
    public long totalCount()
    {
        long total = 0;
        for (final AtomicCounter bucket : buckets)
        {
            total += bucket.get();
        }
        return total;
    }

    /** Read the buckets into a snapshot (any thread); it allocates, so not for the hot path. */
    public ServiceTimeSnapshot snapshot()
    {
        final long[] counts = new long[BUCKET_COUNT];
        for (int i = 0; i < BUCKET_COUNT; i++)
        {
            counts[i] = buckets[i].get();
        }
        return new ServiceTimeSnapshot(name, counts, maxValue.get());
    }

    /**
     * The bucket a value falls in; negative values (a clock stepping back) count as 0.
     */
    public static int bucketIndex(final long valueNs)
    {
        if (valueNs < (1L << LOWEST_EXPONENT))
        {
            return 0;
        }
        final int exponent = 63 - Long.numberOfLeadingZeros(valueNs);
        final int index = 1 + ((exponent - LOWEST_EXPONENT) << SUB_BUCKET_BITS) +
            (int)((valueNs >>> (exponent - SUB_BUCKET_BITS)) & SUB_BUCKET_MASK);
        return Math.min(index, BUCKET_COUNT - 1);
    }

    /** The smallest value of a bucket. */
    public static long lowestValue(final int bucketIndex)
    {
        if (0 == bucketIndex)
        {
            return 0;
        }
        final int exponent = LOWEST_EXPONENT + ((bucketIndex - 1) >> SUB_BUCKET_BITS);
        final long subBucket = (bucketIndex - 1) & SUB_BUCKET_MASK;
        return (1L << exponent) + (subBucket << (exponent - SUB_BUCKET_BITS));
    }

    /** The largest value of a bucket; {@link Long#MAX_VALUE} for the last. */
    public static long highestValue(final int bucketIndex)
    {
        return bucketIndex >= BUCKET_COUNT - 1 ? Long.MAX_VALUE : lowestValue(bucketIndex + 1) - 1;
    }
}
