package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.EpochClock;

/**
 * The durable offline queue: every undelivered message and receipt, per recipient, in memory-mapped segments.
 * <p>
 * Single writer: one thread (a ring stage) calls every method. No locks; appends, deletes and reads allocate
 * nothing once a recipient has been seen, and make no file system call: the next segment is made ready by the
 * {@link SegmentAgent} on its own thread ({@value SegmentAgent#ROLE_NAME}), which also deletes reclaimed ones.
 * Reclaiming and compaction run at {@link #sync()} (the end of each ring batch) and in {@link #expire()}.
 * <p>
 * A facade over its parts: {@link JournalAppender} (the append path), {@link SegmentLog} (segment files, the tail,
 * forcing), {@link RecipientIndex} (the per-recipient queues), {@link Compactor} (freeing old segments),
 * {@link JournalRecovery} (the start-up scan), {@link SegmentAgentRunner} (the segment agent's thread),
 * {@link ResendDedupe} (client resends) and {@link JournalCounters} (figures).
 */
public final class Journal implements AutoCloseable
{
    /** Accepted. */
    public static final int OK = 0;
    /** The recipient already holds its cap of records or bytes. */
    public static final int QUEUE_FULL = -1;
    /** The payload is longer than {@link JournalContext#maxPayloadLength()} or the range is negative. */
    public static final int PAYLOAD_TOO_LARGE = -2;
    /** The user id is outside [0, 2^59) or the device id outside [0, 15]. */
    public static final int INVALID_RECIPIENT = -3;
    /** The message id is not above the last id held for the recipient. */
    public static final int OUT_OF_ORDER = -4;
    /** A fan-out record for this many recipients does not fit in one segment. */
    public static final int RECORD_TOO_LARGE = -5;

    private final long ttlMs;
    private final EpochClock epochClock;
    private final JournalCounters counters;
    private final SegmentAgent segmentAgent;
    private final SegmentLog log;
    private final RecipientIndex index;
    private final Compactor compactor;
    private final JournalAppender appender;
    private final RecoveryReport recoveryReport = new RecoveryReport();
    // null until started: close then deletes what the agent was handed itself
    private SegmentAgentRunner segmentAgentRunner;
    private ResendDedupe resendDedupe;
    private boolean isClosed;

    private Journal(final JournalContext ctx)
    {
        ttlMs = ctx.ttlMs();
        epochClock = ctx.epochClock();
        counters = new JournalCounters(ctx.countersManager());
        segmentAgent = new SegmentAgent(
            ctx.dataDir(), ctx.segmentLength(), ctx.syncPolicy(), ctx.touchAhead(), counters);
        log = new SegmentLog(ctx.dataDir(), ctx.segmentLength(), ctx.syncPolicy(), counters, segmentAgent);
        index = new RecipientIndex(log, ctx.maxRecordsPerRecipient(), ctx.maxBytesPerRecipient(), counters);
        compactor = new Compactor(log, index, ctx.compactionStepLength(), counters);
        appender = new JournalAppender(ctx.maxPayloadLength(), log, index, counters);
    }

    /** Opens the journal in the context's data folder, rebuilding the index from the segments found there. */
    public static Journal open(final JournalContext ctx)
    {
        ctx.conclude();
        if (ctx.training())
        {
            JournalTraining.ensureTrained(ctx.syncPolicy());
        }
        return openUntrained(ctx);
    }

    /** {@link #open} without the once-per-JVM training: the training's own scratch journal. */
    static Journal openUntrained(final JournalContext ctx)
    {
        ctx.conclude();
        IoUtil.ensureDirectoryExists(ctx.dataDir(), "journal");
        final Journal journal = new Journal(ctx);
        try
        {
            new JournalRecovery(ctx.dataDir(), journal.log, journal.index, journal.recoveryReport)
                .recover(journal.cutoffMs());
            journal.compactor.doWork();
            journal.resendDedupe = ResendDedupe.open(
                ctx.dataDir(), ctx.resendCapacity(), ctx.resendWindowMs(), ctx.syncPolicy(), journal.recoveryReport);
            journal.segmentAgent.touchAheadOf(journal.resendDedupe.log());
            journal.segmentAgentRunner = new SegmentAgentRunner(journal.segmentAgent, ctx, journal.counters);
            journal.segmentAgentRunner.start();
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(journal);
            throw ex;
        }
        return journal;
    }

    /**
     * Appends a record for one recipient.
     *
     * @return {@link #OK} or a negative refusal code.
     */
    public int append(
        final long recipientUserId,
        final int recipientDeviceId,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        return appender.append(
            recipientUserId, recipientDeviceId, messageId, senderUserId, senderDeviceId, correlationId, timestampMs,
            kind, payload, offset, length);
    }

    /**
     * Appends one record for every recipient or for none: a 1:1 message to all of a user's devices must not reach
     * some of them and silently miss the others.
     *
     * @return {@link #OK}, {@link #QUEUE_FULL} when any recipient is full, invalid or out of order (nothing is
     * written), or a negative code from {@link #appendToMany}.
     */
    public int appendToAll(
        final long[] recipientUserIds,
        final int[] recipientDeviceIds,
        final int recipientCount,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        return appender.appendToAll(
            recipientUserIds, recipientDeviceIds, recipientCount, messageId, senderUserId, senderDeviceId,
            correlationId, timestampMs, kind, payload, offset, length);
    }

