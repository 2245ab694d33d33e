package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallMedia;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The calls ringing or in progress, one slot each: a fixed number of slots allocated at start as parallel arrays,
 * and maps pre-sized so they never grow, so nothing is allocated per frame. The delivery stage's thread alone reads
 * and writes them ({@link CallTable} holds what a call does; this class, what it is).
 * <p>
 * A user takes part in at most one call, as caller or callee, so the slot by user id also answers "busy". Each party
 * is a device: the caller's device, and before the answer every callee device that rings, after it the one that
 * answered. Ring timeouts are on a {@link DeadlineTimerWheel}, polled on the housekeeping tick.
 */
final class CallSlots
{
    static final int NONE = -1;
    static final int FREE = 0;
    static final int RINGING = 1;
    static final int ACTIVE = 2;

    /** About 67 ms a slot: finer than the 100 ms tick that polls it. */
    private static final long TICK_RESOLUTION_NS = 1L << 26;
    private static final int TICKS_PER_WHEEL = 1024;

    final long[] callIds;
    final int[] states;
    final CallMedia[] media;
    final long[] callerUserIds;
    final int[] callerDeviceIds;
    final long[] calleeUserIds;
    /** Every device of the callee, for the missed-call record. */
    final int[][] calleeDeviceIds;
    final int[] calleeDeviceCounts;
    /** The callee's devices that ring (online when the offer came, not gone since). */
    final int[][] ringingDeviceIds;
    final int[] ringingCounts;
    final int[] answeredDeviceIds;

    private final int[] iceCounts;

    private final long[] timerIds;
    private final int[] freeSlots;
    private int freeCount;
    private final Long2LongHashMap slotByCallId;
    private final Long2LongHashMap slotByUserId;
    private final Long2LongHashMap slotByTimerId;
    private final DeadlineTimerWheel wheel;

    CallSlots(final int capacity, final int maxDevices, final long startNs)
    {
        // Sized so a full table stays under the load factor: the maps never resize.
        slotByCallId = new Long2LongHashMap(capacity * 2, 0.65f, NONE);
        slotByUserId = new Long2LongHashMap(capacity * 4, 0.65f, NONE);
        slotByTimerId = new Long2LongHashMap(capacity * 2, 0.65f, NONE);
        wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNs, TICK_RESOLUTION_NS, TICKS_PER_WHEEL);

        callIds = new long[capacity];
        states = new int[capacity];
        media = new CallMedia[capacity];
        callerUserIds = new long[capacity];
        callerDeviceIds = new int[capacity];
        calleeUserIds = new long[capacity];
        calleeDeviceIds = new int[capacity][maxDevices];
        calleeDeviceCounts = new int[capacity];
        ringingDeviceIds = new int[capacity][maxDevices];
        ringingCounts = new int[capacity];
        answeredDeviceIds = new int[capacity];
        iceCounts = new int[capacity];
        timerIds = new long[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        Arrays.fill(timerIds, DeadlineTimerWheel.NULL_DEADLINE);
    }

    int activeCount()
    {
        return freeSlots.length - freeCount;
    }

    boolean isFull()
    {
        return 0 == freeCount;
    }

    /**
     * @return the call's slot, or {@link #NONE}.
     */
    int slotOf(final long callId)
    {
        return (int)slotByCallId.get(callId);
    }

    /**
     * @return the slot of the call the user takes part in, or {@link #NONE}.
     */
    int slotOfUser(final long userId)
    {
        return (int)slotByUserId.get(userId);
    }

    /**
     * A ringing call in a free slot (the table must not be full); the caller adds the callee's devices, then
     * {@link #ring}s.
     */
    int open(
        final long callId,
        final CallMedia callMedia,
        final long callerUserId,
        final int callerDeviceId,
        final long calleeUserId)
    {
        final int slot = freeSlots[--freeCount];
        callIds[slot] = callId;
        states[slot] = RINGING;
        media[slot] = callMedia;
        callerUserIds[slot] = callerUserId;
        callerDeviceIds[slot] = callerDeviceId;
        calleeUserIds[slot] = calleeUserId;
        answeredDeviceIds[slot] = 0;
        iceCounts[slot] = 0;
        return slot;
    }

