package dev.switchboard.edge;

import java.util.Arrays;

/**
 * One poller's slot table: a connection's slot and the slot's generation make its id, so an id outliving its
 * connection never finds the next one in the same slot. Grows by doubling up to the connection limit.
 */
final class ConnectionSlots
{
    private static final int INITIAL_SLOTS = 64;

    private final int pollerIndex;
    private final int maxConnections;
    private Connection[] connections = new Connection[INITIAL_SLOTS];
    private int[] generations = new int[INITIAL_SLOTS];
    private int[] freeSlots = new int[INITIAL_SLOTS];
    private int freeSlotCount;
    private int highWater;

    ConnectionSlots(final int pollerIndex, final int maxConnections)
    {
        this.pollerIndex = pollerIndex;
        this.maxConnections = maxConnections;
    }

    /**
     * Take a free slot.
     *
     * @return the slot, or -1 when every slot up to the connection limit is in use.
     */
    int allocate()
    {
        if (freeSlotCount > 0)
        {
            return freeSlots[--freeSlotCount];
        }
        if (highWater >= maxConnections)
        {
            return -1;
        }
        if (highWater == connections.length)
        {
            final int newLength = Math.min(maxConnections, connections.length * 2);
            connections = Arrays.copyOf(connections, newLength);
            generations = Arrays.copyOf(generations, newLength);
            freeSlots = Arrays.copyOf(freeSlots, newLength);
        }

        return highWater++;
    }

    /** The id a connection placed in the slot now gets. */
    long connectionId(final int slot)
    {
        return ConnectionId.connectionId(pollerIndex, slot, generations[slot]);
    }

    void put(final int slot, final Connection connection)
    {
        connections[slot] = connection;
    }

    /** Free the connection's slot; the next connection there gets a new generation. */
    void release(final Connection connection)
    {
        final int slot = ConnectionId.slot(connection.id);
        connections[slot] = null;
        generations[slot]++;
        freeSlots[freeSlotCount++] = slot;
    }

    /** The connection with this id, or null when it is gone or belongs to another poller. */
    Connection lookup(final long connectionId)
    {
        if (ConnectionId.pollerIndex(connectionId) != pollerIndex)
        {
            return null;
        }
        final int slot = ConnectionId.slot(connectionId);
        if (slot >= highWater)
        {
            return null;
        }
        final Connection connection = connections[slot];

        return null != connection && connection.id == connectionId ? connection : null;
    }

    /** Slots ever used: every connection sits below this. */
    int highWater()
    {
        return highWater;
    }

    /** The connection in the slot, or null. */
    Connection get(final int slot)
    {
        return connections[slot];
    }
}
