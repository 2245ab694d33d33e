package dev.switchboard.ring;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of the pipeline, each written by one stage only and readable from any thread.
 */
public final class RingCounters
{
    public static final int RING_FULL = 0;
    public static final int LARGE_FRAME_POOL_EMPTY = 1;
    public static final int STAGE_ERRORS = 2;
    public static final int REQUESTS_REJECTED = 3;
    public static final int LOGINS = 4;
    public static final int LOGIN_FAILURES = 5;
    public static final int REGISTRATIONS = 6;
    public static final int MESSAGES_STORED = 7;
    public static final int MESSAGES_DEDUPED = 8;
    public static final int DELIVERIES = 9;
    public static final int ACKS = 10;
    public static final int RECEIPTS_STORED = 11;
    public static final int QUEUE_FULL = 12;
    public static final int OUTBOUND_FULL = 13;
    public static final int STUCK_READERS_CLOSED = 14;
    public static final int RECORDS_EXPIRED = 15;
    public static final int RATE_LIMITED = 16;
    public static final int UNKNOWN_ACKS = 17;
    public static final int UNKNOWN_RECIPIENTS = 18;
    public static final int MESSAGES_BLOCKED = 19;

    private static final String[] LABELS = {
        "ring-full", "large-frame-pool-empty", "stage-errors", "requests-rejected", "logins", "login-failures",
        "registrations", "messages-stored", "messages-deduped", "deliveries", "acks", "receipts-stored",
        "queue-full", "outbound-full", "stuck-readers-closed", "records-expired", "rate-limited", "unknown-acks",
        "unknown-recipients", "messages-blocked" };

    private final AtomicLongArray values = new AtomicLongArray(LABELS.length);

    void increment(final int id)
    {
        values.lazySet(id, values.get(id) + 1);
    }

    void add(final int id, final long delta)
    {
        values.lazySet(id, values.get(id) + delta);
    }

    /**
     * Increment from a thread other than the counter's single writer (producers publishing into the ring).
     */
    void incrementShared(final int id)
    {
        values.incrementAndGet(id);
    }

    public long get(final int id)
    {
        return values.get(id);
    }

    public int size()
    {
        return LABELS.length;
    }

    public static String label(final int id)
    {
        return LABELS[id];
    }
}
