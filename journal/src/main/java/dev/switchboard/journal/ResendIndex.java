package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

import static dev.switchboard.journal.ResendLogDescriptor.CLIENT_MSG_ID_OFFSET;
import static dev.switchboard.journal.ResendLogDescriptor.ENTRY_LENGTH;
import static dev.switchboard.journal.ResendLogDescriptor.HEADER_LENGTH;
import static dev.switchboard.journal.ResendLogDescriptor.SENDER_KEY_OFFSET;

/**
 * The in-heap index of a {@link ResendLog}: from (sender, client message id) to the slot that remembers the send.
 * Open addressing with linear probing over a {@code long[]} of twice the log's capacity, per cell the key's hash in
 * the high 32 bits and slot + 1 in the low 32, 0 when empty. The hash keeps probes and deletes off the mapped slots,
 * which are read only to confirm a hash match. Single writer: the log's owner. No allocation after construction.
 */
final class ResendIndex
{
    static final int NONE = -1;

    private final long[] cells;
    private final int mask;
    private final UnsafeBuffer slots;

    /**
     * @param slots the log's mapped file, whose slots hold the keys.
     */
    ResendIndex(final UnsafeBuffer slots, final int capacity)
    {
        this.slots = slots;
        cells = new long[Math.max(16, capacity * 2)];
        mask = cells.length - 1;
    }

    /**
     * @return the slot remembering the send, or {@link #NONE}.
     */
    int slotOf(final long senderKey, final long clientMsgId)
    {
        final long value = cells[findCell(senderKey, clientMsgId)];
        return 0 == value ? NONE : cellSlot(value);
    }

    /**
     * Points the send at {@code slot}, whichever slot it pointed at before.
     */
    void put(final long senderKey, final long clientMsgId, final int slot)
    {
        cells[findCell(senderKey, clientMsgId)] = ((long)hash(senderKey, clientMsgId) << 32) | (slot + 1);
    }

    /**
     * Forgets the send if it still points at {@code slot}: an evicted slot's send may have been remembered again since.
     */
    void removeIfAt(final long senderKey, final long clientMsgId, final int slot)
    {
        final int cell = findCell(senderKey, clientMsgId);
        if (0 != cells[cell] && cellSlot(cells[cell]) == slot)
        {
            removeCell(cell);
        }
    }

    /** Sends indexed: a walk over every cell, for tests and statistics. */
    int size()
    {
        int size = 0;
        for (final long value : cells)
        {
            size += 0 != value ? 1 : 0;
        }
        return size;
    }

    static int hash(final long senderKey, final long clientMsgId)
    {
        long hash = senderKey * 0x9E3779B97F4A7C15L ^ clientMsgId * 0xC2B2AE3D27D4EB4FL;
        hash ^= hash >>> 29;
        hash *= 0xBF58476D1CE4E5B9L;
        hash ^= hash >>> 32;
        return (int)hash;
    }

    private static int cellSlot(final long cellValue)
    {
        return (int)cellValue - 1;
    }

    /** The cell holding this key, or the empty cell where it would go. */
    private int findCell(final long senderKey, final long clientMsgId)
    {
        final int hash = hash(senderKey, clientMsgId);
        int cell = hash & mask;
        while (true)
        {
            final long value = cells[cell];
            if (0 == value)
            {
                return cell;
            }
            if ((int)(value >>> 32) == hash)
            {
                // at most ResendLogDescriptor.MAX_CAPACITY slots, so offsets fit an int
                final int offset = HEADER_LENGTH + cellSlot(value) * ENTRY_LENGTH;
                if (slots.getLong(offset + CLIENT_MSG_ID_OFFSET) == clientMsgId &&
                    slots.getLong(offset + SENDER_KEY_OFFSET) == senderKey)
                {
                    return cell;
                }
            }
            cell = (cell + 1) & mask;
        }
    }

    /** Linear-probing delete: shifts later cells of the run back so no lookup stops early. */
    private void removeCell(final int removed)
    {
        int gap = removed;
        int cell = (removed + 1) & mask;
        long value;
        while (0 != (value = cells[cell]))
        {
            final int home = (int)(value >>> 32) & mask;
            // the entry may fill the gap if its home is not cyclically inside (gap, cell]
            if (((cell - home) & mask) >= ((cell - gap) & mask))
            {
                cells[gap] = value;
                gap = cell;
            }
            cell = (cell + 1) & mask;
        }
        cells[gap] = 0;
    }
}
