package dev.switchboard.state;

/**
 * Packs (user id, device id) into one long table key: user id in the high 60 bits, device id in the low 4.
 */
public final class DeviceKeys
{
    public static final int DEVICE_ID_BITS = 4;

    /** Largest device id a key can hold. */
    public static final int MAX_DEVICE_ID = (1 << DEVICE_ID_BITS) - 1;

    /** Largest user id that packs without loss. */
    static final long MAX_USER_ID = (1L << (Long.SIZE - 1 - DEVICE_ID_BITS)) - 1;

    private DeviceKeys()
    {
    }

    /**
     * The table key of one device of one user.
     */
    public static long pack(final long userId, final int deviceId)
    {
        return (userId << DEVICE_ID_BITS) | deviceId;
    }

    static boolean isValid(final long userId, final int deviceId, final int maxDevicesPerAccount)
    {
        return userId > 0 && userId <= MAX_USER_ID && deviceId >= 1 && deviceId <= maxDevicesPerAccount;
    }
}