    /**
     * A device of the callee, kept for the missed-call record; {@code ringing} when the offer reached it.
     */
    void addCalleeDevice(final int slot, final int deviceId, final boolean ringing)
    {
        calleeDeviceIds[slot][calleeDeviceCounts[slot]++] = deviceId;
        if (ringing)
        {
            ringingDeviceIds[slot][ringingCounts[slot]++] = deviceId;
        }
    }

    /**
     * Makes the call found by its id and by both parties, and starts its ring timeout.
     */
    void ring(final int slot, final long deadlineNs)
    {
        slotByCallId.put(callIds[slot], slot);
        slotByUserId.put(callerUserIds[slot], slot);
        slotByUserId.put(calleeUserIds[slot], slot);
        final long timerId = wheel.scheduleTimer(deadlineNs);
        timerIds[slot] = timerId;
        slotByTimerId.put(timerId, slot);
    }

    /**
     * The callee's device took the call: the others stop ringing, so the ringing list is left to the caller to clear
     * once it has told them.
     */
    void answered(final int slot, final int deviceId)
    {
        states[slot] = ACTIVE;
        answeredDeviceIds[slot] = deviceId;
        cancelTimer(slot);
    }

    /**
     * The devices that rang have been told the call was taken elsewhere.
     */
    void stopRinging(final int slot)
    {
        ringingCounts[slot] = 0;
    }

    /**
     * @return the ICE candidates relayed in the call, this one included.
     */
    int countIceCandidate(final int slot)
    {
        return ++iceCounts[slot];
    }

    /**
     * @return 1 for the caller's device, -1 for a callee device that takes part now (ringing, or the one that
     * answered), 0 for anyone else.
     */
    int party(final int slot, final long userId, final int deviceId)
    {
        if (userId == callerUserIds[slot] && deviceId == callerDeviceIds[slot])
        {
            return 1;
        }
        if (userId == calleeUserIds[slot] &&
            (ACTIVE == states[slot] ? deviceId == answeredDeviceIds[slot] : isRinging(slot, deviceId)))
        {
            return -1;
        }
        return 0;
    }

    boolean isRinging(final int slot, final int deviceId)
    {
        final int[] ringing = ringingDeviceIds[slot];
        for (int i = 0, count = ringingCounts[slot]; i < count; i++)
        {
            if (ringing[i] == deviceId)
            {
                return true;
            }
        }
        return false;
    }

    boolean removeRinging(final int slot, final int deviceId)
    {
        final int[] ringing = ringingDeviceIds[slot];
        final int count = ringingCounts[slot];
        for (int i = 0; i < count; i++)
        {
            if (ringing[i] == deviceId)
            {
                ringing[i] = ringing[count - 1];
                ringingCounts[slot] = count - 1;
                return true;
            }
        }
        return false;
    }

    /**
     * Polls the ring timeouts due by {@code nowNs}, at most {@code limit} handled per poll of the wheel.
     *
     * @return whether the wheel has caught up with {@code nowNs}.
     */
    boolean pollTimeouts(final long nowNs, final DeadlineTimerWheel.TimerHandler handler, final int limit)
    {
        wheel.poll(nowNs, handler, limit);
        return wheel.currentTickTime() > nowNs;
    }

    /**
     * @return the slot whose ring timer expired, or {@link #NONE} when that call ended meanwhile.
     */
    int expired(final long timerId)
    {
        final int slot = (int)slotByTimerId.remove(timerId);
        if (NONE != slot)
        {
            timerIds[slot] = DeadlineTimerWheel.NULL_DEADLINE;
        }
        return slot;
    }

    void free(final int slot)
    {
        cancelTimer(slot);
        slotByCallId.remove(callIds[slot]);
        slotByUserId.remove(callerUserIds[slot]);
        slotByUserId.remove(calleeUserIds[slot]);
        states[slot] = FREE;
        media[slot] = null;
        callIds[slot] = 0;
        ringingCounts[slot] = 0;
        calleeDeviceCounts[slot] = 0;
        freeSlots[freeCount++] = slot;
    }

    private void cancelTimer(final int slot)
    {
        final long timerId = timerIds[slot];
        if (DeadlineTimerWheel.NULL_DEADLINE != timerId)
        {
            wheel.cancelTimer(timerId);
            slotByTimerId.remove(timerId);
            timerIds[slot] = DeadlineTimerWheel.NULL_DEADLINE;
        }
    }
}
