package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * Linked devices of an account: per (user id, device id 1..max) the Ed25519 login public key, the registration id
 * and the push platform and token. Keys and registration ids live in the dense {@link DeviceTable}
 * ({@link DeviceSlots}), push tokens (variable length, rarely touched) in a Chronicle Map ({@link PushTokens}).
 * Lookups are answered here; linking and unlinking are the {@link DeviceRegistrar}'s.
 * <p>
 * A view for one thread: it owns reusable buffers. Only one thread, the session stage, may write.
 */
public final class Devices
{
    /** Returned by {@link #addDevice(long, byte[], int)} when the account already has every device it may. */
    public static final int DEVICE_LIMIT = -1;

    /** Returned by {@link #addDevice(long, byte[], int)} for a user id out of range or a login key not 32 bytes. */
    public static final int INVALID_ARGUMENT = -2;

    /** The account's primary device: the one verified with the phone number; it authorizes the linked ones. */
    public static final int PRIMARY_DEVICE_ID = 1;

    /** Returned by {@link #setPrimary(long, byte[], int)}: the account had no primary. */
    public static final int PRIMARY_ADDED = 0;

    /** Returned by {@link #setPrimary(long, byte[], int)}: another key was the primary's and no longer logs in. */
    public static final int PRIMARY_REPLACED = 1;

    /** Length of an Ed25519 public key. */
    public static final int LOGIN_KEY_LENGTH = DeviceRecord.LOGIN_KEY_LENGTH;

    /** Push platform of a device with no push token. */
    public static final byte PUSH_NONE = 0;

    /** Longest push token accepted. */
    public static final int MAX_PUSH_TOKEN_LENGTH = StateConfiguration.MAX_PUSH_TOKEN_LENGTH;

    private final DeviceSlots slots;
    private final PushTokens pushTokens;
    private final DeviceRegistrar registrar;

    Devices(
        final DeviceTable table,
        final ChronicleMap<LongRef, PushTokenRecord> pushTokens,
        final int maxDevicesPerAccount)
    {
        slots = new DeviceSlots(table, maxDevicesPerAccount);
        this.pushTokens = new PushTokens(pushTokens, slots);
        registrar = new DeviceRegistrar(slots, this.pushTokens);
    }

    /**
     * Link a device to an account, or find the device already linked with the same login key, so verifying the
     * same phone again from the same device does not use up a slot.
     *
     * @param userId         user id.
     * @param loginKey       Ed25519 public key, 32 bytes.
     * @param registrationId the client's Signal registration id.
     * @return the device id, 1..maxDevicesPerAccount, or {@link #DEVICE_LIMIT}, or {@link #INVALID_ARGUMENT} also
     * for a user id past the accounts the table is sized for.
     */
    public int addDevice(final long userId, final byte[] loginKey, final int registrationId)
    {
        return registrar.addDevice(userId, loginKey, registrationId);
    }

    /**
     * The device of an account that has this login key.
     *
     * @param userId   user id.
     * @param loginKey Ed25519 public key, 32 bytes.
     * @return its device id, or 0 if no device of the account has it.
     */
    public int deviceWithKey(final long userId, final byte[] loginKey)
    {
        if (!slots.hasSlot(userId, 1) || !DeviceSlots.isLoginKey(loginKey))
        {
            return 0;
        }
        for (int deviceId = 1, max = slots.maxDevicesPerAccount(); deviceId <= max; deviceId++)
        {
            final int offset = slots.offset(userId, deviceId);
            if (slots.isLinked(offset) && slots.hasLoginKey(offset, loginKey))
            {
                return deviceId;
            }
        }
        return 0;
    }

    /**
     * Make this login key the account's primary device ({@link #PRIMARY_DEVICE_ID}): a new account's first device,
     * or the phone number verified again on a new install, which takes the primary's place (its old key no longer
     * logs in); linked devices stay.
     *
     * @param userId         user id.
     * @param loginKey       Ed25519 public key, 32 bytes.
     * @param registrationId the client's Signal registration id.
     * @return {@link #PRIMARY_REPLACED} if another key was the primary's, {@link #PRIMARY_ADDED} for a first primary,
     * or {@link #INVALID_ARGUMENT} for a user id past the table or a login key not 32 bytes.
     */
    public int setPrimary(final long userId, final byte[] loginKey, final int registrationId)
    {
        return registrar.setPrimary(userId, loginKey, registrationId);
    }

