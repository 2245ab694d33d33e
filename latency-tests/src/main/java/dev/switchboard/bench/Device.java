package dev.switchboard.bench;

/**
 * A bench device: its phone number and, once verified, the user and device ids the server gave it.
 */
final class Device
{
    final String phone;
    long userId;
    int deviceId;

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
}
