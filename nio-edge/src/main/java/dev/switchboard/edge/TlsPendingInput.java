package dev.switchboard.edge;

/**
 * A poller's TLS connections with input to process that the socket will not announce: plaintext the framer had no
 * room for, or a handshake whose delegated tasks finished. A session's {@code pending} flag says it is listed, and only
 * this list writes it.
 */
final class TlsPendingInput
{
    private final ConnectionList pending = new ConnectionList();

    /** The listed connections, for the framer to retry by index. */
    ConnectionList list()
    {
        return pending;
    }

    /** List the connection unless it is listed already. */
    void add(final Connection connection)
    {
        if (!connection.tls.pending)
        {
            connection.tls.pending = true;
            pending.add(connection);
        }
    }

    /** Take the connection at the index off the list: it is being processed. */
    void removeAt(final int index)
    {
        pending.get(index).tls.pending = false;
        pending.removeAt(index);
    }

    /** Take a closing connection off the list if it is on it. */
    void remove(final Connection connection)
    {
        final TlsSession session = connection.tls;
        if (session.pending)
        {
            session.pending = false;
            pending.remove(connection);
        }
    }

    /** Whether some listed connection could make progress now: the poller must not block in its selector. */
    boolean hasRunnable()
    {
        for (int i = 0, size = pending.size(); i < size; i++)
        {
            if (!isPaused(pending.get(i)))
            {
                return true;
            }
        }

        return false;
    }

    static boolean isPaused(final Connection connection)
    {
        return connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CONGESTED);
    }
}
