package dev.switchboard.client;

/**
 * A send the server has not acknowledged yet, kept in the store until its SentAck arrives.
 */
public final class PendingSend
{
    private final long clientMsgId;
    private final long toUserId;
    private final int toDeviceId;
    private final long groupId;
    private final byte[] payload;
    private long sentOnConnection;

    public PendingSend(final long clientMsgId, final long toUserId, final int toDeviceId, final byte[] payload)
    {
        this(clientMsgId, toUserId, toDeviceId, 0, payload);
    }

    private PendingSend(
        final long clientMsgId, final long toUserId, final int toDeviceId, final long groupId, final byte[] payload)
    {
        this.clientMsgId = clientMsgId;
        this.toUserId = toUserId;
        this.toDeviceId = toDeviceId;
        this.groupId = groupId;
        this.payload = payload;
    }

    /**
     * A send to every member of a group (a SendGroup frame).
     */
    public static PendingSend toGroup(final long clientMsgId, final long groupId, final byte[] payload)
    {
        return new PendingSend(clientMsgId, 0, 0, groupId, payload);
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
     * The group a group send goes to; 0 for a send to one user.
     */
    public long groupId()
    {
        return groupId;
    }

    public boolean isGroupSend()
    {
        return 0 != groupId;
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
