package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallMedia;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallSlotsTest
{
    private static final long START_NS = 1_000_000_000L;
    private static final long RING_NS = TimeUnit.SECONDS.toNanos(30);

    private final CallSlots slots = new CallSlots(2, 4, START_NS);

    @Test
    void shouldFindARingingCallByItsIdAndBothPartiesUntilFreed()
    {
        final int slot = ring(77, 10, 1, 20, 1, 2);

        assertEquals(slot, slots.slotOf(77));
        assertEquals(slot, slots.slotOfUser(10));
        assertEquals(slot, slots.slotOfUser(20));
        assertEquals(CallSlots.RINGING, slots.states[slot]);
        assertEquals(1, slots.activeCount());

        slots.free(slot);

        assertEquals(CallSlots.NONE, slots.slotOf(77));
        assertEquals(CallSlots.NONE, slots.slotOfUser(10));
        assertEquals(CallSlots.NONE, slots.slotOfUser(20));
        assertEquals(0, slots.activeCount());
    }

    @Test
    void shouldBeFullAtCapacityAndReuseAFreedSlot()
    {
        final int first = ring(1, 10, 1, 20, 1);
        ring(2, 30, 1, 40, 1);
        slots.countIceCandidate(first);
        slots.countIceCandidate(first);

        assertTrue(slots.isFull());

        slots.free(first);

        assertFalse(slots.isFull());
        assertEquals(first, ring(3, 50, 1, 60, 1));
        assertEquals(1, slots.countIceCandidate(first), "a reused slot counts its ICE candidates afresh");
    }

    @Test
    void shouldTakeAsPartiesTheCallerAndTheRingingDevicesThenOnlyTheOneThatAnswered()
    {
        final int slot = ring(77, 10, 1, 20, 1, 2);

        assertEquals(1, slots.party(slot, 10, 1));
        assertEquals(0, slots.party(slot, 10, 2), "another device of the caller");
        assertEquals(-1, slots.party(slot, 20, 1));
        assertEquals(-1, slots.party(slot, 20, 2));
        assertEquals(0, slots.party(slot, 20, 3), "a callee device the offer did not reach");

        slots.answered(slot, 2);

        assertEquals(CallSlots.ACTIVE, slots.states[slot]);
        assertEquals(0, slots.party(slot, 20, 1));
        assertEquals(-1, slots.party(slot, 20, 2));
    }

    @Test
    void shouldDropARingingDeviceOnce()
    {
        final int slot = ring(77, 10, 1, 20, 1, 2);

        assertTrue(slots.removeRinging(slot, 1));
        assertFalse(slots.removeRinging(slot, 1));
        assertFalse(slots.isRinging(slot, 1));
        assertTrue(slots.isRinging(slot, 2));
        assertEquals(1, slots.ringingCounts[slot]);
        assertEquals(2, slots.calleeDeviceCounts[slot], "every device of the callee stays for the missed call");
    }

    @Test
    void shouldExpireOnlyTheRingTimersOfCallsStillRinging()
    {
        final int answered = ring(1, 10, 1, 20, 1);
        final int ringing = ring(2, 30, 1, 40, 1);
        slots.answered(answered, 1);

        final List<Integer> expired = new ArrayList<>();
        final long afterTimeoutNs = START_NS + RING_NS + TimeUnit.SECONDS.toNanos(1);
        boolean caughtUp = false;
        // the wheel moves one tick (about 67 ms) a poll, as the housekeeping tick polls it
        for (int i = 0; i < 10_000 && !caughtUp; i++)
        {
            caughtUp = slots.pollTimeouts(afterTimeoutNs, (unit, nowNs, timerId) ->
            {
                expired.add(slots.expired(timerId));
                return true;
            }, 64);
        }

        assertTrue(caughtUp);
        assertEquals(List.of(ringing), expired);
    }

    private int ring(final long callId, final long callerUserId, final int callerDeviceId, final long calleeUserId,
        final int... ringingDeviceIds)
    {
        final int slot = slots.open(callId, CallMedia.AUDIO, callerUserId, callerDeviceId, calleeUserId);
        for (final int deviceId : ringingDeviceIds)
        {
            slots.addCalleeDevice(slot, deviceId, true);
        }
        slots.ring(slot, START_NS + RING_NS);
        return slot;
    }
}
