package dev.switchboard.edge;

import java.util.Arrays;

/**
 * An unordered list of connections waiting for a retry, removed by swapping in the last; owned by one poller.
 */
final class ConnectionList
{
    private Connection[] connections = new Connection[16];
    private int size;

    int size()
    {
        return size;
    }

    Connection get(final int index)
    {
        return connections[index];
    }

    void add(final Connection connection)
    {
        if (size == connections.length)
        {
            connections = Arrays.copyOf(connections, size * 2);
        }
        connections[size++] = connection;
    }

    boolean contains(final Connection connection)
    {
        for (int i = 0; i < size; i++)
        {
            if (connections[i] == connection)
            {
                return true;
            }
        }

        return false;
    }

    void remove(final Connection connection)
    {
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
        connections[index] = connections[--size];
        connections[size] = null;
    }
}
