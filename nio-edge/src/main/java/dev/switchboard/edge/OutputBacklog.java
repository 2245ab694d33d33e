package dev.switchboard.edge;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * What a connection's socket has not taken: it waits in pooled chunks behind OP_WRITE, bounded per connection, and
 * output that comes later queues behind it so the connection's bytes keep their order. Past the high-water mark the
 * connection is congested ({@link OutputCongestion}) until its backlog drains below half of it. Owned by one poller;
 * not thread safe.
 */
final class OutputBacklog
{
    private final ConnectionLifecycle lifecycle;
    private final ConnectionDeadlines deadlines;
    private final PollerCounters counters;
    private final ChunkPool outboundPool;
    private final OutputCongestion congestion;
    private final int maxPendingWriteBytes;
    private final int writeHighWaterBytes;

    OutputBacklog(
        final EdgeContext ctx,
        final OutputCongestion congestion,
        final ConnectionLifecycle lifecycle,
        final ConnectionDeadlines deadlines,
        final PollerCounters counters,
        final ChunkPool outboundPool)
    {
        this.congestion = congestion;
        this.lifecycle = lifecycle;
        this.deadlines = deadlines;
        this.counters = counters;
        this.outboundPool = outboundPool;
        this.maxPendingWriteBytes = ctx.maxPendingWriteBytes();
        this.writeHighWaterBytes = ctx.writeHighWaterBytes();
    }

    /**
     * Bytes as they go on the wire (plaintext, or TLS records): straight to the socket when nothing waits, the rest
     * into pooled chunks behind OP_WRITE.
     */
    void writeCiphertext(
        final Connection connection,
        final DirectBuffer buffer,
        final ByteBuffer byteBuffer,
        final int offset,
        final int length)
    {
        int position = offset;
        int remaining = length;
        if (null == connection.outboundHead)
        {
            try
            {
                byteBuffer.clear().limit(offset + length).position(offset);
                final int written = connection.channel.write(byteBuffer);
                counters.socketWrites.incrementRelease();
                counters.bytesOut.getAndAddRelease(written);
                position += written;
                remaining -= written;
            }
            catch (final IOException ex)
            {
                lifecycle.close(connection);
                return;
            }
        }
        if (remaining > 0)
        {
            append(connection, buffer, position, remaining);
        }
    }

    /** Queue bytes the socket did not take behind OP_WRITE. */
    void append(final Connection connection, final DirectBuffer buffer, final int offset, final int length)
    {
        if (connection.pendingWriteBytes + length > maxPendingWriteBytes)
        {
            // The layer above pauses delivery long before this; a reader this far behind is stuck.
            counters.slowConsumerCloses.incrementRelease();
            lifecycle.close(connection);
            return;
        }

        Chunk tail = connection.outboundTail;
        if (null == tail)
        {
            tail = outboundPool.borrow();
            connection.outboundHead = tail;
            connection.outboundTail = tail;
            connection.addInterest(SelectionKey.OP_WRITE);
            deadlines.startWrite(connection);
        }

        int position = offset;
        int remaining = length;
        while (remaining > 0)
        {
            if (tail.space() == 0)
            {
                final Chunk next = outboundPool.borrow();
                tail.next = next;
                tail = next;
                connection.outboundTail = next;
            }
            final int bytes = Math.min(remaining, tail.space());
            tail.buffer.putBytes(tail.writePosition, buffer, position, bytes);
            tail.writePosition += bytes;
            position += bytes;
            remaining -= bytes;
        }
        connection.pendingWriteBytes += length;
        if (connection.pendingWriteBytes >= writeHighWaterBytes && !connection.is(Connection.CONGESTED))
        {
            counters.congestions.incrementRelease();
            congestion.change(connection, true);
        }
    }

    /** The socket takes output again: write what waits, then stop watching for OP_WRITE. */
    void onWritable(final Connection connection) throws IOException
    {
        Chunk head;
        while (null != (head = connection.outboundHead))
        {
            final ByteBuffer byteBuffer = head.byteBuffer;
            byteBuffer.clear().limit(head.writePosition).position(head.readPosition);
            final int written = connection.channel.write(byteBuffer);
            counters.socketWrites.incrementRelease();
            counters.bytesOut.getAndAddRelease(written);
            head.readPosition += written;
            connection.pendingWriteBytes -= written;
            if (written > 0)
            {
                // Progress: the peer reads, however slowly; only a socket that takes nothing runs out the deadline.
                deadlines.startWrite(connection);
            }
            if (head.pending() > 0)
            {
                if (connection.is(Connection.CONGESTED) && connection.pendingWriteBytes <= writeHighWaterBytes / 2)
                {
                    congestion.change(connection, false);
                }
                return;
            }
            connection.outboundHead = head.next;
            if (null == head.next)
            {
                connection.outboundTail = null;
            }
            outboundPool.release(head);
        }

        connection.removeInterest(SelectionKey.OP_WRITE);
        deadlines.stopWrite(connection);
        if (connection.is(Connection.CLOSE_AFTER_FLUSH))
        {
            lifecycle.close(connection);
        }
        else if (connection.is(Connection.CONGESTED))
        {
            congestion.change(connection, false);
        }
    }

    /** A connection closing once its output is written closes now if nothing waits. */
    void closeIfFlushed(final Connection connection)
    {
        if (null == connection.outboundHead && connection.is(Connection.CLOSE_AFTER_FLUSH))
        {
            lifecycle.close(connection);
        }
    }
}
