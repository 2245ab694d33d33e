package dev.switchboard.edge;

/**
 * Layout of a connection id, so a stale id never reaches a reused slot and any thread can find the poller.
 * <pre>
 *   63                              32 31                        8 7          0
 *  +----------------------------------+---------------------------+------------+
 *  |   generation of the slot         |   slot within the poller  |  poller    |
 *  +----------------------------------+---------------------------+------------+
 * </pre>
 */
public final class ConnectionId
{
    public static final int MAX_POLLERS = 256;
    public static final int MAX_SLOTS = 1 << 24;

    private ConnectionId()
    {
    }

    /** Build an id; generation wraps within 32 bits. */
    public static long connectionId(final int pollerIndex, final int slot, final int generation)
    {
        return ((long)generation << 32) | ((long)slot << 8) | pollerIndex;
    }

    /** Index of the poller that owns the connection. */
    public static int pollerIndex(final long connectionId)
    {
        return (int)(connectionId & 0xFF);
    }

    /** Slot of the connection within its poller. */
    public static int slot(final long connectionId)
    {
        return (int)((connectionId >>> 8) & 0xFF_FFFF);
    }

    /** Generation of the slot when the connection was opened. */
    public static int generation(final long connectionId)
    {
        return (int)(connectionId >>> 32);
    }
}
