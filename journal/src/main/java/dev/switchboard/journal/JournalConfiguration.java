package dev.switchboard.journal;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Journal defaults, each overridable by a system property.
 */
public final class JournalConfiguration
{
    /** Folder holding the segment files. */
    public static final String DATA_DIR_PROP_NAME = "switchboard.journal.dir";
    /** Default data folder. */
    public static final String DATA_DIR_DEFAULT = "data/journal";

    /** Length of each memory-mapped segment file. */
    public static final String SEGMENT_LENGTH_PROP_NAME = "switchboard.journal.segment.length";
    /**
     * Default segment length: 16 MiB. The tail, the next and a spare rotate, so each page is written again every
     * three segments; at 64 MiB a page sat untouched for about 25 s at 10,000 msg/s, and on a virtual machine whose host
     * reclaims memory a guest leaves alone, the segment agent's passes over such pages held the delivery thread's CPU
     * for up to 27 ms (docs/performance.md, sixteenth pass). A segment must hold the largest record, a 64 KiB payload
     * with its header.
     */
    public static final int SEGMENT_LENGTH_DEFAULT = 16 * 1024 * 1024;

    /** Time a record is kept undelivered before it expires. */
    public static final String TTL_PROP_NAME = "switchboard.journal.ttl";
    /** Default time to live: 30 days. */
    public static final long TTL_MS_DEFAULT = TimeUnit.DAYS.toMillis(30);

    /** Most undelivered records one recipient may hold. */
    public static final String MAX_RECORDS_PER_RECIPIENT_PROP_NAME = "switchboard.journal.recipient.max.records";
    /** Default record cap per recipient. */
    public static final int MAX_RECORDS_PER_RECIPIENT_DEFAULT = 10_000;

    /** Most undelivered payload bytes one recipient may hold. */
    public static final String MAX_BYTES_PER_RECIPIENT_PROP_NAME = "switchboard.journal.recipient.max.bytes";
    /** Default payload byte cap per recipient: 64 MiB. */
    public static final long MAX_BYTES_PER_RECIPIENT_DEFAULT = 64L * 1024 * 1024;

    /** Largest payload accepted; matches the largest frame. */
    public static final String MAX_PAYLOAD_LENGTH_PROP_NAME = "switchboard.journal.max.payload.length";
    /** Default largest payload. */
    public static final int MAX_PAYLOAD_LENGTH_DEFAULT = 65_534;

    /** Sync policy: none, batch or always. */
    public static final String SYNC_POLICY_PROP_NAME = "switchboard.journal.sync";
    /** Default sync policy. */
    public static final SyncPolicy SYNC_POLICY_DEFAULT = SyncPolicy.BATCH;

    /**
     * Sends the resend log remembers, server-wide: a resend is recognised while fewer than this many sends were
     * accepted since the original. A power of two, at most 2^25; the file takes 48 bytes per entry (sparse).
     */
    public static final String RESEND_CAPACITY_PROP_NAME = "switchboard.delivery.dedupe.capacity";
    /** Default resend log capacity: 1,048,576 sends, a 48 MiB file. */
    public static final int RESEND_CAPACITY_DEFAULT = 1 << 20;

    /** Age past which a remembered send no longer matches a resend. */
    public static final String RESEND_WINDOW_PROP_NAME = "switchboard.delivery.dedupe.window";
    /** Default resend window: 7 days. */
    public static final long RESEND_WINDOW_MS_DEFAULT = TimeUnit.DAYS.toMillis(7);

    /**
     * Most record bytes compaction copies forward per call at the batch sync point, so freeing an old segment is
     * spread over many batches instead of stalling one.
     */
    public static final String COMPACTION_STEP_LENGTH_PROP_NAME = "switchboard.journal.compaction.step.length";
    /** Default compaction step: 256 KiB. */
    public static final int COMPACTION_STEP_LENGTH_DEFAULT = 256 * 1024;

    /**
     * How far ahead of the writer the segment agent takes the page faults of the journal's tail and of the resend log,
     * so the delivery thread does not; 0 turns it off.
     */
    public static final String TOUCH_AHEAD_PROP_NAME = "switchboard.journal.touch.ahead";
    /** Default: 2 MiB, refilled when half is used. */
    public static final int TOUCH_AHEAD_DEFAULT = 2 * 1024 * 1024;

