package dev.switchboard.journal;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;

import static dev.switchboard.journal.RecordDescriptor.CORRELATION_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.CRC_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.DELETE_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.DELETE_MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.DELETE_RECIPIENT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.KIND_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.MESSAGE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.POSITION_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENTS_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.RECIPIENT_COUNT_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.switchboard.journal.RecordDescriptor.SENDER_DEVICE_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.SENDER_USER_ID_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TIMESTAMP_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_DELETE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_MESSAGE;
import static dev.switchboard.journal.RecordDescriptor.TYPE_OFFSET;
import static dev.switchboard.journal.RecordDescriptor.TYPE_PADDING;

/**
 * The durable offline queue: every undelivered message and receipt, per recipient, in memory-mapped segments.
 * <p>
 * Single writer: one thread (a ring stage) calls every method. No locks; appends, deletes and reads allocate
 * nothing once a recipient has been seen. Segment rolls, reclaim and compaction run inside the append that fills a
 * segment and do file system calls there.
 * <p>
 * The oldest segment is reclaimed when no index entry points into it. Segments go oldest first only, so a delete
 * record never outlives the message it deletes. When the oldest segment is at most half live, or the journal as a
 * whole is less than half live, its live records are copied to the tail first (compaction), so a few
 * long-undelivered records never pin older segments.
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

    private final File dataDir;
    private final int segmentLength;
    private final long ttlMs;
    private final int maxRecordsPerRecipient;
    private final long maxBytesPerRecipient;
    private final int maxPayloadLength;
    private final SyncPolicy syncPolicy;
    private final EpochClock epochClock;
    private final int resendCapacity;
    private final long resendWindowMs;
    private ResendLog resendLog;
    private HeldSends heldSends;

    private final ArrayList<Segment> segments = new ArrayList<>();
    private final Int2ObjectHashMap<Segment> segmentByIndex = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<RecipientQueue> queueByRecipient = new Long2ObjectHashMap<>();
    private final ArrayDeque<RecipientQueue> queuePool = new ArrayDeque<>();
    private Segment spareSegment;
    private final RecoveryReport recoveryReport = new RecoveryReport();
    private long[] acceptedKeys = new long[64];
    // compaction runs inside an append's reserve, so it needs keys of its own
    private long[] movedKeys = new long[64];

    private Segment tail;
    private int tailOffset;
    private boolean isMaintaining;
    private boolean isClosed;

    private long maxMessageId;
    private long liveEntries;
    private long liveBytes;
    private long expiredTotal;
    private long queueFullTotal;
    private long compactedRecords;
    private long reclaimedSegments;

    private Journal(final JournalContext ctx)
    {
        dataDir = ctx.dataDir();
        segmentLength = ctx.segmentLength();
        ttlMs = ctx.ttlMs();
        maxRecordsPerRecipient = ctx.maxRecordsPerRecipient();
        maxBytesPerRecipient = ctx.maxBytesPerRecipient();
        maxPayloadLength = ctx.maxPayloadLength();
        syncPolicy = ctx.syncPolicy();
        epochClock = ctx.epochClock();
        resendCapacity = ctx.resendCapacity();
        resendWindowMs = ctx.resendWindowMs();
    }

    /** Opens the journal in the context's data folder, rebuilding the index from the segments found there. */
    public static Journal open(final JournalContext ctx)
    {
        ctx.conclude();
        IoUtil.ensureDirectoryExists(ctx.dataDir(), "journal");
        final Journal journal = new Journal(ctx);
        try
        {
            journal.recover();
            journal.openResendLog();
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
        if (length < 0 || length > maxPayloadLength || offset < 0)
        {
            return PAYLOAD_TOO_LARGE;
        }
        if (!RecordDescriptor.isValidRecipient(recipientUserId, recipientDeviceId))
        {
            return INVALID_RECIPIENT;
        }
        final long key = RecordDescriptor.recipientKey(recipientUserId, recipientDeviceId);
        final RecipientQueue queue = queueByRecipient.get(key);
        final int check = checkRecipient(queue, messageId, length);
        if (OK != check)
        {
            return check;
        }

        acceptedKeys[0] = key;
        final long position = writeMessage(
            acceptedKeys, 1, messageId, senderUserId, senderDeviceId, correlationId, timestampMs, kind,
            payload, offset, length);
        // compaction inside writeMessage moves entries but never adds or removes a queue
        (null == queue ? newQueue(key) : queue).add(messageId, position, timestampMs, length, chargeOf(1, length));
        account(position, chargeOf(1, length));
        afterWrite();
        return OK;
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
        final int refused = appendShared(
            recipientUserIds, recipientDeviceIds, recipientCount, messageId, senderUserId, senderDeviceId,
            correlationId, timestampMs, kind, payload, offset, length, true);
        return refused > 0 ? QUEUE_FULL : refused;
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
        return appendShared(
            recipientUserIds, recipientDeviceIds, recipientCount, messageId, senderUserId, senderDeviceId,
            correlationId, timestampMs, kind, payload, offset, length, false);
    }

    /**
     * One record shared by the recipients accepted; with allOrNothing, any refusal leaves nothing written and counts
     * the whole call as refused.
     */
    private int appendShared(
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
        final int length,
        final boolean allOrNothing)
    {
        if (length < 0 || length > maxPayloadLength || offset < 0)
        {
            return PAYLOAD_TOO_LARGE;
        }
        if (recipientCount <= 0)
        {
            return 0;
        }
        if (RecordDescriptor.aligned(RecordDescriptor.messageLength(recipientCount, length)) >
            segmentLength - SEGMENT_HEADER_LENGTH)
        {
            return RECORD_TOO_LARGE;
        }
        if (acceptedKeys.length < recipientCount)
        {
            acceptedKeys = new long[Math.max(recipientCount, acceptedKeys.length * 2)];
        }

        int accepted = 0;
        for (int i = 0; i < recipientCount; i++)
        {
            final long userId = recipientUserIds[i];
            final int deviceId = recipientDeviceIds[i];
            if (RecordDescriptor.isValidRecipient(userId, deviceId))
            {
                final long key = RecordDescriptor.recipientKey(userId, deviceId);
                if (OK == checkRecipient(queueByRecipient.get(key), messageId, length))
                {
                    acceptedKeys[accepted++] = key;
                    continue;
                }
            }
            if (allOrNothing)
            {
                return recipientCount;
            }
        }
        if (0 == accepted)
        {
            return recipientCount;
        }

        final long position = writeMessage(
            acceptedKeys, accepted, messageId, senderUserId, senderDeviceId, correlationId, timestampMs, kind,
            payload, offset, length);
        final int charge = chargeOf(accepted, length);
        int added = 0;
        for (int i = 0; i < accepted; i++)
        {
            final long key = acceptedKeys[i];
            final RecipientQueue queue = queueByRecipient.get(key);
            // a recipient named twice in one call is held once; the record still names it twice, which recovery
            // tolerates
            if (null == queue || queue.lastMessageId() < messageId)
            {
                addEntry(key, messageId, position, timestampMs, length, charge);
                added++;
            }
        }
        afterWrite();
        return recipientCount - added;
    }

    /**
     * Deletes a recipient's record once the recipient has acknowledged it.
     *
     * @return false if the journal holds no such record.
     */
    public boolean delete(final long recipientUserId, final int recipientDeviceId, final long messageId)
    {
        if (!RecordDescriptor.isValidRecipient(recipientUserId, recipientDeviceId))
        {
            return false;
        }
        final long key = RecordDescriptor.recipientKey(recipientUserId, recipientDeviceId);
        final RecipientQueue queue = queueByRecipient.get(key);
        if (null == queue || queue.find(messageId) < 0)
        {
            return false;
        }

        final int offset = reserve(DELETE_LENGTH);
        final UnsafeBuffer buffer = tail.buffer;
        buffer.putInt(offset + TYPE_OFFSET, TYPE_DELETE);
        buffer.putInt(offset + RECIPIENT_COUNT_OFFSET, 0);
        buffer.putLong(offset + POSITION_OFFSET, RecordDescriptor.position(tail.index, offset));
        buffer.putLong(offset + DELETE_RECIPIENT_OFFSET, key);
        buffer.putLong(offset + DELETE_MESSAGE_ID_OFFSET, messageId);
        commit(offset, DELETE_LENGTH, TYPE_DELETE);

        // reserve may have compacted, which moves positions but never indices; look the entry up again anyway
        removeEntry(queue, queue.find(messageId));
        afterWrite();
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
        if (!RecordDescriptor.isValidRecipient(recipientUserId, recipientDeviceId) || limit <= 0)
        {
            return 0;
        }
        final RecipientQueue queue = queueByRecipient.get(
            RecordDescriptor.recipientKey(recipientUserId, recipientDeviceId));
        if (null == queue)
        {
            return 0;
        }

        final long cutoffMs = epochClock.time() - ttlMs;
        int handed = 0;
        for (int i = queue.firstAfter(afterMessageId), end = queue.end(); i < end && handed < limit; i++)
        {
            if (queue.isLive(i) && queue.timestampMs(i) >= cutoffMs)
            {
                handed++;
                if (!handOver(recipientUserId, recipientDeviceId, queue.position(i), handler))
                {
                    break;
                }
            }
        }
        return handed;
    }

    /** Undelivered records held for a recipient. */
    public int count(final long recipientUserId, final int recipientDeviceId)
    {
        final RecipientQueue queue = queueOf(recipientUserId, recipientDeviceId);
        return null == queue ? 0 : queue.count();
    }

    /** Undelivered payload bytes held for a recipient. */
    public long bytes(final long recipientUserId, final int recipientDeviceId)
    {
        final RecipientQueue queue = queueOf(recipientUserId, recipientDeviceId);
        return null == queue ? 0 : queue.bytes();
    }

    /**
     * Drops every record older than the time to live, then reclaims or compacts old segments.
     *
     * @return the number of (recipient, record) entries dropped; also added to {@link #expiredTotal()}.
     */
    public int expire()
    {
        final long cutoffMs = epochClock.time() - ttlMs;
        int expired = 0;
        final Iterator<RecipientQueue> iterator = queueByRecipient.values().iterator();
        while (iterator.hasNext())
        {
            final RecipientQueue queue = iterator.next();
            for (int i = queue.head(); i < queue.end(); i++)
            {
                if (queue.isLive(i) && queue.timestampMs(i) < cutoffMs)
                {
                    unaccount(queue, i);
                    queue.remove(i);
                    expired++;
                }
            }
            if (0 == queue.count())
            {
                iterator.remove();
                queuePool.push(queue);
            }
        }
        expiredTotal += expired;
        maintainSegments();
        return expired;
    }

    /**
     * The batch fsync point: forces what was written since the last call, records and remembered sends alike.
     * No-op for {@link SyncPolicy#NONE}.
     */
    public void sync()
    {
        if (SyncPolicy.NONE != syncPolicy)
        {
            tail.force();
            resendLog.force();
        }
    }

    /**
     * The server message id an earlier send from this device with this client message id got, if the journal
     * remembers it: accepted within the resend window and fewer than the resend capacity sends ago, or still held
     * undelivered since the last open.
     *
     * @param nowMs the caller's current time, against which the window is measured.
     * @return the original server message id, or 0 if the send is new.
     */
    public long findResend(
        final long senderUserId, final int senderDeviceId, final long clientMsgId, final long nowMs)
    {
        if (!RecordDescriptor.isValidRecipient(senderUserId, senderDeviceId))
        {
            return 0;
        }
        final long senderKey = RecordDescriptor.recipientKey(senderUserId, senderDeviceId);
        final long messageId = resendLog.find(senderKey, clientMsgId, nowMs - resendWindowMs);
        if (0 != messageId || null == heldSends)
        {
            return messageId;
        }
        return heldSends.find(senderKey, clientMsgId);
    }

    /**
     * Remembers the server message id an accepted send got, so a resend is answered with it. Durable as the
     * records are: forced now under {@link SyncPolicy#ALWAYS}, by {@link #sync()} under {@link SyncPolicy#BATCH}.
     */
    public void rememberSend(
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
     * Makes every live record of the given kind count as a remembered send (its correlation id being the client
     * message id), for those the resend log would not match; called once after open by the owner, who knows which
     * kind is a client send.
     *
     * @return the number of sends added.
     */
    public int rememberStoredSends(final int kind)
    {
        final long minTimestampMs = epochClock.time() - resendWindowMs;
        final int missing = storedSendsNotRemembered(kind, minTimestampMs, null);
        if (missing > 0)
        {
            heldSends = new HeldSends(missing);
            storedSendsNotRemembered(kind, minTimestampMs, heldSends);
        }
        recoveryReport.heldSends = null == heldSends ? 0 : heldSends.size();
        return recoveryReport.heldSends;
    }

    /** Sends the resend log can answer for (each at most once), including those past the window. */
    public int resendEntries()
    {
        return resendLog.size();
    }

    /** Hands every live record to the handler, recipient by recipient, oldest first within a recipient. */
    public void forEachRecord(final RecordHandler handler)
    {
        final long cutoffMs = epochClock.time() - ttlMs;
        for (final RecipientQueue queue : queueByRecipient.values())
        {
            final long userId = RecordDescriptor.userId(queue.recipientKey);
            final int deviceId = RecordDescriptor.deviceId(queue.recipientKey);
            for (int i = queue.head(), end = queue.end(); i < end; i++)
            {
                if (queue.isLive(i) && queue.timestampMs(i) >= cutoffMs &&
                    !handOver(userId, deviceId, queue.position(i), handler))
                {
                    return;
                }
            }
        }
    }

    /** Highest message id ever appended, kept across restarts. */
    public long maxMessageId()
    {
        return maxMessageId;
    }

    /** What the last open found. */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /** Undelivered (recipient, record) entries across all recipients. */
    public long liveEntries()
    {
        return liveEntries;
    }

    /** Recipients holding at least one record. */
    public int recipientCount()
    {
        return queueByRecipient.size();
    }

    /** Segment files in use. */
    public int segmentCount()
    {
        return segments.size();
    }

    /** Entries dropped by expiry since open. */
    public long expiredTotal()
    {
        return expiredTotal;
    }

    /** Appends refused with {@link #QUEUE_FULL} since open, counted per recipient. */
    public long queueFullTotal()
    {
        return queueFullTotal;
    }

    /** Records copied forward by compaction since open. */
    public long compactedRecords()
    {
        return compactedRecords;
    }

    /** Segment files reclaimed since open. */
    public long reclaimedSegments()
    {
        return reclaimedSegments;
    }

    /** Sum of the entries accounted to segments; equals {@link #liveEntries()} unless the accounting broke. */
    long segmentLiveRefs()
    {
        long refs = 0;
        for (final Segment segment : segments)
        {
            refs += segment.liveRefs;
        }
        return refs;
    }

    /** Forces what is pending under the sync policy and unmaps every segment. */
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        try
        {
            if (null != tail && SyncPolicy.NONE != syncPolicy)
            {
                tail.force();
            }
            if (null != resendLog && SyncPolicy.NONE != syncPolicy)
            {
                resendLog.force();
            }
        }
        finally
        {
            if (null != resendLog)
            {
                resendLog.close();
                resendLog = null;
            }
            for (final Segment segment : segments)
            {
                segment.close();
            }
            if (null != spareSegment)
            {
                spareSegment.closeAndDelete();
                spareSegment = null;
            }
            segments.clear();
            segmentByIndex.clear();
        }
    }

    private void openResendLog()
    {
        final long startNs = System.nanoTime();
        final boolean existed = new File(dataDir, ResendLog.FILE_NAME).exists();
        resendLog = ResendLog.open(dataDir, resendCapacity);
        if (SyncPolicy.NONE != syncPolicy && (!existed || resendLog.wasReset || resendLog.migratedEntries > 0))
        {
            resendLog.forceAll();
            syncDirectory();
        }
        recoveryReport.resendEntries = resendLog.recoveredEntries;
        recoveryReport.resendTornSlots = resendLog.tornSlots;
        recoveryReport.resendLogReset = resendLog.wasReset;
        recoveryReport.durationNs += System.nanoTime() - startNs;
    }

    private int storedSendsNotRemembered(final int kind, final long minTimestampMs, final HeldSends held)
    {
        int count = 0;
        final long cutoffMs = epochClock.time() - ttlMs;
        for (final RecipientQueue queue : queueByRecipient.values())
        {
            for (int i = queue.head(), end = queue.end(); i < end; i++)
            {
                if (!queue.isLive(i) || queue.timestampMs(i) < cutoffMs)
                {
                    continue;
                }
                final long position = queue.position(i);
                final UnsafeBuffer buffer = segmentOf(RecordDescriptor.segmentIndex(position)).buffer;
                final int offset = RecordDescriptor.offset(position);
                final long messageId = buffer.getLong(offset + MESSAGE_ID_OFFSET);
                if (kind != buffer.getInt(offset + KIND_OFFSET) || messageId <= 0)
                {
                    continue;
                }
                final long senderUserId = buffer.getLong(offset + SENDER_USER_ID_OFFSET);
                final int senderDeviceId = buffer.getInt(offset + SENDER_DEVICE_ID_OFFSET);
                if (!RecordDescriptor.isValidRecipient(senderUserId, senderDeviceId))
                {
                    continue;
                }
                final long senderKey = RecordDescriptor.recipientKey(senderUserId, senderDeviceId);
                final long clientMsgId = buffer.getLong(offset + CORRELATION_ID_OFFSET);
                if (0 == resendLog.find(senderKey, clientMsgId, minTimestampMs))
                {
                    count++;
                    if (null != held)
                    {
                        held.put(senderKey, clientMsgId, messageId);
                    }
                }
            }
        }
        return count;
    }

    private RecipientQueue queueOf(final long userId, final int deviceId)
    {
        return RecordDescriptor.isValidRecipient(userId, deviceId) ?
            queueByRecipient.get(RecordDescriptor.recipientKey(userId, deviceId)) : null;
    }

    private int checkRecipient(final RecipientQueue queue, final long messageId, final int length)
    {
        if (null == queue)
        {
            return length > maxBytesPerRecipient ? countQueueFull() : OK;
        }
        if (messageId <= queue.lastMessageId())
        {
            return OUT_OF_ORDER;
        }
        if (queue.count() >= maxRecordsPerRecipient || queue.bytes() + length > maxBytesPerRecipient)
        {
            return countQueueFull();
        }
        return OK;
    }

    private int countQueueFull()
    {
        queueFullTotal++;
        return QUEUE_FULL;
    }

    private static int chargeOf(final int recipientCount, final int payloadLength)
    {
        final int aligned = RecordDescriptor.aligned(RecordDescriptor.messageLength(recipientCount, payloadLength));
        return (aligned + recipientCount - 1) / recipientCount;
    }

    private long writeMessage(
        final long[] keys,
        final int keyCount,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final int recordLength = RecordDescriptor.messageLength(keyCount, payloadLength);
        final int offset = reserve(recordLength);
        final UnsafeBuffer buffer = tail.buffer;
        buffer.putInt(offset + TYPE_OFFSET, TYPE_MESSAGE);
        buffer.putInt(offset + RECIPIENT_COUNT_OFFSET, keyCount);
        buffer.putLong(offset + POSITION_OFFSET, RecordDescriptor.position(tail.index, offset));
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId);
        buffer.putLong(offset + SENDER_USER_ID_OFFSET, senderUserId);
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampMs);
        buffer.putInt(offset + SENDER_DEVICE_ID_OFFSET, senderDeviceId);
        buffer.putInt(offset + KIND_OFFSET, kind);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET + 4, 0);
        for (int i = 0; i < keyCount; i++)
        {
            buffer.putLong(offset + RECIPIENTS_OFFSET + (i * 8), keys[i]);
        }
        buffer.putBytes(offset + RecordDescriptor.payloadOffset(keyCount), payload, payloadOffset, payloadLength);
        commit(offset, recordLength, TYPE_MESSAGE);
        if (messageId > maxMessageId)
        {
            maxMessageId = messageId;
        }
        return RecordDescriptor.position(tail.index, offset);
    }

    private void commit(final int offset, final int recordLength, final int type)
    {
        final UnsafeBuffer buffer = tail.buffer;
        buffer.putInt(
            offset + CRC_OFFSET,
            tail.computeCrc(offset, RecordDescriptor.crcLength(type, recordLength)));
        // the length goes last: a record is only there once its length is
        buffer.putIntRelease(offset + LENGTH_OFFSET, recordLength);
        final int end = offset + RecordDescriptor.aligned(recordLength);
        tail.markDirty(offset, end);
        tailOffset = end;
    }

    private void afterWrite()
    {
        if (SyncPolicy.ALWAYS == syncPolicy)
        {
            tail.force();
        }
    }

    /** Offset in the tail segment with room for the record, rolling to a new segment when needed. */
    private int reserve(final int recordLength)
    {
        final int alignedLength = RecordDescriptor.aligned(recordLength);
        // a roll may compact into the new tail and fill it, hence the loop
        while (tailOffset + alignedLength > tail.length)
        {
            rollSegment();
        }
        return tailOffset;
    }

    private void rollSegment()
    {
        final Segment old = tail;
        if (old.length - tailOffset >= HEADER_LENGTH)
        {
            final UnsafeBuffer buffer = old.buffer;
            buffer.putInt(tailOffset + TYPE_OFFSET, TYPE_PADDING);
            buffer.putInt(tailOffset + RECIPIENT_COUNT_OFFSET, 0);
            buffer.putLong(tailOffset + POSITION_OFFSET, RecordDescriptor.position(old.index, tailOffset));
            commit(tailOffset, old.length - tailOffset, TYPE_PADDING);
        }
        if (SyncPolicy.NONE != syncPolicy)
        {
            old.force();
        }

        final int newIndex = old.index + 1;
        if (null != spareSegment && spareSegment.length == segmentLength)
        {
            addSegment(spareSegment.recycle(dataDir, newIndex, maxMessageId));
            spareSegment = null;
        }
        else
        {
            addSegment(Segment.create(dataDir, newIndex, segmentLength, maxMessageId));
        }
        tailOffset = SEGMENT_HEADER_LENGTH;
        if (SyncPolicy.NONE != syncPolicy)
        {
            tail.force();
            syncDirectory();
        }
        maintainSegments();
    }

    private void addSegment(final Segment segment)
    {
        segments.add(segment);
        segmentByIndex.put(segment.index, segment);
        tail = segment;
    }

    /** Reclaims dead segments at the head and compacts the head when it pins too much; not re-entrant. */
    private void maintainSegments()
    {
        if (isMaintaining)
        {
            return;
        }
        isMaintaining = true;
        try
        {
            reclaimHeadSegments();
            // with only head and tail, the head's last records are usually acknowledged before the next roll
            if (segments.size() > 2 && shouldCompact(segments.get(0)))
            {
                compact(segments.get(0));
                reclaimHeadSegments();
            }
        }
        finally
        {
            isMaintaining = false;
        }
    }

    private boolean shouldCompact(final Segment head)
    {
        final long usable = (long)(segments.size() - 1) * segmentLength;
        return head.liveBytes * 2 <= head.length || liveBytes * 2 < usable;
    }

    private void reclaimHeadSegments()
    {
        boolean isTailForced = SyncPolicy.NONE == syncPolicy;
        while (segments.size() > 1 && 0 == segments.get(0).liveRefs)
        {
            if (!isTailForced)
            {
                // copies moved forward must be on the device before the originals go
                tail.force();
                isTailForced = true;
            }
            final Segment head = segments.remove(0);
            segmentByIndex.remove(head.index);
            if (null == spareSegment && head.length == segmentLength)
            {
                spareSegment = head.retire();
            }
            else
            {
                head.closeAndDelete();
            }
            reclaimedSegments++;
        }
    }

    /** Copies the live records of a segment to the tail, so it holds no live entry afterwards. */
    private void compact(final Segment segment)
    {
        int offset = SEGMENT_HEADER_LENGTH;
        while (offset + HEADER_LENGTH <= segment.length && segment.liveRefs > 0)
        {
            // the index only points at checked records, so the walk needs their shape, not their checksum
            final int length = RecordScanner.plausibleRecordLength(segment, offset);
            if (0 == length)
            {
                offset += RecordDescriptor.ALIGNMENT;
                continue;
            }
            final UnsafeBuffer buffer = segment.buffer;
            final int type = buffer.getInt(offset + TYPE_OFFSET);
            if (TYPE_PADDING == type)
            {
                break;
            }
            if (TYPE_MESSAGE == type)
            {
                moveLiveRecipients(segment, offset);
            }
            offset += RecordDescriptor.aligned(length);
        }
    }

    private void moveLiveRecipients(final Segment segment, final int offset)
    {
        final UnsafeBuffer buffer = segment.buffer;
        final long position = RecordDescriptor.position(segment.index, offset);
        final long messageId = buffer.getLong(offset + MESSAGE_ID_OFFSET);
        final int recipientCount = buffer.getInt(offset + RECIPIENT_COUNT_OFFSET);
        if (movedKeys.length < recipientCount)
        {
            movedKeys = new long[recipientCount];
        }

        int live = 0;
        for (int i = 0; i < recipientCount; i++)
        {
            final long key = buffer.getLong(offset + RECIPIENTS_OFFSET + (i * 8));
            final RecipientQueue queue = queueByRecipient.get(key);
            if (null != queue)
            {
                final int index = queue.find(messageId);
                if (index >= 0 && queue.position(index) == position)
                {
                    movedKeys[live++] = key;
                }
            }
        }
        if (0 == live)
        {
            return;
        }

        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET);
        final long newPosition = writeMessage(
            movedKeys,
            live,
            messageId,
            buffer.getLong(offset + SENDER_USER_ID_OFFSET),
            buffer.getInt(offset + SENDER_DEVICE_ID_OFFSET),
            buffer.getLong(offset + CORRELATION_ID_OFFSET),
            buffer.getLong(offset + TIMESTAMP_OFFSET),
            buffer.getInt(offset + KIND_OFFSET),
            buffer,
            offset + RecordDescriptor.payloadOffset(recipientCount),
            payloadLength);
        final int charge = chargeOf(live, payloadLength);
        final Segment target = segmentOf(RecordDescriptor.segmentIndex(newPosition));
        for (int i = 0; i < live; i++)
        {
            final RecipientQueue queue = queueByRecipient.get(movedKeys[i]);
            final int index = queue.find(messageId);
            unaccount(queue, index);
            queue.movePosition(index, newPosition, charge);
            target.liveRefs++;
            target.liveBytes += charge;
            liveEntries++;
            liveBytes += charge;
        }
        compactedRecords++;
    }

    private void addEntry(
        final long key,
        final long messageId,
        final long position,
        final long timestampMs,
        final int payloadLength,
        final int charge)
    {
        RecipientQueue queue = queueByRecipient.get(key);
        if (null == queue)
        {
            queue = newQueue(key);
        }
        queue.add(messageId, position, timestampMs, payloadLength, charge);
        account(position, charge);
    }

    private RecipientQueue newQueue(final long key)
    {
        RecipientQueue queue = queuePool.poll();
        if (null == queue)
        {
            queue = new RecipientQueue();
        }
        queue.reset(key);
        queueByRecipient.put(key, queue);
        return queue;
    }

    private Segment segmentOf(final int index)
    {
        // most entries point into the tail or the segment before it
        final Segment current = tail;
        return current.index == index ? current : segmentByIndex.get(index);
    }

    private void account(final long position, final int charge)
    {
        final Segment segment = segmentOf(RecordDescriptor.segmentIndex(position));
        segment.liveRefs++;
        segment.liveBytes += charge;
        liveEntries++;
        liveBytes += charge;
    }

    private void unaccount(final RecipientQueue queue, final int index)
    {
        final Segment segment = segmentOf(RecordDescriptor.segmentIndex(queue.position(index)));
        final int charge = queue.charge(index);
        segment.liveRefs--;
        segment.liveBytes -= charge;
        liveEntries--;
        liveBytes -= charge;
    }

    private void removeEntry(final RecipientQueue queue, final int index)
    {
        unaccount(queue, index);
        queue.remove(index);
        if (0 == queue.count())
        {
            queueByRecipient.remove(queue.recipientKey);
            queuePool.push(queue);
        }
    }

    private boolean handOver(
        final long userId, final int deviceId, final long position, final RecordHandler handler)
    {
        final Segment segment = segmentOf(RecordDescriptor.segmentIndex(position));
        final int offset = RecordDescriptor.offset(position);
        final UnsafeBuffer buffer = segment.buffer;
        final int recipientCount = buffer.getInt(offset + RECIPIENT_COUNT_OFFSET);
        return handler.onRecord(
            userId,
            deviceId,
            buffer.getLong(offset + MESSAGE_ID_OFFSET),
            buffer.getLong(offset + SENDER_USER_ID_OFFSET),
            buffer.getInt(offset + SENDER_DEVICE_ID_OFFSET),
            buffer.getLong(offset + CORRELATION_ID_OFFSET),
            buffer.getLong(offset + TIMESTAMP_OFFSET),
            buffer.getInt(offset + KIND_OFFSET),
            buffer,
            offset + RecordDescriptor.payloadOffset(recipientCount),
            buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET));
    }

    private void syncDirectory()
    {
        try (FileChannel channel = FileChannel.open(dataDir.toPath(), StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void recover()
    {
        final long startNs = System.nanoTime();
        final int[] indices = listSegmentIndices();
        final long cutoffMs = epochClock.time() - ttlMs;
        for (int i = 0; i < indices.length; i++)
        {
            final int index = indices[i];
            final File file = new File(dataDir, Segment.fileName(index));
            if (file.length() < SEGMENT_HEADER_LENGTH + HEADER_LENGTH)
            {
                // a segment whose creation was cut short holds nothing
                IoUtil.deleteIfExists(file);
                recoveryReport.invalidSegments++;
                continue;
            }
            final Segment segment = Segment.open(file, index);
            addSegment(segment);
            recoveryReport.segments++;
            if (segment.hasValidHeader())
            {
                maxMessageId = Math.max(maxMessageId, segment.headerMaxMessageId());
            }
            else if (i == indices.length - 1)
            {
                segment.writeHeader(maxMessageId);
            }
            final int end = scanSegment(segment, cutoffMs, i == indices.length - 1);
            if (i == indices.length - 1)
            {
                tailOffset = end;
            }
        }

        if (null == tail)
        {
            addSegment(Segment.create(dataDir, 0, segmentLength, maxMessageId));
            tailOffset = SEGMENT_HEADER_LENGTH;
            if (SyncPolicy.NONE != syncPolicy)
            {
                tail.forceAll();
                syncDirectory();
            }
        }
        recoveryReport.liveEntries = liveEntries;
        recoveryReport.maxMessageId = maxMessageId;
        maintainSegments();
        recoveryReport.durationNs = System.nanoTime() - startNs;
    }

    private int[] listSegmentIndices()
    {
        final String[] names = dataDir.list();
        if (null == names)
        {
            throw new IllegalStateException("cannot list journal folder " + dataDir);
        }
        int count = 0;
        final int[] indices = new int[names.length];
        for (final String name : names)
        {
            if (Segment.isSpareName(name))
            {
                // a retired segment kept for reuse when the process stopped: never read, just dropped
                IoUtil.deleteIfExists(new File(dataDir, name));
                continue;
            }
            final int index = Segment.parseIndex(name);
            if (index >= 0)
            {
                indices[count++] = index;
            }
        }
        final int[] found = Arrays.copyOf(indices, count);
        Arrays.sort(found);
        return found;
    }

    /** Applies every good record of a segment to the index; returns the end of the last good record. */
    private int scanSegment(final Segment segment, final long cutoffMs, final boolean isTail)
    {
        int offset = SEGMENT_HEADER_LENGTH;
        int goodEnd = offset;
        while (offset + HEADER_LENGTH <= segment.length)
        {
            final int length = RecordScanner.validRecordLength(segment, offset);
            if (0 == length)
            {
                // not a record here: step on and look for the next good one, so one bad record loses only itself
                offset += RecordDescriptor.ALIGNMENT;
                continue;
            }
            noteSkipped(segment, goodEnd, offset);
            final int type = segment.buffer.getInt(offset + TYPE_OFFSET);
            if (TYPE_PADDING == type)
            {
                goodEnd = segment.length;
                break;
            }
            if (TYPE_MESSAGE == type)
            {
                recoverMessage(segment, offset, cutoffMs);
            }
            else
            {
                recoverDelete(segment, offset);
            }
            offset += RecordDescriptor.aligned(length);
            goodEnd = offset;
        }

        final int dirtyEnd = RecordScanner.lastNonZeroEnd(segment, goodEnd, segment.length);
        if (dirtyEnd > goodEnd)
        {
            if (isTail)
            {
                recoveryReport.tornTailBytes += dirtyEnd - goodEnd;
                segment.buffer.setMemory(goodEnd, dirtyEnd - goodEnd, (byte)0);
                segment.markDirty(goodEnd, dirtyEnd);
            }
            else
            {
                recoveryReport.corruptRegions++;
                recoveryReport.corruptBytes += dirtyEnd - goodEnd;
            }
        }
        return goodEnd;
    }

    private void noteSkipped(final Segment segment, final int from, final int to)
    {
        if (to > from && RecordScanner.lastNonZeroEnd(segment, from, to) > from)
        {
            recoveryReport.corruptRegions++;
            recoveryReport.corruptBytes += to - from;
        }
    }

    private void recoverMessage(final Segment segment, final int offset, final long cutoffMs)
    {
        final UnsafeBuffer buffer = segment.buffer;
        recoveryReport.messageRecords++;
        final long messageId = buffer.getLong(offset + MESSAGE_ID_OFFSET);
        maxMessageId = Math.max(maxMessageId, messageId);
        final long timestampMs = buffer.getLong(offset + TIMESTAMP_OFFSET);
        if (timestampMs < cutoffMs)
        {
            recoveryReport.expiredRecords++;
            return;
        }

        final long position = RecordDescriptor.position(segment.index, offset);
        final int recipientCount = buffer.getInt(offset + RECIPIENT_COUNT_OFFSET);
        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET);
        final int charge = chargeOf(recipientCount, payloadLength);
        for (int i = 0; i < recipientCount; i++)
        {
            final long key = buffer.getLong(offset + RECIPIENTS_OFFSET + (i * 8));
            if (key < 0)
            {
                continue;
            }
            RecipientQueue queue = queueByRecipient.get(key);
            if (null == queue)
            {
                queue = newQueue(key);
            }
            final int index = queue.find(messageId);
            if (index >= 0)
            {
                if (queue.position(index) != position)
                {
                    // a copy moved forward by compaction before the original's segment was reclaimed
                    unaccount(queue, index);
                    queue.movePosition(index, position, charge);
                    account(position, charge);
                    recoveryReport.supersededCopies++;
                }
            }
            else
            {
                queue.insert(messageId, position, timestampMs, payloadLength, charge);
                account(position, charge);
            }
        }
    }

    private void recoverDelete(final Segment segment, final int offset)
    {
        final UnsafeBuffer buffer = segment.buffer;
        recoveryReport.deleteRecords++;
        final RecipientQueue queue = queueByRecipient.get(buffer.getLong(offset + DELETE_RECIPIENT_OFFSET));
        final int index = null == queue ? -1 : queue.find(buffer.getLong(offset + DELETE_MESSAGE_ID_OFFSET));
        if (index < 0)
        {
            recoveryReport.orphanDeletes++;
            return;
        }
        removeEntry(queue, index);
    }
}
