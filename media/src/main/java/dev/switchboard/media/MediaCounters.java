package dev.switchboard.media;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;

/**
 * Counters of the media service in a {@link CountersManager} (the server's counters file, read by
 * {@code switchboard stat}). Written by every worker thread, so each increment is atomic; none is on the ring's path.
 */
public final class MediaCounters
{
    /** Type id of the media counters in the counters file. */
    public static final int COUNTER_TYPE_ID = 600;
    /** Every media counter's label starts with this. */
    public static final String LABEL_PREFIX = "media: ";

    public static final int UPLOADS_CREATED = 0;
    public static final int UPLOADS_COMPLETED = 1;
    public static final int UPLOADS_DEDUPLICATED = 2;
    public static final int UPLOADS_LAPSED = 3;
    public static final int BYTES_RECEIVED = 4;
    public static final int DOWNLOADS = 5;
    public static final int BYTES_SENT = 6;
    public static final int BLOBS_EXPIRED = 7;
    public static final int BYTES_RECLAIMED = 8;
    public static final int TOO_LARGE = 9;
    public static final int QUOTA_EXCEEDED = 10;
    public static final int TICKETS_REFUSED = 11;
    public static final int NOT_FOUND = 12;
    public static final int BAD_REQUESTS = 13;
    public static final int REQUESTS_DROPPED = 14;
    public static final int ERRORS = 15;

    private static final String[] LABELS = {
        "uploads-created", "uploads-completed", "uploads-deduplicated", "uploads-lapsed", "bytes-received",
        "downloads", "bytes-sent", "blobs-expired", "bytes-reclaimed", "too-large", "quota-exceeded",
        "tickets-refused", "not-found", "bad-requests", "requests-dropped", "errors" };

    private final AtomicCounter[] counters = new AtomicCounter[LABELS.length];

    /** Counters in a private manager of this process's memory (tests, benchmarks). */
    public MediaCounters()
    {
        this(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(LABELS.length * METADATA_LENGTH, CACHE_LINE_LENGTH)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(LABELS.length * COUNTER_LENGTH, CACHE_LINE_LENGTH))));
    }

    public MediaCounters(final CountersManager countersManager)
    {
        for (int id = 0; id < LABELS.length; id++)
        {
            counters[id] = countersManager.newCounter(LABEL_PREFIX + LABELS[id], COUNTER_TYPE_ID);
        }
    }

    void increment(final int id)
    {
        counters[id].increment();
    }

    void add(final int id, final long delta)
    {
        counters[id].getAndAdd(delta);
    }

    public long get(final int id)
    {
        return counters[id].get();
    }

    /** The label without {@value #LABEL_PREFIX}, e.g. "bytes-sent". */
    public static String label(final int id)
    {
        return LABELS[id];
    }

    public static int size()
    {
        return LABELS.length;
    }
}
