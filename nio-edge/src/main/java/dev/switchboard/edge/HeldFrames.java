package dev.switchboard.edge;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Frames a poller holds back a while so they ride with the next frame to the same connection. A delivery receipt is
 * wanted soon, not now: written alone it costs the server a write and the client a read and a wake-up, which is a
 * third of a message's frames. Fixed slots, preallocated in one direct buffer, so holding allocates nothing; a
 * connection holds at most one slot. When no slot is free or a connection's slot is full the caller writes at once.
 * Owned by one poller; not thread safe.
 */
final class HeldFrames
{
    static final int NONE = -1;
    /** Bytes one connection may hold: four receipts. */
    static final int SLOT_LENGTH = 256;

    private final UnsafeBuffer slots;
    private final int slotLength;
    private final int[] lengths;
    private final int[] freeSlots;
    private int freeCount;

    /**
     * @param slotCount connections that may hold frames at once, {@link #SLOT_LENGTH} bytes each; 0 holds nothing.
     */
    HeldFrames(final int slotCount)
    {
        this(slotCount, SLOT_LENGTH);
    }

    /**
     * @param slotCount  connections that may hold frames at once; 0 holds nothing.
     * @param slotLength bytes one connection may hold.
     */
    HeldFrames(final int slotCount, final int slotLength)
    {
        this.slotLength = slotLength;
        slots = 0 == slotCount ?
            new UnsafeBuffer(new byte[0]) :
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(slotCount * slotLength, 64));
        lengths = new int[slotCount];
        freeSlots = new int[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            freeSlots[i] = slotCount - 1 - i;
        }
        freeCount = slotCount;
    }

    /**
     * Hold a frame behind any the connection already holds.
     *
     * @return false when no slot is free or the connection's slot has no room: nothing was held, and what the
     * connection holds must go out before this frame.
     */
    boolean hold(final Connection connection, final DirectBuffer buffer, final int offset, final int length)
    {
        int slot = connection.heldSlot;
        if (NONE == slot)
        {
            if (0 == freeCount || length > slotLength)
            {
                return false;
            }
            slot = freeSlots[--freeCount];
            connection.heldSlot = slot;
            lengths[slot] = 0;
        }
        final int held = lengths[slot];
        if (held + length > slotLength)
        {
            return false;
        }
        slots.putBytes(slot * slotLength + held, buffer, offset, length);
        lengths[slot] = held + length;

        return true;
    }

    /** The buffer every slot lies in. */
    DirectBuffer buffer()
    {
        return slots;
    }

    /** Where the connection's held frames start in {@link #buffer()}; it must hold some. */
    int offset(final Connection connection)
    {
        return connection.heldSlot * slotLength;
    }

    /** Bytes the connection holds; it must hold some. */
    int length(final Connection connection)
    {
        return lengths[connection.heldSlot];
    }

    /** Give the connection's slot back, once its frames are written or dropped; nothing happens if it holds none. */
    void free(final Connection connection)
    {
        final int slot = connection.heldSlot;
        if (NONE != slot)
        {
            connection.heldSlot = NONE;
            freeSlots[freeCount++] = slot;
        }
    }

    /** Connections holding frames now. */
    int holding()
    {
        return lengths.length - freeCount;
    }
}
