package dev.switchboard.edge;

import java.util.Arrays;

/**
 * An unordered list of connections waiting for a retry, removed by swapping in the last; owned by one poller. Given a
 * membership flag, a connection is listed once and the flag answers whether it is, so adding or removing a connection
 * that is not listed costs no scan even when thousands are (a full ring stalls every connection that sends).
 */
final class ConnectionList
{
    private final int memberFlag;
    private Connection[] connections = new Connection[16];
    private int size;

    /** A list whose members the caller tracks itself. */
    ConnectionList()
    {
        this(0);
    }

    /**
     * @param memberFlag the {@link Connection} flag this list sets on its members, or 0 for none.
     */
    ConnectionList(final int memberFlag)
    {
        this.memberFlag = memberFlag;
    }

    int size()
    {
        return size;
    }

    Connection get(final int index)
    {
        return connections[index];
    }

    /** Add the connection; with a membership flag, one already listed is not added again. */
    void add(final Connection connection)
    {
        if (0 != memberFlag)
        {
            if (connection.is(memberFlag))
            {
                return;
            }
            connection.set(memberFlag);
        }
        if (size == connections.length)
        {
            connections = Arrays.copyOf(connections, size * 2);
        }
        connections[size++] = connection;
    }

    void remove(final Connection connection)
    {
        if (0 != memberFlag && !connection.is(memberFlag))
        {
            return;
        }
        for (int i = 0; i < size; i++)
        {
            if (connections[i] == connection)
            {
                removeAt(i);
                return;
            }
        }
    }

    void removeAt(final int index)
    {
        connections[index].clear(memberFlag);
        connections[index] = connections[--size];
        connections[size] = null;
    }
}
