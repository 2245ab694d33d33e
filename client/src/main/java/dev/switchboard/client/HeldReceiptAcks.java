package dev.switchboard.client;

/**
 * Acknowledgements of receipts, held back so that they ride with the device's next frame instead of each waking the
 * server on its own. A receipt's ack only lets the server delete its copy: nobody waits for it. They go when another
 * frame goes, when the first has waited the delay, or when {@link #CAPACITY} are held. Owned by the client's I/O
 * thread.
 */
final class HeldReceiptAcks
{
    static final int CAPACITY = ClientConfiguration.RECEIPT_ACKS_HELD_MAX;

    private final long[] messageIds = new long[CAPACITY];
    private final long delayNs;
    private int count;
    private long firstHeldNs;

    HeldReceiptAcks(final long delayNs)
    {
        this.delayNs = delayNs;
    }

    /** Hold one receipt's ack; true if it must go now (no delay, or the hold is full). */
    boolean hold(final long messageId, final long nowNs)
    {
        if (0 == count)
        {
            firstHeldNs = nowNs;
        }
        messageIds[count++] = messageId;
        return delayNs <= 0 || CAPACITY == count;
    }

    boolean isEmpty()
    {
        return 0 == count;
    }

    int count()
    {
        return count;
    }

    long messageId(final int index)
    {
        return messageIds[index];
    }

    /** When the first held ack has waited the delay; only meaningful when not empty. */
    long dueNs()
    {
        return firstHeldNs + delayNs;
    }

    boolean isDue(final long nowNs)
    {
        return count > 0 && nowNs - dueNs() >= 0;
    }

    /** Forget them: written, or the connection is gone and the server sends the receipts again after the next login. */
    void clear()
    {
        count = 0;
    }
}
