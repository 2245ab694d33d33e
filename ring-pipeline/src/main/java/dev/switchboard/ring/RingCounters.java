package dev.switchboard.ring;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;

/**
 * Counters of the pipeline, Agrona {@link AtomicCounter}s in a {@link CountersManager} (the server's counters file,
 * read live by {@code switchboard stat}), each incremented in place by its writer: no copier. Most have one writer,
 * a stage; the few that producers or any stage bump take an atomic increment ({@link #incrementShared(int)}).
 * Also the per-stage service-time histograms ({@link ServiceTimeHistogram}) in the same manager.
 */
public final class RingCounters
{
    /** Type id of the ring's counters in the counters file. */
    public static final int COUNTER_TYPE_ID = 100;
    /** Every ring counter's label starts with this; stat groups counters by it. */
    public static final String LABEL_PREFIX = "ring: ";

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
    public static final int GROUP_REQUESTS_REFUSED = 20;
    public static final int GROUP_CHANGES = 21;
    public static final int GROUP_MESSAGES_STORED = 22;
    public static final int GROUP_COPIES_REFUSED = 23;
    public static final int GROUP_HANDOFF_FULL = 24;
    public static final int LOGINS_VERIFIED_INLINE = 25;
    public static final int KEY_BUNDLES_UPLOADED = 26;
    public static final int KEY_BUNDLES_FETCHED = 27;
    public static final int PRE_KEYS_EXHAUSTED = 28;
    public static final int DEVICES_LINKED = 29;
    public static final int DEVICES_UNLINKED = 30;
    public static final int IDENTITY_NOTICES = 31;
    public static final int CALLS_OFFERED = 32;
    public static final int CALLS_ANSWERED = 33;
    public static final int CALLS_MISSED = 34;
    public static final int CALLS_REFUSED = 35;
    public static final int CALL_FRAMES_RELAYED = 36;
    public static final int TURN_CREDENTIALS_ISSUED = 37;
    /** Receipts handed to devices, a part of {@link #DELIVERIES}: their acks ride with the device's next frame. */
    public static final int RECEIPT_DELIVERIES = 38;
    /** Logins by LoginSigned, in one round trip: a part of {@link #LOGINS}. */
    public static final int SIGNED_LOGINS = 39;

    private static final String[] LABELS = {
        "ring-full", "large-frame-pool-empty", "stage-errors", "requests-rejected", "logins", "login-failures",
        "registrations", "messages-stored", "messages-deduped", "deliveries", "acks", "receipts-stored",
        "queue-full", "outbound-full", "stuck-readers-closed", "records-expired", "rate-limited", "unknown-acks",
        "unknown-recipients", "messages-blocked", "group-requests-refused", "group-changes", "group-messages-stored",
        "group-copies-refused", "group-handoff-full", "logins-verified-inline", "key-bundles-uploaded",
        "key-bundles-fetched", "prekeys-exhausted", "devices-linked", "devices-unlinked", "identity-notices",
        "calls-offered", "calls-answered", "calls-missed", "calls-refused", "call-frames-relayed",
        "turn-credentials-issued", "receipt-deliveries", "signed-logins" };

    private final AtomicCounter[] counters = new AtomicCounter[LABELS.length];
    private final ServiceTimeHistogram sessionTime;
    private final ServiceTimeHistogram routeTime;
    private final ServiceTimeHistogram deliveryTime;
    private final ServiceTimeHistogram eventTime;
    private final ServiceTimeHistogram sendToDeliverTime;

    /**
     * Counters in a private manager of this process's memory: nothing outside sees them (tests, benchmarks).
     */
    public RingCounters()
    {
        this(newPrivateCountersManager());
    }

    /**
     * Counters allocated from the manager (the server's counters file), each label starting {@value #LABEL_PREFIX}.
     */
    public RingCounters(final CountersManager countersManager)
    {
        for (int id = 0; id < LABELS.length; id++)
        {
            counters[id] = countersManager.newCounter(LABEL_PREFIX + LABELS[id], COUNTER_TYPE_ID);
        }
        sessionTime = new ServiceTimeHistogram(countersManager, LABEL_PREFIX + "session service-time");
        routeTime = new ServiceTimeHistogram(countersManager, LABEL_PREFIX + "route service-time");
        deliveryTime = new ServiceTimeHistogram(countersManager, LABEL_PREFIX + "delivery service-time");
        eventTime = new ServiceTimeHistogram(countersManager, LABEL_PREFIX + "event service-time");
        sendToDeliverTime = new ServiceTimeHistogram(countersManager, LABEL_PREFIX + "send-to-deliver time");
    }

    /** Counters taken from a manager: one per label and the five histograms'. */
    public static int counterCount()
    {
        return LABELS.length + 5 * ServiceTimeHistogram.COUNTERS_PER_HISTOGRAM;
    }

    /**
     * Increment from the counter's single writer (its stage's thread).
     */
    void increment(final int id)
    {
        counters[id].incrementRelease();
    }

    /**
     * Add from the counter's single writer (its stage's thread).
     */
    void add(final int id, final long delta)
    {
        counters[id].getAndAddRelease(delta);
    }

    /**
     * Increment a counter written by several threads (producers publishing into the ring, any stage failing).
     */
    void incrementShared(final int id)
    {
        counters[id].increment();
    }

    public long get(final int id)
    {
        return counters[id].get();
    }

    public int size()
    {
        return LABELS.length;
    }

    /** The label without {@value #LABEL_PREFIX}, e.g. "messages-stored". */
    public static String label(final int id)
    {
        return LABELS[id];
    }

    /** Service time of the session stage, written by its thread. */
    public ServiceTimeHistogram sessionTime()
    {
        return sessionTime;
    }

    /** Service time of the route stage, written by its thread. */
    public ServiceTimeHistogram routeTime()
    {
        return routeTime;
    }

    /** Service time of the delivery (journal + dispatch) stage, written by its thread. */
    public ServiceTimeHistogram deliveryTime()
    {
        return deliveryTime;
    }

    /**
     * From a Send or SendGroup frame's publication by the edge to its Deliver's hand-over to the edge, for each live
     * delivery, written by the delivery stage: the time a message spends inside the server, less the final write.
     */
    public ServiceTimeHistogram sendToDeliverTime()
    {
        return sendToDeliverTime;
    }

    /** Service time of all stages on one event, recorded where one thread runs them all (fused). */
    public ServiceTimeHistogram eventTime()
    {
        return eventTime;
    }

    private static CountersManager newPrivateCountersManager()
    {
        final int count = counterCount();
        return new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * METADATA_LENGTH, CACHE_LINE_LENGTH)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * COUNTER_LENGTH, CACHE_LINE_LENGTH)));
    }
}
