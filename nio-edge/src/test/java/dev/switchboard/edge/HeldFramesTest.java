package dev.switchboard.edge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeldFramesTest
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);

    @Test
    void shouldKeepAConnectionsFramesEndToEndInItsSlot()
    {
        final HeldFrames held = new HeldFrames(2, 64);
        final Connection connection = new Connection(1, null, 0);
        frame.setMemory(0, 64, (byte)'a');
        assertTrue(held.hold(connection, frame, 0, 10));
        frame.setMemory(0, 64, (byte)'b');
        assertTrue(held.hold(connection, frame, 0, 20));

        assertEquals(30, held.length(connection));
        final int offset = held.offset(connection);
        assertEquals('a', held.buffer().getByte(offset + 9));
        assertEquals('b', held.buffer().getByte(offset + 10));
        assertEquals('b', held.buffer().getByte(offset + 29));
        assertEquals(1, held.holding());
    }

    @Test
    void shouldRefuseWhatDoesNotFitTheSlotAndKeepWhatItHolds()
    {
        final HeldFrames held = new HeldFrames(1, 64);
        final Connection connection = new Connection(1, null, 0);
        assertTrue(held.hold(connection, frame, 0, 40));

        assertFalse(held.hold(connection, frame, 0, 30));
        assertEquals(40, held.length(connection));
    }

    @Test
    void shouldRefuseWhenEverySlotIsTakenAndTakeAgainOnceOneIsFree()
    {
        final HeldFrames held = new HeldFrames(1, 64);
        final Connection first = new Connection(1, null, 0);
        final Connection second = new Connection(2, null, 0);
        assertTrue(held.hold(first, frame, 0, 8));

        assertFalse(held.hold(second, frame, 0, 8));
        assertEquals(HeldFrames.NONE, second.heldSlot);

        held.free(first);
        held.free(first);
        assertEquals(HeldFrames.NONE, first.heldSlot);
        assertEquals(0, held.holding());
        assertTrue(held.hold(second, frame, 0, 8));
        assertEquals(8, held.length(second), "a reused slot starts empty");
    }

    @Test
    void shouldHoldNothingWithNoSlots()
    {
        final HeldFrames held = new HeldFrames(0);

        assertFalse(held.hold(new Connection(1, null, 0), frame, 0, 8));
        assertEquals(0, held.holding());
    }
}
