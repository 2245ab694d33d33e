package dev.switchboard.ring;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.ring.ServiceTimeHistogram.BUCKET_COUNT;

/**
 * The bucket counts of a {@link ServiceTimeHistogram} read at one moment, from the writing process or another one
 * (through a {@link CountersReader} over the counters file), with percentiles to bucket precision.
 */
public final class ServiceTimeSnapshot
{
    private final String name;
    private final long[] counts;
    private final long maxValueNs;
    private final long totalCount;

    /**
     * @param counts     the count of each bucket, {@link ServiceTimeHistogram#BUCKET_COUNT} of them.
     * @param maxValueNs the largest value recorded, or 0 when unknown (then the top bucket's bound stands in).
     */
    public ServiceTimeSnapshot(final String name, final long[] counts, final long maxValueNs)
    {
        if (BUCKET_COUNT != counts.length)
        {
            throw new IllegalArgumentException("expected " + BUCKET_COUNT + " buckets, got " + counts.length);
        }
        this.name = name;
        this.counts = counts;
        long total = 0;
        for (final long count : counts)
        {
            total += count;
        }
        totalCount = total;
        this.maxValueNs = maxValueNs;
    }

    /**
     * Every histogram in the counters, in the order they were allocated.
     */
    public static List<ServiceTimeSnapshot> readAll(final CountersReader reader)
    {
        final Int2ObjectHashMap<String> names = new Int2ObjectHashMap<>();
        final Int2ObjectHashMap<long[]> bucketsById = new Int2ObjectHashMap<>();
        final List<Integer> order = new ArrayList<>();
        reader.forEach((final int counterId, final int typeId, final DirectBuffer key, final String label) ->
        {
            if (ServiceTimeHistogram.HISTOGRAM_TYPE_ID == typeId)
            {
                names.put(counterId, label);
                order.add(counterId);
            }
            else if (ServiceTimeHistogram.BUCKET_TYPE_ID == typeId)
            {
                final int histogramId = key.getInt(ServiceTimeHistogram.KEY_HISTOGRAM_ID_OFFSET);
                final int bucketIndex = key.getInt(ServiceTimeHistogram.KEY_BUCKET_INDEX_OFFSET);
                if (bucketIndex >= 0 && bucketIndex < BUCKET_COUNT)
                {
                    bucketsById.computeIfAbsent(histogramId, (id) -> new long[BUCKET_COUNT])[bucketIndex] =
                        reader.getCounterValue(counterId);
                }
            }
        });

        final List<ServiceTimeSnapshot> snapshots = new ArrayList<>(order.size());
        for (final int histogramId : order)
        {
            final long[] counts = bucketsById.get(histogramId);
            snapshots.add(new ServiceTimeSnapshot(
                names.get(histogramId),
                null == counts ? new long[BUCKET_COUNT] : counts,
                reader.getCounterValue(histogramId)));
        }
        return snapshots;
    }

    /** The histogram's label, e.g. "ring: session service-time". */
    public String name()
    {
        return name;
    }

    public long totalCount()
    {
        return totalCount;
    }

    /** The count of one bucket. */
    public long count(final int bucketIndex)
    {
        return counts[bucketIndex];
    }

    /**
     * The largest value of the bucket holding the given percentile (0 to 100), as HdrHistogram's
     * getValueAtPercentile answers: at most 1/8 above the true value, never above the largest recorded; 0 if empty.
     */
    public long valueAtPercentile(final double percentile)
    {
        if (0 == totalCount)
        {
            return 0;
        }
        final double requested = Math.min(Math.max(Math.nextDown(percentile), 0.0), 100.0);
        final long countAtPercentile = Math.max(1, (long)Math.ceil(requested * totalCount / 100.0));
        long cumulative = 0;
        for (int i = 0; i < BUCKET_COUNT; i++)
        {
            cumulative += counts[i];
            if (cumulative >= countAtPercentile)
            {
                return capped(ServiceTimeHistogram.highestValue(i));
            }
        }
        return maxValue();
    }

    /** The largest value recorded; when unknown (a difference of snapshots), the top non-empty bucket's bound. */
    public long maxValue()
    {
        if (maxValueNs > 0)
        {
            return maxValueNs;
        }
        for (int i = BUCKET_COUNT - 1; i >= 0; i--)
        {
            if (0 != counts[i])
            {
                return ServiceTimeHistogram.highestValue(i);
            }
        }
        return 0;
    }

    /**
     * What was recorded since the earlier snapshot of the same histogram, as for a bench run's measured phase after
     * its warm-up. The largest value is the top bucket's bound unless it is known to fall in the interval.
     */
    public ServiceTimeSnapshot minus(final ServiceTimeSnapshot earlier)
    {
        final long[] difference = new long[BUCKET_COUNT];
        int top = -1;
        for (int i = 0; i < BUCKET_COUNT; i++)
        {
            difference[i] = counts[i] - earlier.counts[i];
            if (difference[i] > 0)
            {
                top = i;
            }
        }
        final boolean maxInInterval = maxValueNs > earlier.maxValueNs;
        final boolean maxInTopBucket = top >= 0 && ServiceTimeHistogram.bucketIndex(maxValueNs) == top;
        return new ServiceTimeSnapshot(name, difference, maxInInterval || maxInTopBucket ? maxValueNs : 0);
    }

    private long capped(final long valueNs)
    {
        return maxValueNs > 0 ? Math.min(valueNs, maxValueNs) : valueNs;
    }
}
