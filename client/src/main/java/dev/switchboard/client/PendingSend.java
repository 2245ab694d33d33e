package dev.switchboard.client;

/**
 * A send the server has not acknowledged yet, kept in the store until its SentAck arrives.
 */
public final class PendingSend
{
    private final long clientMsgId;
    private final long toUserId;
    private final int toDeviceId;
    private final byte[] payload;
    private long sentOnConnection;

    public PendingSend(final long clientMsgId, final long toUserId, final int toDeviceId, final byte[] payload)
    {
        this.clientMsgId = clientMsgId;
        this.toUserId = toUserId;
        this.toDeviceId = toDeviceId;
        this.payload = payload;
    }

    public long clientMsgId()
    {
        return clientMsgId;
    }

    public long toUserId()
    {
        return toUserId;
    }

    public int toDeviceId()
    {
        return toDeviceId;
    }

    /**
     * The payload as given to send; not copied, do not modify.
     */
    public byte[] payload()
    {
        return payload;
    }

    /**
     * Connection number it was last written on, so a reconnect's resend and a queued send never both go out.
     */
    long sentOnConnection()
    {
        return sentOnConnection;
    }

    void sentOnConnection(final long connectionNumber)
    {
        this.sentOnConnection = connectionNumber;
    }
}
