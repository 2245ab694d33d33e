package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * The push platform and token of each device that registered one, in their own Chronicle Map: variable length and
 * rarely touched, unlike the slots of the dense {@link DeviceTable}. A view for one thread, reusing its key and
 * record; only the session stage sets or clears a token.
 */
final class PushTokens
{
    private final ChronicleMap<LongRef, PushTokenRecord> tokens;
    private final DeviceSlots slots;
    private final LongRef key = new LongRef();
    private final PushTokenRecord push = new PushTokenRecord();

    PushTokens(final ChronicleMap<LongRef, PushTokenRecord> tokens, final DeviceSlots slots)
    {
        this.tokens = tokens;
        this.slots = slots;
    }

    /**
     * Set or replace the push registration of a linked device.
     *
     * @return true if stored, false if the device does not exist, an argument is out of range or the token is not
     * all printable ASCII.
     */
    boolean put(
        final long userId,
        final int deviceId,
        final byte platform,
        final byte[] token,
        final int tokenOffset,
        final int tokenLength)
    {
        if (Devices.PUSH_NONE == platform || tokenLength < 1 || tokenLength > Devices.MAX_PUSH_TOKEN_LENGTH ||
            tokenOffset < 0 || tokenOffset > token.length - tokenLength ||
            !isPrintableAscii(token, tokenOffset, tokenLength) || !slots.exists(userId, deviceId))
        {
            return false;
        }
        push.platform = platform;
        push.tokenLength = tokenLength;
        System.arraycopy(token, tokenOffset, push.token, 0, tokenLength);
        tokens.put(key.set(DeviceKeys.pack(userId, deviceId)), push);
        return true;
    }

    /**
     * Drop the push registration of a device, if it has one.
     */
    void clear(final long userId, final int deviceId)
    {
        if (slots.hasSlot(userId, deviceId))
        {
            tokens.remove(key.set(DeviceKeys.pack(userId, deviceId)));
        }
    }

    /**
     * Copy the push token of a device.
     *
     * @return the token length, or 0 if the device has none, or -1 if into is too short.
     */
    int copyToken(final long userId, final int deviceId, final byte[] into)
    {
        if (!read(userId, deviceId))
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
     * Push platform of a device, or {@link Devices#PUSH_NONE} if it has no push token.
     */
    byte platform(final long userId, final int deviceId)
    {
        return read(userId, deviceId) ? push.platform : Devices.PUSH_NONE;
    }

    /**
     * Push services' tokens are printable ASCII (FCM's as issued, APNs' as the hex of its 32 bytes). Nothing else is
     * kept, so no control byte from a client reaches a push request or a log line.
     */
    private static boolean isPrintableAscii(final byte[] bytes, final int offset, final int length)
    {
        for (int i = offset, end = offset + length; i < end; i++)
        {
            if (bytes[i] < 0x21 || bytes[i] > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    private boolean read(final long userId, final int deviceId)
    {
        return slots.hasSlot(userId, deviceId) &&
            null != tokens.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), push);
    }
}
