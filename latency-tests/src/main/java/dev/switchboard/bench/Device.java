package dev.switchboard.bench;

/**
 * A bench device: its phone number and, once verified, the user and device ids the server gave it.
 */
final class Device
{
    private static final long CLOCK_UNKNOWN = Long.MIN_VALUE;

    final String phone;
    long userId;
    int deviceId;
    /** The server's clock less this host's, as the device's last LoginAck said; unknown before its first. */
    private long serverClockOffsetMs = CLOCK_UNKNOWN;
    private long lastSignedLoginMs;

    Device(final String phone, final long userId, final int deviceId)
    {
        this.phone = phone;
        this.userId = userId;
        this.deviceId = deviceId;
    }

    boolean isRegistered()
    {
        return userId != 0;
    }

    boolean knowsServerClock()
    {
        return CLOCK_UNKNOWN != serverClockOffsetMs;
    }

    void serverClock(final long serverTimeMs, final long nowMs)
    {
        serverClockOffsetMs = serverTimeMs - nowMs;
    }

    void forgetServerClock()
    {
        serverClockOffsetMs = CLOCK_UNKNOWN;
    }

    /**
     * The time to sign a login with: the server's clock as the device reckons it, later than its last signed login.
     */
    long nextSignedLoginMs(final long nowMs)
    {
        lastSignedLoginMs = Math.max(nowMs + serverClockOffsetMs, lastSignedLoginMs + 1);
        return lastSignedLoginMs;
    }
}
