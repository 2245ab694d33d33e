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
    default void onDeliver(
        final LoadConnection to,
        final long fromUserId,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength,
        final long nowNs)
    {
    }

    /**
     * The server journaled a message this connection sent.
     */
    default void onSentAck(final LoadConnection from, final long clientMsgId, final long nowNs)
    {
    }

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

    /** Hears nothing: for set-up and scenarios that only count. */
    LoadListener NONE = new LoadListener()
    {
    };
}
