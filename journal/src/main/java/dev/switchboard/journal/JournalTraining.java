package dev.switchboard.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Runs a scratch journal through a few hundred segment rolls once per JVM, before the real journal opens, so that the
 * branches the journal takes only around a roll have been seen before the compiler sees the hot path: the padding
 * record and the swap in {@code SegmentLog.reserve}, a record in a segment other than the tail in
 * {@code SegmentLog.segmentOf}, a segment made inline when none was prepared, heads reclaimed until the tail is left
 * alone, the resend log's wrap. Left untaken, each is compiled as a trap. At a low rate the first roll comes tens of
 * seconds in (16 MiB of records) and sends every path that inlined one of them (append, read, delete, hand-over) back
 * to the interpreter together, to be profiled and compiled again on the server's own CPU while it serves: about twenty
 * compilations at once. Branch profiles belong to the method, not the instance, so a scratch journal trains the real
 * one.
 * <p>
 * The scratch journal lives in a temporary folder, deleted after. Where that folder cannot be made the journal goes
 * untrained: its first roll is slower, nothing else changes.
 */
final class JournalTraining
{
    /** Name prefix of the temporary folder a run trains in. */
    static final String FOLDER_PREFIX = "switchboard-journal-training";
    static final int RECORDS = 40_000;
    /**
     * Records between a message and its delivery in every other stretch: several segments, so reads and deletes reach
     * behind the tail. The last stretch delivers at once, so every record is delivered by the end.
     */
    private static final int DELIVERY_LAG = 600;
    private static final int RECIPIENTS = 64;
    private static final int MAX_PAYLOAD_LENGTH = 256;
    private static final int SEGMENT_LENGTH = 16 * 1024;
    private static final int RESEND_CAPACITY = 512;
    private static final int KIND = 1;
    private static final int DEVICE_ID = 1;
    private static final int STRETCH = 1_000;
    /** One stretch in this many runs without the segment agent: its rolls make their own segments. */
    private static final int UNPREPARED_STRETCH_PERIOD = 7;

    private static boolean isTrained;

    private JournalTraining()
    {
    }

    /**
     * Train once per JVM, under the first journal's sync policy; later calls return at once.
     */
    static synchronized void ensureTrained(final SyncPolicy syncPolicy)
    {
        if (isTrained)
        {
            return;
        }
        isTrained = true;
        try
        {
            train(syncPolicy);
        }
        catch (final RuntimeException ex)
        {
            // untrained: slower at the first roll, nothing else
        }
    }

    /** What a training run did; its test checks each path was taken many times. */
    static final class Report
    {
        long reclaimedSegments;
        long segmentsCreatedInline;
        int recordsRead;
        int deletes;
        int resendsFound;
        int tailAlone;
    }

    /**
     * One training run in a fresh temporary folder, deleted after.
     *
     * @param syncPolicy the real journal's policy; {@link SyncPolicy#ALWAYS} trains as {@link SyncPolicy#BATCH},
     *                   whose rolls force too, without a force per record.
     */
    static Report train(final SyncPolicy syncPolicy)
    {
        final File dir;
        try
        {
            dir = Files.createTempDirectory(FOLDER_PREFIX).toFile();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }

        try (Journal journal = Journal.openUntrained(new JournalContext()
            .dataDir(dir)
            .segmentLength(SEGMENT_LENGTH)
            .maxPayloadLength(MAX_PAYLOAD_LENGTH)
            .touchAhead(SEGMENT_LENGTH)
            .resendCapacity(RESEND_CAPACITY)
            .syncPolicy(SyncPolicy.ALWAYS == syncPolicy ? SyncPolicy.BATCH : syncPolicy)
            .segmentAgentInvoked(true)))
        {
            return run(journal);
        }
        finally
        {
            IoUtil.delete(dir, true);
        }
    }

    private static Report run(final Journal journal)
    {
        final Report report = new Report();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD_LENGTH]);
        final long[] userIds = new long[1];
        final int[] deviceIds = { DEVICE_ID };
        final long baseId = journal.maxMessageId() + 1;
        final long nowMs = System.currentTimeMillis();
        final RecordHandler countRead = (recipientUserId, recipientDeviceId, messageId, senderUserId,
            senderDeviceId, correlationId, timestampMs, kind, buffer, offset, length) -> countRead(report);

        int nextDelivered = 0;
        for (int i = 0; i < RECORDS; i++)
        {
            final long messageId = baseId + i;
            final long recipient = 1 + i % RECIPIENTS;
            final long sender = 1 + (i + 1) % RECIPIENTS;
            final int length = 16 + i % 97;
            payload.putLong(0, messageId);

            if (0 != journal.resendDedupe().find(sender, DEVICE_ID, i - RESEND_CAPACITY / 2, nowMs))
            {
                report.resendsFound++;
            }
            final int appended;
            if (0 == (i & 1))
            {
                appended = journal.append(
                    recipient, DEVICE_ID, messageId, sender, DEVICE_ID, i, nowMs, KIND, payload, 0, length);
            }
            else
            {
                userIds[0] = recipient;
                appended = journal.appendToAll(
                    userIds, deviceIds, 1, messageId, sender, DEVICE_ID, i, nowMs, KIND, payload, 0, length);
            }
            if (Journal.OK == appended)
            {
                journal.resendDedupe().remember(sender, DEVICE_ID, i, messageId, nowMs);
            }

            // Stretches that deliver at once, leaving the tail alone in use after a roll, between stretches that lag.
            final int lag = 0 == (i / STRETCH) % 2 ? DELIVERY_LAG : 0;
            for (; nextDelivered <= i - lag; nextDelivered++)
            {
                final long deliveredUser = 1 + nextDelivered % RECIPIENTS;
                journal.read(deliveredUser, DEVICE_ID, baseId + nextDelivered - 1, 1, countRead);
                if (journal.delete(deliveredUser, DEVICE_ID, baseId + nextDelivered))
                {
                    report.deletes++;
                }
            }
            if (1 == journal.counters().segmentCount())
            {
                report.tailAlone++;
            }
            // Often enough that the housekeeping paths are compiled with a profile while heads are reclaimed.
            journal.expire();
            if (0 == (i & 1023))
            {
                journal.sync();
            }
            if (0 != (i / STRETCH) % UNPREPARED_STRETCH_PERIOD)
            {
                journal.invokeSegmentAgent();
            }
        }

        final JournalCounters counters = journal.counters();
        report.reclaimedSegments = counters.reclaimedSegments();
        report.segmentsCreatedInline = counters.segmentsCreatedInline.get();
        return report;
    }

    private static boolean countRead(final Report report)
    {
        report.recordsRead++;
        return true;
    }
}
