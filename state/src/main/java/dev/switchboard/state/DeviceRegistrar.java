package dev.switchboard.state;

/**
 * Changes which devices an account has: links a device, or finds it linked already with the same login key; makes a
 * key the primary's; unlinks a device, dropping its push token. Writer thread only: the session stage.
 */
final class DeviceRegistrar
{
    private final DeviceSlots slots;
    private final PushTokens pushTokens;

    DeviceRegistrar(final DeviceSlots slots, final PushTokens pushTokens)
    {
        this.slots = slots;
        this.pushTokens = pushTokens;
    }

    /**
     * See {@link Devices#addDevice(long, byte[], int)}.
     */
    int addDevice(final long userId, final byte[] loginKey, final int registrationId)
    {
        if (!slots.hasSlot(userId, 1) || !DeviceSlots.isLoginKey(loginKey))
        {
            return Devices.INVALID_ARGUMENT;
        }

        int freeDeviceId = 0;
        for (int deviceId = 1, max = slots.maxDevicesPerAccount(); deviceId <= max; deviceId++)
        {
            final int offset = slots.offset(userId, deviceId);
            if (slots.isLinkedForWriter(offset))
            {
                if (slots.hasLoginKey(offset, loginKey))
                {
                    if (slots.registrationIdForWriter(offset) != registrationId)
                    {
                        // a reinstall keeps the key pair but may pick a new registration id
                        slots.changeRegistrationId(offset, registrationId);
                    }
                    return deviceId;
                }
            }
            else if (0 == freeDeviceId)
            {
                freeDeviceId = deviceId;
            }
        }

        if (0 == freeDeviceId)
        {
            return Devices.DEVICE_LIMIT;
        }

        slots.link(slots.offset(userId, freeDeviceId), loginKey, registrationId);
        return freeDeviceId;
    }

    /**
     * See {@link Devices#setPrimary(long, byte[], int)}.
     */
    int setPrimary(final long userId, final byte[] loginKey, final int registrationId)
    {
        if (!slots.hasSlot(userId, Devices.PRIMARY_DEVICE_ID) || !DeviceSlots.isLoginKey(loginKey))
        {
            return Devices.INVALID_ARGUMENT;
        }
        final int offset = slots.offset(userId, Devices.PRIMARY_DEVICE_ID);
        final boolean replaced = slots.isLinkedForWriter(offset);
        slots.link(offset, loginKey, registrationId);
        if (replaced)
        {
            pushTokens.clear(userId, Devices.PRIMARY_DEVICE_ID);
        }
        return replaced ? Devices.PRIMARY_REPLACED : Devices.PRIMARY_ADDED;
    }

    /**
     * See {@link Devices#removeDevice(long, int)}.
     */
    boolean removeDevice(final long userId, final int deviceId)
    {
        if (!slots.exists(userId, deviceId))
        {
            return false;
        }
        slots.unlink(slots.offset(userId, deviceId));
        pushTokens.clear(userId, deviceId);
        return true;
    }
}
