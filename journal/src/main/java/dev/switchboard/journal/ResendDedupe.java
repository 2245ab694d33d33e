package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;

import static dev.switchboard.journal.RecordDescriptor.CORRELATION_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.KIND_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SENDER_DEVICE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SENDER_USER_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TIMESTAMP_OFFSET;

/**
 * Which server message id a client send got, so a resend is answered with it: the {@link ResendLog} of recent sends,
 * plus the sends still held undelivered at open that the log would not match ({@link HeldSends}).
 * <p>
 * Owner thread only: the journal's owner, which reaches it through {@link Journal#resendDedupe()}.
 */
public final class ResendDedupe implements AutoCloseable
{
    private final ResendLog resendLog;
    private final long windowMs;
    private final SyncPolicy syncPolicy;
    private HeldSends heldSends;
    private int countingKind;
    private long countingMinTimestampMs;
    private int counted;

    ResendLog log()
    {
        return resendLog;
    }

    private ResendDedupe(final ResendLog resendLog, final long windowMs, final SyncPolicy syncPolicy)
    {
        this.resendLog = resendLog;
        this.windowMs = windowMs;
        this.syncPolicy = syncPolicy;
    }

    /** Opens the resend log in the folder, filling the report's resend figures. */
    static ResendDedupe open(
        final File dataDir,
        final int capacity,
        final long windowMs,
        final SyncPolicy syncPolicy,
        final RecoveryReport report)
    {
        final long startNs = System.nanoTime();
        final boolean existed = new File(dataDir, ResendLogFile.FILE_NAME).exists();
        final ResendLogRecovery recovery = new ResendLogRecovery();
        final ResendLog resendLog = recovery.open(dataDir, capacity);
        if (SyncPolicy.NONE != syncPolicy && (!existed || recovery.wasReset || recovery.migratedEntries > 0))
        {
            resendLog.forceAll();
            SegmentAgent.syncDirectory(dataDir);
        }
        report.resendEntries = recovery.recoveredEntries;
        report.resendTornSlots = recovery.tornSlots;
        report.resendLogReset = recovery.wasReset;
        report.durationNs += System.nanoTime() - startNs;
        return new ResendDedupe(resendLog, windowMs, syncPolicy);
    }

    /**
     * The server message id an earlier send from this device with this client message id got, if the journal
     * remembers it: accepted within the resend window and fewer than the resend capacity sends ago, or still held
     * undelivered since the last open.
     *
     * @param nowMs the caller's current time, against which the window is measured.
     * @return the original server message id, or 0 if the send is new.
     */
    public long find(final long senderUserId, final int senderDeviceId, final long clientMsgId, final long nowMs)
    {
        if (!RecordDescriptor.isValidRecipient(senderUserId, senderDeviceId))
        {
            return 0;
        }
        final long senderKey = RecordDescriptor.recipientKey(senderUserId, senderDeviceId);
        final long messageId = resendLog.find(senderKey, clientMsgId, nowMs - windowMs);
        if (0 != messageId || null == heldSends)
        {
            return messageId;
        }
        return heldSends.find(senderKey, clientMsgId);
    }

    /**
     * Remembers the server message id an accepted send got, so a resend is answered with it. Durable as the
     * records are: forced now under {@link SyncPolicy#ALWAYS}, by {@link Journal#sync()} under
     * {@link SyncPolicy#BATCH}.
     */
    public void remember(
        final long senderUserId,
        final int senderDeviceId,
        final long clientMsgId,
        final long messageId,
        final long timestampMs)
    {
        if (!RecordDescriptor.isValidRecipient(senderUserId, senderDeviceId))
        {
            return;
        }
        resendLog.append(
            RecordDescriptor.recipientKey(senderUserId, senderDeviceId), clientMsgId, messageId, timestampMs);
        if (SyncPolicy.ALWAYS == syncPolicy)
        {
            resendLog.force();
        }
    }

    /**
     * Remembers every live record of the kind (its correlation id being the client message id) that the log would
     * not match; once, after open.
     *
     * @return the number of sends held so.
     */
    int rememberStoredSends(
        final int kind, final long nowMs, final long cutoffMs, final RecipientIndex index, final SegmentLog log)
    {
        countingKind = kind;
        countingMinTimestampMs = nowMs - windowMs;
        counted = 0;
        index.forEachPosition(cutoffMs, (position) -> visitStoredSend(log, position, null));
        if (counted > 0)
        {
            final HeldSends held = new HeldSends(counted);
            index.forEachPosition(cutoffMs, (position) -> visitStoredSend(log, position, held));
            heldSends = held;
            if (SyncPolicy.NONE != syncPolicy)
            {
                resendLog.forceAll();
            }
        }
        return null == heldSends ? 0 : heldSends.size();
    }

    /** Sends the resend log can answer for (each at most once), including those past the window. */
    public int entries()
    {
        return resendLog.size();
    }

    void force()
    {
        resendLog.force();
    }

    /** Forces the resend log under the sync policy and unmaps it; {@link Journal#close()} does this. */
    public void close()
    {
        try
        {
            if (SyncPolicy.NONE != syncPolicy)
            {
                resendLog.force();
            }
        }
        finally
        {
            resendLog.close();
        }
    }

    private void visitStoredSend(final SegmentLog log, final long position, final HeldSends held)
    {
        final UnsafeBuffer buffer = log.segmentOf(RecordDescriptor.segmentIndex(position)).buffer;
        final int offset = RecordDescriptor.offset(position);
        final long messageId = buffer.getLong(offset + MESSAGE_ID_OFFSET);
        if (countingKind != buffer.getInt(offset + KIND_OFFSET) || messageId <= 0)
        {
            return;
        }
        final long senderUserId = buffer.getLong(offset + SENDER_USER_ID_OFFSET);
        final int senderDeviceId = buffer.getInt(offset + SENDER_DEVICE_ID_OFFSET);
        if (!RecordDescriptor.isValidRecipient(senderUserId, senderDeviceId))
        {
            return;
        }
        final long senderKey = RecordDescriptor.recipientKey(senderUserId, senderDeviceId);
        final long clientMsgId = buffer.getLong(offset + CORRELATION_ID_OFFSET);
        if (0 == resendLog.find(senderKey, clientMsgId, countingMinTimestampMs))
        {
            counted++;
            if (null != held)
            {
                held.put(senderKey, clientMsgId, messageId);
                // Into the log too: once delivered, the record is gone from the journal, and a resend that comes
                // only after a later restart must still be recognised.
                resendLog.append(senderKey, clientMsgId, messageId, buffer.getLong(offset + TIMESTAMP_OFFSET));
            }
        }
    }
}
