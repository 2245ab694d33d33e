package dev.switchboard.journal;

/**
 * Sends still held undelivered in the journal at open that the resend log would not match (an older journal without
 * a log, or entries evicted or past the window), so a resend of anything still queued is recognised as before.
 * Filled once at open, sized to what it holds; open addressing over primitive arrays.
 */
final class HeldSends
{
    private final long[] senderKeys;
    private final long[] clientMsgIds;
    private final long[] messageIds;
    private final int mask;
    private int size;

    HeldSends(final int expected)
    {
        int length = 16;
        while (length < expected * 2L)
        {
            length <<= 1;
        }
        senderKeys = new long[length];
        clientMsgIds = new long[length];
        messageIds = new long[length];
        mask = length - 1;
    }

    /** Adds the send unless held already; message ids are positive, 0 marks an empty cell. */
    void put(final long senderKey, final long clientMsgId, final long messageId)
    {
        int cell = ResendIndex.hash(senderKey, clientMsgId) & mask;
        while (0 != messageIds[cell])
        {
            if (senderKeys[cell] == senderKey && clientMsgIds[cell] == clientMsgId)
            {
                return;
            }
            cell = (cell + 1) & mask;
        }
        senderKeys[cell] = senderKey;
        clientMsgIds[cell] = clientMsgId;
        messageIds[cell] = messageId;
        size++;
    }

    /** @return the held message id for the send, or 0. */
    long find(final long senderKey, final long clientMsgId)
    {
        int cell = ResendIndex.hash(senderKey, clientMsgId) & mask;
        long messageId;
        while (0 != (messageId = messageIds[cell]))
        {
            if (senderKeys[cell] == senderKey && clientMsgIds[cell] == clientMsgId)
            {
                return messageId;
            }
            cell = (cell + 1) & mask;
        }
        return 0;
    }

    int size()
    {
        return size;
    }
}
