package dev.switchboard.journal;

import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Opens the {@link ResendLog} in the data folder: creates the file, or rebuilds the index from the valid slots of the
 * one found, replacing it when unreadable and carrying its entries over when its capacity differs. Keeps the figures
 * for the {@link RecoveryReport}. Opening thread only, once.
 */
final class ResendLogRecovery
{
    int recoveredEntries;
    int tornSlots;
    boolean wasReset;
    int migratedEntries;

    /**
     * Opens the log in the folder, creating it sparse when absent. A file whose header is unreadable is replaced by
     * an empty one; a file of another capacity has its entries carried over, newest kept.
     */
    ResendLog open(final File dir, final int capacity)
    {
        final File file = new File(dir, ResendLogFile.FILE_NAME);
        if (!file.exists())
        {
            return empty(ResendLogFile.create(file, capacity));
        }

        final ResendLogFile found = ResendLogFile.openExisting(file);
        if (null == found)
        {
            IoUtil.deleteIfExists(file);
            final ResendLog log = empty(ResendLogFile.create(file, capacity));
            wasReset = true;
            return log;
        }
        if (found.capacity() == capacity)
        {
            return rebuild(found);
        }
        return migrate(found, dir, capacity);
    }

    private static ResendLog empty(final ResendLogFile file)
    {
        return new ResendLog(file, new ResendIndex(file.buffer(), file.capacity()), 0);
    }

    /** Rebuilds the index from every valid slot. */
    private ResendLog rebuild(final ResendLogFile file)
    {
        final ResendIndex index = new ResendIndex(file.buffer(), file.capacity());
        long maxSequence = 0;
        int recovered = 0;
        int torn = 0;
        for (int slot = 0; slot < file.capacity(); slot++)
        {
            final long sequence = file.validSequence(slot);
            if (0 == sequence)
            {
                if (!file.isZero(slot))
                {
                    torn++;
                }
                continue;
            }
            maxSequence = Math.max(maxSequence, sequence);
            final long senderKey = file.senderKey(slot);
            final long clientMsgId = file.clientMsgId(slot);
            final int indexed = index.slotOf(senderKey, clientMsgId);
            if (ResendIndex.NONE == indexed)
            {
                index.put(senderKey, clientMsgId, slot);
                recovered++;
            }
            else if (sequence > file.sequence(indexed))
            {
                // the same send remembered twice (it was matched no more, outside the window): the newer wins
                index.put(senderKey, clientMsgId, slot);
            }
        }
        recoveredEntries = recovered;
        tornSlots = torn;
        return new ResendLog(file, index, maxSequence);
    }

    /** Copies the valid entries of a log of another capacity into a new one, oldest first, so the newest stay. */
    private ResendLog migrate(final ResendLogFile old, final File dir, final int capacity)
    {
        final long[] sequences = new long[validSlots(old)];
        int count = 0;
        for (int slot = 0; slot < old.capacity(); slot++)
        {
            final long sequence = old.validSequence(slot);
            if (0 != sequence)
            {
                sequences[count++] = sequence;
            }
        }
        Arrays.sort(sequences, 0, count);

        final File tmp = new File(dir, ResendLogFile.FILE_NAME + ".tmp");
        IoUtil.deleteIfExists(tmp);
        final ResendLogFile copy = ResendLogFile.create(tmp, capacity);
        for (int i = 0; i < count; i++)
        {
            final int slot = old.slotOf(sequences[i]);
            copy.write(
                sequences[i], old.senderKey(slot), old.clientMsgId(slot), old.messageId(slot), old.timestampMs(slot));
        }
        copy.forceAll();
        old.close();
        try
        {
            Files.move(tmp.toPath(), old.file().toPath(), StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            copy.close();
            throw new UncheckedIOException(ex);
        }
        final ResendLogFile reopened = ResendLogFile.map(old.file(), capacity);
        copy.close();
        final ResendLog log = rebuild(reopened);
        migratedEntries = recoveredEntries;
        return log;
    }

    private static int validSlots(final ResendLogFile file)
    {
        int count = 0;
        for (int slot = 0; slot < file.capacity(); slot++)
        {
            count += 0 != file.validSequence(slot) ? 1 : 0;
        }
        return count;
    }
}