    /**
     * How many devices the account has linked, the primary included.
     *
     * @param userId user id.
     * @return the count, 0 for no account.
     */
    public int deviceCount(final long userId)
    {
        int count = 0;
        if (slots.hasSlot(userId, 1))
        {
            for (int deviceId = 1, max = slots.maxDevicesPerAccount(); deviceId <= max; deviceId++)
            {
                if (slots.isLinked(slots.offset(userId, deviceId)))
                {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Devices an account may have, the primary included.
     *
     * @return the maximum.
     */
    public int maxDevicesPerAccount()
    {
        return slots.maxDevicesPerAccount();
    }

    /**
     * Unlink a device, dropping its push token; the caller also clears its presence with
     * {@link Presence#remove(long, int)}.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return true if it was linked.
     */
    public boolean removeDevice(final long userId, final int deviceId)
    {
        return registrar.removeDevice(userId, deviceId);
    }

    /**
     * Copy a device's login public key.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @param into32   receives 32 bytes at index 0 when found.
     * @return true if the device exists.
     */
    public boolean loginKey(final long userId, final int deviceId, final byte[] into32)
    {
        return slots.hasSlot(userId, deviceId) && slots.copyLoginKey(slots.offset(userId, deviceId), into32);
    }

    /**
     * Registration id of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return the registration id, or -1 if there is no such device.
     */
    public int registrationId(final long userId, final int deviceId)
    {
        return slots.hasSlot(userId, deviceId) ? slots.registrationId(slots.offset(userId, deviceId)) : -1;
    }

    /**
     * Whether a device is linked.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return true if it is.
     */
    public boolean exists(final long userId, final int deviceId)
    {
        return slots.exists(userId, deviceId);
    }

    /**
     * The linked devices of an account, in ascending order.
     *
     * @param userId user id.
     * @param into   receives device ids from index 0; maxDevicesPerAccount long is always enough.
     * @return the number of device ids written.
     */
    public int deviceIds(final long userId, final int[] into)
    {
        int count = 0;
        if (slots.hasSlot(userId, 1))
        {
            final int max = slots.maxDevicesPerAccount();
            final int limit = Math.min(max, into.length);
            for (int deviceId = 1; deviceId <= max && count < limit; deviceId++)
            {
                if (slots.isLinked(slots.offset(userId, deviceId)))
                {
                    into[count++] = deviceId;
                }
            }
        }
        return count;
    }

    /**
     * Set or replace the push registration of a device.
     *
     * @param userId      user id.
     * @param deviceId    device id.
     * @param platform    push platform, not {@link #PUSH_NONE}; the values are the wire schema's.
     * @param token       token bytes.
     * @param tokenOffset offset of the token in token.
     * @param tokenLength token length, 1..{@link #MAX_PUSH_TOKEN_LENGTH}.
     * @return true if stored, false if the device does not exist, an argument is out of range or the token is not
     * all printable ASCII.
     */
    public boolean pushToken(
        final long userId,
        final int deviceId,
        final byte platform,
        final byte[] token,
        final int tokenOffset,
        final int tokenLength)
    {
        return pushTokens.put(userId, deviceId, platform, token, tokenOffset, tokenLength);
    }

    /**
     * Drop the push registration of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     */
    public void clearPushToken(final long userId, final int deviceId)
    {
        pushTokens.clear(userId, deviceId);
    }

    /**
     * Copy the push token of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @param into     receives the token from index 0; {@link #MAX_PUSH_TOKEN_LENGTH} long is always enough.
     * @return the token length, or 0 if the device has none, or -1 if into is too short.
     */
    public int pushToken(final long userId, final int deviceId, final byte[] into)
    {
        return pushTokens.copyToken(userId, deviceId, into);
    }

    /**
     * Push platform of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     * @return the platform, or {@link #PUSH_NONE} if the device has no push token.
     */
    public byte pushPlatform(final long userId, final int deviceId)
    {
        return pushTokens.platform(userId, deviceId);
    }
}
