package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.PrintStream;

/**
 * Child process for {@link JournalCrashTest}: appends and acknowledges in a loop until it is killed, printing
 * "A id" after each append returned and "D id" after each delete returned.
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

    public static void main(final String[] args)
    {
        final File dir = new File(args[0]);
        final long firstId = Long.parseLong(args[1]);
        final PrintStream out = new PrintStream(System.out, false);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        final long timestampMs = System.currentTimeMillis();
        try (Journal journal = Journal.open(new JournalContext()
            .dataDir(dir)
            .segmentLength(SEGMENT_LENGTH)
            .maxPayloadLength(1024)
            .maxRecordsPerRecipient(1_000_000)
            .syncPolicy(SyncPolicy.NONE)))
        {
            out.println("R " + journal.maxMessageId());
            out.flush();
            for (long id = firstId; ; id++)
            {
                payload.putLong(0, id);
                payload.putLong(192, ~id);
                if (Journal.OK != journal.append(userOf(id), 1, id, 9, 1, id, timestampMs, 1, payload, 0, 200))
                {
                    throw new IllegalStateException("append refused " + id);
                }
                out.println("A " + id);
                final long previous = id - 1;
                if (previous >= firstId && isAcked(previous))
                {
                    if (!journal.delete(userOf(previous), 1, previous))
                    {
                        throw new IllegalStateException("delete refused " + previous);
                    }
                    out.println("D " + previous);
                }
                out.flush();
            }
        }
    }
}
