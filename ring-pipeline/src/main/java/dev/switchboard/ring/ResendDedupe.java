package dev.switchboard.ring;

/**
 * Remembers which server message id each (sender device, client message id) got, so a resend is acknowledged with
 * the original id instead of being stored twice. A fixed open-addressed table: a full probe run evicts its oldest
 * entry, so memory is bounded and the window covers the most recent {@code capacity} sends or so.
 * Delivery stage only.
 */
final class ResendDedupe
{
    private static final int PROBE_LIMIT = 8;

    private final long[] senderKeys;
    private final long[] clientMsgIds;
    private final long[] messageIds;
    private final int mask;

    ResendDedupe(final int capacity)
    {
        senderKeys = new long[capacity];
        clientMsgIds = new long[capacity];
        messageIds = new long[capacity];
        mask = capacity - 1;
    }

    /**
     * @return the server id this send got before, or 0 if it is new.
     */
    long find(final long senderKey, final long clientMsgId)
    {
        int index = index(senderKey, clientMsgId);
        for (int i = 0; i < PROBE_LIMIT; i++)
        {
            if (0 == messageIds[index])
            {
                return 0;
            }
            if (senderKeys[index] == senderKey && clientMsgIds[index] == clientMsgId)
            {
                return messageIds[index];
            }
            index = (index + 1) & mask;
        }
        return 0;
    }

    void put(final long senderKey, final long clientMsgId, final long messageId)
    {
        int index = index(senderKey, clientMsgId);
        int oldest = index;
        for (int i = 0; i < PROBE_LIMIT; i++)
        {
            if (0 == messageIds[index] || (senderKeys[index] == senderKey && clientMsgIds[index] == clientMsgId))
            {
                oldest = index;
                break;
            }
            if (messageIds[index] < messageIds[oldest])
            {
                oldest = index;
            }
            index = (index + 1) & mask;
        }
        senderKeys[oldest] = senderKey;
        clientMsgIds[oldest] = clientMsgId;
        messageIds[oldest] = messageId;
    }

    private int index(final long senderKey, final long clientMsgId)
    {
        long hash = senderKey * 0x9E3779B97F4A7C15L ^ clientMsgId * 0xC2B2AE3D27D4EB4FL;
        hash ^= hash >>> 29;
        return (int)hash & mask;
    }
}
