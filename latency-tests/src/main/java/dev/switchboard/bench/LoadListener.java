package dev.switchboard.bench;

import org.agrona.DirectBuffer;

/**
 * What a scenario hears from its load connections; called on the poller thread.
 */
interface LoadListener
{
    /**
     * A message arrived (already acknowledged to the server); the payload is only valid during the call.
     */
    void onDeliver(LoadConnection to, long fromUserId, DirectBuffer buffer, int payloadOffset, int payloadLength,
        long nowNs);

    /**
     * The server journaled a message this connection sent.
     */
    void onSentAck(LoadConnection from, long clientMsgId, long nowNs);

    /**
     * A connection finished logging in.
     */
    default void onLoggedIn(final LoadConnection connection, final long nowNs)
    {
    }

    /**
     * A call frame reached a connection: CallIncoming, CallRinging, CallAnswer (relayed to the caller) or CallHangup;
     * {@code callId} is its first field.
     */
    default void onCallFrame(final LoadConnection connection, final int templateId, final long callId, final long nowNs)
    {
    }

    LoadListener NONE = new LoadListener()
    {
        public void onDeliver(
            final LoadConnection to,
            final long fromUserId,
            final DirectBuffer buffer,
            final int payloadOffset,
            final int payloadLength,
            final long nowNs)
        {
        }

        public void onSentAck(final LoadConnection from, final long clientMsgId, final long nowNs)
        {
        }
    };
}