    /**
     * Whether the first journal opened in a JVM first runs a scratch journal through its rare paths, so the compiler
     * does not meet them for the first time while the server serves (JournalTraining); false starts faster.
     */
    public static final String TRAINING_PROP_NAME = "switchboard.journal.training";
    /** Default: on. */
    public static final boolean TRAINING_DEFAULT = true;

    private JournalConfiguration()
    {
    }

    /** Training switch from {@link #TRAINING_PROP_NAME}. */
    public static boolean training()
    {
        return Boolean.parseBoolean(System.getProperty(TRAINING_PROP_NAME, Boolean.toString(TRAINING_DEFAULT)));
    }

    /** Touch-ahead window from {@link #TOUCH_AHEAD_PROP_NAME}, with k/m/g suffixes. */
    public static int touchAhead()
    {
        return SystemUtil.getSizeAsInt(TOUCH_AHEAD_PROP_NAME, TOUCH_AHEAD_DEFAULT);
    }

    /** Data folder from {@link #DATA_DIR_PROP_NAME}. */
    public static String dataDir()
    {
        return System.getProperty(DATA_DIR_PROP_NAME, DATA_DIR_DEFAULT);
    }

    /** Segment length from {@link #SEGMENT_LENGTH_PROP_NAME}, with k/m/g suffixes. */
    public static int segmentLength()
    {
        return SystemUtil.getSizeAsInt(SEGMENT_LENGTH_PROP_NAME, SEGMENT_LENGTH_DEFAULT);
    }

    /** Time to live from {@link #TTL_PROP_NAME}, with Agrona duration suffixes (s, ms, us, ns). */
    public static long ttlMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(
            SystemUtil.getDurationInNanos(TTL_PROP_NAME, TimeUnit.MILLISECONDS.toNanos(TTL_MS_DEFAULT)));
    }

    /** Record cap per recipient from {@link #MAX_RECORDS_PER_RECIPIENT_PROP_NAME}. */
    public static int maxRecordsPerRecipient()
    {
        return Integer.getInteger(MAX_RECORDS_PER_RECIPIENT_PROP_NAME, MAX_RECORDS_PER_RECIPIENT_DEFAULT);
    }

    /** Byte cap per recipient from {@link #MAX_BYTES_PER_RECIPIENT_PROP_NAME}, with k/m/g suffixes. */
    public static long maxBytesPerRecipient()
    {
        return SystemUtil.getSizeAsLong(MAX_BYTES_PER_RECIPIENT_PROP_NAME, MAX_BYTES_PER_RECIPIENT_DEFAULT);
    }

    /** Largest payload from {@link #MAX_PAYLOAD_LENGTH_PROP_NAME}. */
    public static int maxPayloadLength()
    {
        return Integer.getInteger(MAX_PAYLOAD_LENGTH_PROP_NAME, MAX_PAYLOAD_LENGTH_DEFAULT);
    }

    /** Resend log capacity from {@link #RESEND_CAPACITY_PROP_NAME}. */
    public static int resendCapacity()
    {
        return Integer.getInteger(RESEND_CAPACITY_PROP_NAME, RESEND_CAPACITY_DEFAULT);
    }

    /** Resend window from {@link #RESEND_WINDOW_PROP_NAME}, with Agrona duration suffixes (s, ms, us, ns). */
    public static long resendWindowMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(SystemUtil.getDurationInNanos(
            RESEND_WINDOW_PROP_NAME, TimeUnit.MILLISECONDS.toNanos(RESEND_WINDOW_MS_DEFAULT)));
    }

    /** Compaction step from {@link #COMPACTION_STEP_LENGTH_PROP_NAME}, with k/m/g suffixes. */
    public static int compactionStepLength()
    {
        return SystemUtil.getSizeAsInt(COMPACTION_STEP_LENGTH_PROP_NAME, COMPACTION_STEP_LENGTH_DEFAULT);
    }

    /** Sync policy from {@link #SYNC_POLICY_PROP_NAME}. */
    public static SyncPolicy syncPolicy()
    {
        final String value = System.getProperty(SYNC_POLICY_PROP_NAME);
        return null == value ? SYNC_POLICY_DEFAULT : SyncPolicy.valueOf(value.trim().toUpperCase());
    }
}
