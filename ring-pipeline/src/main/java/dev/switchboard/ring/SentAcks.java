package dev.switchboard.ring;

import dev.switchboard.journal.Journal;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The delivery stage's SENT acks: held through a batch and sent at its end, after the journal's group commit, so a
 * tick never goes out for a message the journal could still lose under its sync policy. What the edge's queue does not
 * take is kept, in order, for the next flush.
 */
final class SentAcks
{
    private final PendingSentAcks pending;
    private final Journal journal;
    private final OutboundFrames outbound;
    private final FrameEncoders encoders;
    private final RingCounters counters;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));

    SentAcks(
        final int capacity,
        final Journal journal,
        final OutboundFrames outbound,
        final FrameEncoders encoders,
        final RingCounters counters)
    {
        this.pending = new PendingSentAcks(capacity);
        this.journal = journal;
        this.outbound = outbound;
        this.encoders = encoders;
        this.counters = counters;
    }

    /**
     * Hold a SENT ack for the end of the batch. If the edge has refused so many that no room is left, the connection
     * is closed instead: its client reconnects and resends, and resend dedupe answers with the stored id.
     */
    void hold(
        final int pollerIndex, final long connectionId, final long clientMsgId, final long messageId, final long nowMs)
    {
        if (pending.isFull())
        {
            journal.sync(); // the acks held so far may go out only once their messages are committed
            flush();
        }
        if (pending.isFull())
        {
            counters.increment(RingCounters.OUTBOUND_FULL);
            outbound.close(pollerIndex, connectionId);
            return;
        }
        pending.add(pollerIndex, connectionId, clientMsgId, messageId, nowMs);
    }

    /**
     * Send the acks held; keep, in order, those the edge's queue could not take. Only after the journal's commit.
     */
    void flush()
    {
        final PendingSentAcks acks = pending;
        int kept = 0;
        for (int i = 0, size = acks.size(); i < size; i++)
        {
            final int length = encoders.sentAck(scratch, acks.clientMsgId(i), acks.messageId(i), acks.timestampMs(i));
            if (!outbound.send(acks.pollerIndex(i), acks.connectionId(i), scratch, 0, length))
            {
                counters.increment(RingCounters.OUTBOUND_FULL);
                acks.move(i, kept++);
            }
        }
        acks.truncate(kept);
    }
}
