package dev.switchboard.ring;

import java.util.Arrays;

/**
 * What the route stage resolved: the devices a message, receipt or notice is for, the server message id it takes,
 * and the few facts a later step needs (the recipient blocked the caller, the user a presence request is about).
 */
final class Recipients
{
    /** Most users have few devices; a group's devices go through the {@link GroupHandoff}, not these arrays. */
    static final int INITIAL_CAPACITY = 8;

    long messageId;
    /** The recipient blocked the caller: acknowledge, but deliver nothing. */
    boolean blocked;
    /** The user a presence request is about. */
    long targetUserId;
    /** How many entries are results (contact lookup: users found; the others are -1). */
    int foundCount;

    long[] userIds = new long[INITIAL_CAPACITY];
    int[] deviceIds = new int[INITIAL_CAPACITY];
    int count;

    void add(final long userId, final int deviceId)
    {
        if (count == userIds.length)
        {
            userIds = Arrays.copyOf(userIds, count * 2);
            deviceIds = Arrays.copyOf(deviceIds, count * 2);
        }
        userIds[count] = userId;
        deviceIds[count] = deviceId;
        count++;
    }

    void reset()
    {
        messageId = 0;
        blocked = false;
        targetUserId = 0;
        foundCount = 0;
        count = 0;
    }
}
