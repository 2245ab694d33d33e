package dev.switchboard.journal;

import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * The journal's figures as Agrona counters, each written in place by its single writer: the journal's owner (the
 * delivery stage) for all but the segment agent's own, which its thread writes. Allocated from the context's
 * {@link CountersManager} (the server's counters file), or from a private one in memory when none is given.
 */
public final class JournalCounters implements AutoCloseable
{
    /** Counter type id of every journal counter in a shared counters file. */
    public static final int JOURNAL_TYPE_ID = 5;

    /** Messages appended (one per accepted append call, however many recipients it names). */
    public static final String APPENDS_LABEL = "journal: appends";
    /** Record bytes of those messages, aligned as stored. */
    public static final String BYTES_APPENDED_LABEL = "journal: bytes appended";
    /** Records deleted once acknowledged. */
    public static final String DELETES_LABEL = "journal: deletes";
    /** Recipients refused because their queue was full. */
    public static final String QUEUE_FULL_LABEL = "journal: queue full";
    /** Undelivered (recipient, record) entries held now. */
    public static final String LIVE_ENTRIES_LABEL = "journal: live entries";
    /** Record bytes those entries keep alive now. */
    public static final String LIVE_BYTES_LABEL = "journal: live bytes";
    /** Recipients holding at least one record now. */
    public static final String RECIPIENTS_LABEL = "journal: recipients";
    /** Entries dropped by expiry. */
    public static final String EXPIRED_LABEL = "journal: expired";
    /** Highest message id appended, kept across restarts. */
    public static final String MAX_MESSAGE_ID_LABEL = "journal: max message id";
    /** Segment files in use now. */
    public static final String SEGMENTS_LABEL = "journal: segments";
    /** Segment files made ready ahead of need by the segment agent (new or recycled). */
    public static final String SEGMENTS_PREPARED_LABEL = "journal: segments prepared";
    /** Of those, retired segment files reused. */
    public static final String SEGMENTS_RECYCLED_LABEL = "journal: segments recycled";
    /** Segment files created inside a write because none was ready. */
    public static final String SEGMENTS_CREATED_INLINE_LABEL = "journal: segments created inline (not ready)";
    /** Segment files reclaimed: everything in them delivered, expired or moved. */
    public static final String SEGMENTS_RECLAIMED_LABEL = "journal: segments reclaimed";
    /** Records copied forward by compaction. */
    public static final String RECORDS_COMPACTED_LABEL = "journal: records compacted";
    /** Batch sync points passed. */
    public static final String SYNCS_LABEL = "journal: syncs";
    /** Errors the segment agent met (counted; each also goes to the context's error handler). */
    public static final String SEGMENT_AGENT_ERRORS_LABEL = "journal: segment agent errors";

    private static final int PRIVATE_COUNTERS = 32;

    final AtomicCounter appends;
    final AtomicCounter bytesAppended;
    final AtomicCounter deletes;
    final AtomicCounter queueFull;
    final AtomicCounter liveEntries;
    final AtomicCounter liveBytes;
    final AtomicCounter recipients;
    final AtomicCounter expired;
    final AtomicCounter maxMessageId;
    final AtomicCounter segments;
    final AtomicCounter segmentsPrepared;
    final AtomicCounter segmentsRecycled;
    final AtomicCounter segmentsCreatedInline;
    final AtomicCounter segmentsReclaimed;
    final AtomicCounter recordsCompacted;
    final AtomicCounter syncs;
    final AtomicCounter segmentAgentErrors;

    JournalCounters(final CountersManager countersManager)
    {
        final CountersManager manager = null != countersManager ? countersManager : privateManager();
        appends = manager.newCounter(APPENDS_LABEL, JOURNAL_TYPE_ID);
        bytesAppended = manager.newCounter(BYTES_APPENDED_LABEL, JOURNAL_TYPE_ID);
        deletes = manager.newCounter(DELETES_LABEL, JOURNAL_TYPE_ID);
        queueFull = manager.newCounter(QUEUE_FULL_LABEL, JOURNAL_TYPE_ID);
        liveEntries = manager.newCounter(LIVE_ENTRIES_LABEL, JOURNAL_TYPE_ID);
        liveBytes = manager.newCounter(LIVE_BYTES_LABEL, JOURNAL_TYPE_ID);
        recipients = manager.newCounter(RECIPIENTS_LABEL, JOURNAL_TYPE_ID);
        expired = manager.newCounter(EXPIRED_LABEL, JOURNAL_TYPE_ID);
        maxMessageId = manager.newCounter(MAX_MESSAGE_ID_LABEL, JOURNAL_TYPE_ID);
        segments = manager.newCounter(SEGMENTS_LABEL, JOURNAL_TYPE_ID);
        segmentsPrepared = manager.newCounter(SEGMENTS_PREPARED_LABEL, JOURNAL_TYPE_ID);
        segmentsRecycled = manager.newCounter(SEGMENTS_RECYCLED_LABEL, JOURNAL_TYPE_ID);
        segmentsCreatedInline = manager.newCounter(SEGMENTS_CREATED_INLINE_LABEL, JOURNAL_TYPE_ID);
        segmentsReclaimed = manager.newCounter(SEGMENTS_RECLAIMED_LABEL, JOURNAL_TYPE_ID);
        recordsCompacted = manager.newCounter(RECORDS_COMPACTED_LABEL, JOURNAL_TYPE_ID);
        syncs = manager.newCounter(SYNCS_LABEL, JOURNAL_TYPE_ID);
        segmentAgentErrors = manager.newCounter(SEGMENT_AGENT_ERRORS_LABEL, JOURNAL_TYPE_ID);
    }

    /** Undelivered (recipient, record) entries across all recipients. */
    public long liveEntries()
    {
        return liveEntries.get();
    }

    /** Recipients holding at least one record. */
    public int recipientCount()
    {
        return (int)recipients.get();
    }

    /** Segment files in use. */
    public int segmentCount()
    {
        return (int)segments.get();
    }

    /** Entries dropped by expiry since open. */
    public long expiredTotal()
    {
        return expired.get();
    }

    /** Appends refused with {@link Journal#QUEUE_FULL} since open, counted per recipient. */
    public long queueFullTotal()
    {
        return queueFull.get();
    }

    /** Records copied forward by compaction since open. */
    public long compactedRecords()
    {
        return recordsCompacted.get();
    }

    /** Segment files reclaimed since open. */
    public long reclaimedSegments()
    {
        return segmentsReclaimed.get();
    }

    private static CountersManager privateManager()
    {
        final int valuesLength = PRIVATE_COUNTERS * CountersReader.COUNTER_LENGTH;
        final int metaDataLength = PRIVATE_COUNTERS * CountersReader.METADATA_LENGTH;
        return new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(metaDataLength, CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(valuesLength, CountersReader.COUNTER_LENGTH)));
    }

    /** Frees the counters in their manager, so a journal reopened in the same process allocates them afresh. */
    public void close()
    {
        CloseHelper.closeAll(
            appends, bytesAppended, deletes, queueFull, liveEntries, liveBytes, recipients, expired, maxMessageId,
            segments, segmentsPrepared, segmentsRecycled, segmentsCreatedInline, segmentsReclaimed, recordsCompacted,
            syncs, segmentAgentErrors);
    }
}
