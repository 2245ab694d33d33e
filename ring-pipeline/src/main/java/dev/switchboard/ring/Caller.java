package dev.switchboard.ring;

/**
 * Who sent the request, as the session stage authenticated the connection: a client never names itself.
 * Zero user id: not authenticated (or a control event of a connection that never logged in).
 */
final class Caller
{
    long userId;
    int deviceId;

    void set(final long userId, final int deviceId)
    {
        this.userId = userId;
        this.deviceId = deviceId;
    }

    boolean isKnown()
    {
        return 0 != userId;
    }
}
