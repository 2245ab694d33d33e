package dev.switchboard.journal;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.CountersManager;

import java.io.File;

/**
 * Settings for a {@link Journal}: fluent setters seeded from {@link JournalConfiguration}, checked by
 * {@link #conclude()}.
 */
public final class JournalContext
{
    private File dataDir = new File(JournalConfiguration.dataDir());
    private int segmentLength = JournalConfiguration.segmentLength();
    private int touchAhead = JournalConfiguration.touchAhead();
    private boolean training = JournalConfiguration.training();
    private long ttlMs = JournalConfiguration.ttlMs();
    private int maxRecordsPerRecipient = JournalConfiguration.maxRecordsPerRecipient();
    private long maxBytesPerRecipient = JournalConfiguration.maxBytesPerRecipient();
    private int maxPayloadLength = JournalConfiguration.maxPayloadLength();
    private SyncPolicy syncPolicy = JournalConfiguration.syncPolicy();
    private int resendCapacity = JournalConfiguration.resendCapacity();
    private long resendWindowMs = JournalConfiguration.resendWindowMs();
    private int compactionStepLength = JournalConfiguration.compactionStepLength();
    private EpochClock epochClock;
    private CountersManager countersManager;
    private ErrorHandler errorHandler;
    private boolean isSegmentAgentInvoked;
    private boolean concluded;

