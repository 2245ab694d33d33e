package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

import java.util.Arrays;

/**
 * Linked devices of an account: per (user id, device id 1..max) the Ed25519 login public key, the registration id
 * and the push platform and token.
 * <p>
 * A view for one thread: it owns reusable buffers. Only one thread, the session stage, may write.
 */
public final class Devices
{
    /** Returned by {@link #addDevice(long, byte[], int)} when the account already has every device it may. */
    public static final int DEVICE_LIMIT = -1;

    /** Returned by {@link #addDevice(long, byte[], int)} for a user id out of range or a login key not 32 bytes. */
    public static final int INVALID_ARGUMENT = -2;

    /** Length of an Ed25519 public key. */
    public static final int LOGIN_KEY_LENGTH = DeviceRecord.LOGIN_KEY_LENGTH;

    /** Push platform of a device with no push token. */
    public static final byte PUSH_NONE = 0;

    /** Longest push token accepted. */
    public static final int MAX_PUSH_TOKEN_LENGTH = StateConfiguration.MAX_PUSH_TOKEN_LENGTH;

    private final ChronicleMap<LongRef, DeviceRecord> devices;
    private final ChronicleMap<LongRef, PushTokenRecord> pushTokens;
    private final int maxDevicesPerAccount;
    private final LongRef key = new LongRef();
    private final DeviceRecord record = new DeviceRecord();
    private final PushTokenRecord push = new PushTokenRecord();

    Devices(
        final ChronicleMap<LongRef, DeviceRecord> devices,
        final ChronicleMap<LongRef, PushTokenRecord> pushTokens,
        final int maxDevicesPerAccount)
    {
        this.devices = devices;
        this.pushTokens = pushTokens;
        this.maxDevicesPerAccount = maxDevicesPerAccount;
    }

    /**
     * Link a device to an account, or find the device already linked with the same login key, so verifying the
     * same phone again from the same device does not use up a slot.
     *
     * @param userId         user id.
     * @param loginKey       Ed25519 public key, 32 bytes.
     * @param registrationId the client's Signal registration id.
     * @return the device id, 1..maxDevicesPerAccount, or {@link #DEVICE_LIMIT} or {@link #INVALID_ARGUMENT}.
     */
    public int addDevice(final long userId, final byte[] loginKey, final int registrationId)
    {
        if (!DeviceKeys.isValid(userId, 1, maxDevicesPerAccount) || null == loginKey ||
            loginKey.length != LOGIN_KEY_LENGTH)
        {
            return INVALID_ARGUMENT;
        }

        int freeDeviceId = 0;
        for (int deviceId = 1; deviceId <= maxDevicesPerAccount; deviceId++)
        {
            if (null != devices.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), record))
            {
                if (Arrays.equals(record.loginKey, loginKey))
                {
                    if (record.registrationId != registrationId)
                    {
                        // a reinstall keeps the key pair but may pick a new registration id
                        record.registrationId = registrationId;
                        devices.put(key, record);
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
            return DEVICE_LIMIT;
        }

        System.arraycopy(loginKey, 0, record.loginKey, 0, LOGIN_KEY_LENGTH);
        record.registrationId = registrationId;
        devices.put(key.set(DeviceKeys.pack(userId, freeDeviceId)), record);
        return freeDeviceId;
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
        if (!exists(userId, deviceId))
        {
            return false;
        }
        devices.remove(key);
        pushTokens.remove(key);
        return true;
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
        if (!exists(userId, deviceId))
        {
            return false;
        }
        System.arraycopy(record.loginKey, 0, into32, 0, LOGIN_KEY_LENGTH);
        return true;
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
        return exists(userId, deviceId) ? record.registrationId : -1;
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
        return DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount) &&
            null != devices.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), record);
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
        if (DeviceKeys.isValid(userId, 1, maxDevicesPerAccount))
        {
            final int limit = Math.min(maxDevicesPerAccount, into.length);
            for (int deviceId = 1; deviceId <= maxDevicesPerAccount && count < limit; deviceId++)
            {
                if (devices.containsKey(key.set(DeviceKeys.pack(userId, deviceId))))
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
     * @return true if stored, false if the device does not exist or an argument is out of range.
     */
    public boolean pushToken(
        final long userId,
        final int deviceId,
        final byte platform,
        final byte[] token,
        final int tokenOffset,
        final int tokenLength)
    {
        if (PUSH_NONE == platform || tokenLength < 1 || tokenLength > MAX_PUSH_TOKEN_LENGTH || tokenOffset < 0 ||
            tokenOffset > token.length - tokenLength || !exists(userId, deviceId))
        {
            return false;
        }
        push.platform = platform;
        push.tokenLength = tokenLength;
        System.arraycopy(token, tokenOffset, push.token, 0, tokenLength);
        pushTokens.put(key, push);
        return true;
    }

    /**
     * Drop the push registration of a device.
     *
     * @param userId   user id.
     * @param deviceId device id.
     */
    public void clearPushToken(final long userId, final int deviceId)
    {
        if (DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount))
        {
            pushTokens.remove(key.set(DeviceKeys.pack(userId, deviceId)));
        }
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
        if (!readPush(userId, deviceId))
        {
            return 0;
        }
        if (into.length < push.tokenLength)
        {
            return -1;
        }
        System.arraycopy(push.token, 0, into, 0, push.tokenLength);
        return push.tokenLength;
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
        return readPush(userId, deviceId) ? push.platform : PUSH_NONE;
    }

    private boolean readPush(final long userId, final int deviceId)
    {
        return DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount) &&
            null != pushTokens.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), push);
    }
}