    /**
     * Appends one record shared by many recipients (a group fan-out); the payload is stored once.
     * <p>
     * Recipients that are invalid, full or out of order are left out of the record and counted.
     *
     * @return the number of recipients refused (0 when all were accepted), or a negative code when the whole call
     * was refused: {@link #PAYLOAD_TOO_LARGE} or {@link #RECORD_TOO_LARGE}.
     */
    public int appendToMany(
        final long[] recipientUserIds,
        final int[] recipientDeviceIds,
        final int recipientCount,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        return appender.appendToMany(
            recipientUserIds, recipientDeviceIds, recipientCount, messageId, senderUserId, senderDeviceId,
            correlationId, timestampMs, kind, payload, offset, length);
    }

    /**
     * Deletes a recipient's record once the recipient has acknowledged it.
     *
     * @return false if the journal holds no such record.
     */
    public boolean delete(final long recipientUserId, final int recipientDeviceId, final long messageId)
    {
        final RecipientQueue queue = index.queueOf(recipientUserId, recipientDeviceId);
        if (null == queue || queue.find(messageId) < 0)
        {
            return false;
        }
        log.writeDelete(queue.recipientKey, messageId);
        index.remove(queue, queue.find(messageId));
        log.afterWrite();
        counters.deletes.incrementRelease();
        return true;
    }

    /**
     * Hands over a recipient's undelivered records with ids above afterMessageId, oldest first.
     *
     * @return the number of records handed over, at most limit.
     */
    public int read(
        final long recipientUserId,
        final int recipientDeviceId,
        final long afterMessageId,
        final int limit,
        final RecordHandler handler)
    {
        return index.read(recipientUserId, recipientDeviceId, afterMessageId, limit, cutoffMs(), handler);
    }

    /** Whether the recipient's queue holds the record: a fan-out may have left out a recipient whose queue was full. */
    public boolean holds(final long recipientUserId, final int recipientDeviceId, final long messageId)
    {
        final RecipientQueue queue = index.queueOf(recipientUserId, recipientDeviceId);
        return null != queue && queue.find(messageId) >= 0;
    }

    /** Undelivered records held for a recipient. */
    public int count(final long recipientUserId, final int recipientDeviceId)
    {
        final RecipientQueue queue = index.queueOf(recipientUserId, recipientDeviceId);
        return null == queue ? 0 : queue.count();
    }

    /** Undelivered payload bytes held for a recipient. */
    public long bytes(final long recipientUserId, final int recipientDeviceId)
    {
        final RecipientQueue queue = index.queueOf(recipientUserId, recipientDeviceId);
        return null == queue ? 0 : queue.bytes();
    }

    /**
     * Drops every record older than the time to live, then reclaims or compacts old segments.
     *
     * @return the number of (recipient, record) entries dropped; also added to {@link JournalCounters#expiredTotal()}.
     */
    public int expire()
    {
        final int expired = index.expire(cutoffMs());
        counters.expired.getAndAddRelease(expired);
        compactor.doWork();
        return expired;
    }

    /**
     * The batch sync point: forces what was written since the last call, records and remembered sends alike (not
     * under {@link SyncPolicy#NONE}); then reclaims and compacts old segments, a bounded step at a time.
     */
    public void sync()
    {
        log.force();
        if (SyncPolicy.NONE != log.syncPolicy())
        {
            resendDedupe.force();
        }
        counters.syncs.incrementRelease();
        compactor.doWork();
    }

    /** Which server message id a client send got, so a resend is answered with it. */
    public ResendDedupe resendDedupe()
    {
        return resendDedupe;
    }

    /**
     * Makes every live record of the given kind count as a remembered send (its correlation id being the client
     * message id), for those the resend log would not match; called once after open by the owner, who knows which
     * kind is a client send.
     *
     * @return the number of sends added.
     */
    public int rememberStoredSends(final int kind)
    {
        recoveryReport.heldSends = resendDedupe.rememberStoredSends(kind, epochClock.time(), cutoffMs(), index, log);
        return recoveryReport.heldSends;
    }

    /** Hands every live record to the handler, recipient by recipient, oldest first within a recipient. */
    public void forEachRecord(final RecordHandler handler)
    {
        index.forEachRecord(cutoffMs(), handler);
    }

    /** Highest message id ever appended, kept across restarts. */
    public long maxMessageId()
    {
        return counters.maxMessageId.get();
    }

    /** What the last open found. */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /** The journal's counters, for a reader in this process; a counters file shows the same figures outside it. */
    public JournalCounters counters()
    {
        return counters;
    }

    /**
     * Sum of the entries accounted to segments; equals {@link JournalCounters#liveEntries()} unless the accounting
     * broke.
     */
    long segmentLiveRefs()
    {
        return log.liveRefs();
    }

    /** Tests: runs one duty cycle of a segment agent opened with {@link JournalContext#segmentAgentInvoked}. */
    int invokeSegmentAgent()
    {
        return segmentAgentRunner.invoke();
    }

    /** Forces what is pending under the sync policy, stops the segment agent and unmaps every segment. */
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        try
        {
            // the agent first: it touches the tail's pages, which closing the log unmaps
            CloseHelper.closeAll(segmentAgentRunner, log::close, resendDedupe);
        }
        finally
        {
            if (null == segmentAgentRunner)
            {
                // never started: what it was handed is deleted here
                segmentAgent.onClose();
            }
            counters.close();
        }
    }

    private long cutoffMs()
    {
        return epochClock.time() - ttlMs;
    }
}