    /** Validates the settings and fills unset collaborators; called by {@link Journal#open}. */
    public JournalContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (null == dataDir)
        {
            throw new IllegalStateException("dataDir must be set");
        }
        if (maxPayloadLength < 0)
        {
            throw new IllegalStateException("maxPayloadLength must not be negative: " + maxPayloadLength);
        }
        final int minSegmentLength = RecordDescriptor.minSegmentLength(maxPayloadLength);
        if (segmentLength < minSegmentLength || (segmentLength & (RecordDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw new IllegalStateException("segmentLength must be a multiple of " + RecordDescriptor.ALIGNMENT +
                " and at least " + minSegmentLength + " for maxPayloadLength " + maxPayloadLength + ": " +
                segmentLength);
        }
        if (touchAhead < 0)
        {
            throw new IllegalStateException("touchAhead must not be negative: " + touchAhead);
        }
        if (ttlMs <= 0)
        {
            throw new IllegalStateException("ttlMs must be positive: " + ttlMs);
        }
        if (maxRecordsPerRecipient <= 0 || maxBytesPerRecipient <= 0)
        {
            throw new IllegalStateException("per-recipient caps must be positive: " + maxRecordsPerRecipient +
                ", " + maxBytesPerRecipient);
        }
        if (resendCapacity <= 0 || resendCapacity > ResendLogDescriptor.MAX_CAPACITY ||
            Integer.bitCount(resendCapacity) != 1)
        {
            throw new IllegalStateException("resendCapacity must be a power of two up to " +
                ResendLogDescriptor.MAX_CAPACITY + ": " + resendCapacity);
        }
        if (resendWindowMs <= 0)
        {
            throw new IllegalStateException("resendWindowMs must be positive: " + resendWindowMs);
        }
        if (null == syncPolicy)
        {
            throw new IllegalStateException("syncPolicy must be set");
        }
        if (compactionStepLength <= 0)
        {
            throw new IllegalStateException("compactionStepLength must be positive: " + compactionStepLength);
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        if (null == errorHandler)
        {
            errorHandler = (throwable) -> throwable.printStackTrace(System.err);
        }
        concluded = true;
        return this;
    }

    /** Folder holding the segment files; created if absent. */
    public JournalContext dataDir(final File dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    /** Folder holding the segment files. */
    public File dataDir()
    {
        return dataDir;
    }

    /** Length of each new segment file in bytes (default 16 MiB). */
    public JournalContext segmentLength(final int segmentLength)
    {
        this.segmentLength = segmentLength;
        return this;
    }

    /** Length of each new segment file in bytes. */
    public int segmentLength()
    {
        return segmentLength;
    }

    /** Bytes ahead of the writer whose page faults the segment agent takes (default 2 MiB; 0 off). */
    public JournalContext touchAhead(final int touchAhead)
    {
        this.touchAhead = touchAhead;
        return this;
    }

    /** Bytes ahead of the writer whose page faults the segment agent takes; 0 when off. */
    public int touchAhead()
    {
        return touchAhead;
    }

    /** Train the JVM's compiler on a scratch journal before opening, once per JVM (default on; false skips it). */
    public JournalContext training(final boolean training)
    {
        this.training = training;
        return this;
    }

    /** Whether opening trains the JVM's compiler on a scratch journal first (once per JVM). */
    public boolean training()
    {
        return training;
    }

    /** Time a record is kept before it expires (default 30 days). */
    public JournalContext ttlMs(final long ttlMs)
    {
        this.ttlMs = ttlMs;
        return this;
    }

    /** Time a record is kept before it expires. */
    public long ttlMs()
    {
        return ttlMs;
    }

    /** Most undelivered records one recipient may hold. */
    public JournalContext maxRecordsPerRecipient(final int maxRecordsPerRecipient)
    {
        this.maxRecordsPerRecipient = maxRecordsPerRecipient;
        return this;
    }

    /** Most undelivered records one recipient may hold. */
    public int maxRecordsPerRecipient()
    {
        return maxRecordsPerRecipient;
    }

    /** Most undelivered payload bytes one recipient may hold. */
    public JournalContext maxBytesPerRecipient(final long maxBytesPerRecipient)
    {
        this.maxBytesPerRecipient = maxBytesPerRecipient;
        return this;
    }

    /** Most undelivered payload bytes one recipient may hold. */
    public long maxBytesPerRecipient()
    {
        return maxBytesPerRecipient;
    }

    /** Largest payload accepted (default 65,534, the largest frame). */
    public JournalContext maxPayloadLength(final int maxPayloadLength)
    {
        this.maxPayloadLength = maxPayloadLength;
        return this;
    }

    /** Largest payload accepted. */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /** When records are forced to the device. */
    public JournalContext syncPolicy(final SyncPolicy syncPolicy)
    {
        this.syncPolicy = syncPolicy;
        return this;
    }

    /** When records are forced to the device. */
    public SyncPolicy syncPolicy()
    {
        return syncPolicy;
    }

    /** Sends the resend log remembers, a power of two (default 1,048,576). */
    public JournalContext resendCapacity(final int resendCapacity)
    {
        this.resendCapacity = resendCapacity;
        return this;
    }

    /** Sends the resend log remembers. */
    public int resendCapacity()
    {
        return resendCapacity;
    }

    /** Age past which a remembered send no longer matches a resend (default 7 days). */
    public JournalContext resendWindowMs(final long resendWindowMs)
    {
        this.resendWindowMs = resendWindowMs;
        return this;
    }

    /** Age past which a remembered send no longer matches a resend. */
    public long resendWindowMs()
    {
        return resendWindowMs;
    }

    /** Clock for expiry; tests pass a {@link org.agrona.concurrent.CachedEpochClock}. */
    public JournalContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /** Clock for expiry. */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /** Most record bytes compaction copies forward per sync point (default 256 KiB). */
    public JournalContext compactionStepLength(final int compactionStepLength)
    {
        this.compactionStepLength = compactionStepLength;
        return this;
    }

    /** Most record bytes compaction copies forward per sync point. */
    public int compactionStepLength()
    {
        return compactionStepLength;
    }

    /**
     * Where the journal's counters are allocated (the server's counters file); when unset, a private manager in
     * memory. Allocation happens in {@link Journal#open}, on the caller's thread.
     */
    public JournalContext countersManager(final CountersManager countersManager)
    {
        this.countersManager = countersManager;
        return this;
    }

    /** Where the journal's counters are allocated, or null for a private manager. */
    public CountersManager countersManager()
    {
        return countersManager;
    }

    /** Receives errors of the segment agent's thread (default: printed to standard error); also counted. */
    public JournalContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /** Receives errors of the segment agent's thread. */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** Tests: no thread for the segment agent; it runs only when {@link Journal#invokeSegmentAgent()} is called. */
    JournalContext segmentAgentInvoked(final boolean isSegmentAgentInvoked)
    {
        this.isSegmentAgentInvoked = isSegmentAgentInvoked;
        return this;
    }

    boolean isSegmentAgentInvoked()
    {
        return isSegmentAgentInvoked;
    }
}
