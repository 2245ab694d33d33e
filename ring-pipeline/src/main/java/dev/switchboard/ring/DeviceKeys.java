package dev.switchboard.ring;

/**
 * Packs a (user, device) address into one long: device ids are 0..15.
 */
final class DeviceKeys
{
    static final int DEVICE_BITS = 4;
    static final int MAX_DEVICE_ID = (1 << DEVICE_BITS) - 1;

    private DeviceKeys()
    {
    }

    static long key(final long userId, final int deviceId)
    {
        return (userId << DEVICE_BITS) | deviceId;
    }
}
