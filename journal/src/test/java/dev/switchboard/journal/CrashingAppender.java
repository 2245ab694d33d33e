package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Child process for {@link JournalCrashTest}: appends and acknowledges in a loop until it is killed, printing
 * "A id;" after each append returned and "D id;" after each delete returned; the ";" tells a whole line from one
 * cut by the kill.
 */
final class CrashingAppender
{
    static final int RECIPIENTS = 4;
    static final int SEGMENT_LENGTH = 64 * 1024;

    private CrashingAppender()
    {
    }

    static int userOf(final long id)
    {
        return (int)(id % RECIPIENTS);
    }

    /** Every record but each tenth is acknowledged right after the next one is appended. */
    static boolean isAcked(final long id)
    {
        return id % 10 != 0;
    }

    public static void main(final String[] args) throws IOException
    {
        final File dir = new File(args[0]);
        final long firstId = Long.parseLong(args[1]);
        // reports go straight to a file, one write per line: the page cache keeps them through kill -9 as it keeps
        // the journal, where a pipe or a stream buffer could drop the last ones
        final FileOutputStream out = new FileOutputStream(args[2], true);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        final long timestampMs = System.currentTimeMillis();
        try (Journal journal = Journal.open(new JournalContext()
            .dataDir(dir)
            .segmentLength(SEGMENT_LENGTH)
            .maxPayloadLength(1024)
            .maxRecordsPerRecipient(1_000_000)
            .syncPolicy(SyncPolicy.NONE));
            FileOutputStream report = out)
        {
            report(report, "R " + journal.maxMessageId());
            for (long id = firstId; ; id++)
            {
                payload.putLong(0, id);
                payload.putLong(192, ~id);
                if (Journal.OK != journal.append(userOf(id), 1, id, 9, 1, id, timestampMs, 1, payload, 0, 200))
                {
                    throw new IllegalStateException("append refused " + id);
                }
                report(report, "A " + id);
                final long previous = id - 1;
                if (previous >= firstId && isAcked(previous))
                {
                    if (!journal.delete(userOf(previous), 1, previous))
                    {
                        throw new IllegalStateException("delete refused " + previous);
                    }
                    report(report, "D " + previous);
                }
                // the ring's end of batch: compaction and reclaim run here, so the kill also lands in them
                journal.sync();
            }
        }
    }

    private static void report(final FileOutputStream out, final String line) throws IOException
    {
        out.write((line + ";\n").getBytes(StandardCharsets.US_ASCII));
    }
}
