package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

import static dev.switchboard.journal.ResendLogDescriptor.ENTRY_LENGTH;

/**
 * The memory of accepted sends that lets a client resend be answered with its original server id: a fixed-capacity
 * FIFO ring of entries in one memory-mapped file ({@link ResendLogFile}), with an in-heap {@link ResendIndex} from
 * (sender, client message id) to slot. {@link ResendLogRecovery} opens it.
 * <p>
 * Entry n (counted from 1 since the file was created) lives in slot {@code (n - 1) & (capacity - 1)}; writing it
 * evicts entry {@code n - capacity} from the index. So a send is remembered until {@code capacity} more sends were
 * accepted server-wide, and it is matched only while it is younger than the window.
 * <p>
 * Single writer: the journal's owner. No allocation after open.
 */
final class ResendLog implements AutoCloseable
{
    private final ResendLogFile file;
    private final ResendIndex index;

    private long nextSequence;
    // the last entry written, published for the segment agent, which touches the ring's pages ahead of the writer
    private final AtomicLong lastSequence;

    /**
     * @param index        the file's entries, indexed.
     * @param lastSequence the newest entry in the file, 0 if none.
     */
    ResendLog(final ResendLogFile file, final ResendIndex index, final long lastSequence)
    {
        this.file = file;
        this.index = index;
        this.nextSequence = lastSequence + 1;
        this.lastSequence = new AtomicLong(lastSequence);
    }

    /**
     * @return the server message id remembered for this send if it was accepted at or after minTimestampMs, else 0.
     */
    long find(final long senderKey, final long clientMsgId, final long minTimestampMs)
    {
        final int slot = index.slotOf(senderKey, clientMsgId);
        if (ResendIndex.NONE == slot)
        {
            return 0;
        }
        return file.timestampMs(slot) >= minTimestampMs ? file.messageId(slot) : 0;
    }

    /** Remembers an accepted send, evicting the oldest entry when the ring is full. */
    void append(final long senderKey, final long clientMsgId, final long messageId, final long timestampMs)
    {
        final long sequence = nextSequence++;
        final int slot = file.slotOf(sequence);

        if (0 != file.sequence(slot))
        {
            index.removeIfAt(file.senderKey(slot), file.clientMsgId(slot), slot);
        }

        file.write(sequence, senderKey, clientMsgId, messageId, timestampMs);
        lastSequence.lazySet(sequence);

        index.put(senderKey, clientMsgId, slot);
    }

    /** Any thread: the bytes of entries written into the ring since it started, unwrapped. */
    long writtenBytes()
    {
        return lastSequence.get() * ENTRY_LENGTH;
    }

    UnsafeBuffer buffer()
    {
        return file.buffer();
    }

    int ringLength()
    {
        return file.capacity() * ENTRY_LENGTH;
    }

    /** Forces the slots written since the last force to the device. */
    void force()
    {
        file.force();
    }

    void forceAll()
    {
        file.forceAll();
    }

    /** Entries in the index. */
    int size()
    {
        return index.size();
    }

    public void close()
    {
        file.close();
    }
}
