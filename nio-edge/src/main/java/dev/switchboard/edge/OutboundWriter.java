package dev.switchboard.edge;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * A poller's output: frames from the outbound ring are staged so each connection gets one write per cycle; what a
 * socket does not take waits in pooled chunks behind OP_WRITE, bounded per connection. Past the high-water mark the
 * connection is congested ({@link OutputCongestion}) until its output drains below half of it. Frames sent held
 * (receipts) wait in {@link HeldFrames} for the connection's next frame, or go alone when the hold runs out; any
 * output to the connection takes them first, so its frames keep their order. With {@link BatchedSends} the staged
 * writes of a cycle go to the kernel in one submission; what each socket did not take is handled as after a write.
 */
final class OutboundWriter implements MessageHandler
{
    private final ConnectionSlots slots;
    private final ConnectionLifecycle lifecycle;
    private final ConnectionDeadlines deadlines;
    private final PollerCounters counters;
    private final ChunkPool outboundPool;
    private final ByteBuffer ringByteBuffer;
    private final OutboundStaging staging;
    private final HeldFrames held;
    private final OutputCongestion congestion;
    private final int maxPendingWriteBytes;
    private final int writeHighWaterBytes;
    private final TlsTransport tls;
    private BatchedSends sends;
    private final int[] sentEntries;
    private final DirectBuffer[] sentBuffers;
    private final int[] sentOffsets;
    private final int[] sentLengths;

    OutboundWriter(
        final EdgeContext ctx,
        final OutputCongestion congestion,
        final ConnectionSlots slots,
        final ConnectionLifecycle lifecycle,
        final ConnectionDeadlines deadlines,
        final PollerCounters counters,
        final ChunkPool outboundPool,
        final ByteBuffer ringByteBuffer,
        final HeldFrames held,
        final TlsTransport tls,
        final BatchedSends sends)
    {
        this.held = held;
        this.tls = tls;
        this.congestion = congestion;
        this.slots = slots;
        this.lifecycle = lifecycle;
        this.deadlines = deadlines;
        this.counters = counters;
        this.outboundPool = outboundPool;
        this.ringByteBuffer = ringByteBuffer;
        this.staging = new OutboundStaging(ctx.maxFrameLength());
        this.maxPendingWriteBytes = ctx.maxPendingWriteBytes();
        this.writeHighWaterBytes = ctx.writeHighWaterBytes();
        this.sends = sends;
        final int batch = null == sends ? 0 : sends.capacity();
        this.sentEntries = new int[batch];
        this.sentBuffers = new DirectBuffer[batch];
        this.sentOffsets = new int[batch];
        this.sentLengths = new int[batch];
    }

    /** A record from the outbound ring: a frame for, or a close of, one connection. */
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long connectionId = buffer.getLong(index);
        final Connection connection = slots.lookup(connectionId);
        if (null == connection || null == connection.key || connection.is(Connection.CLOSE_AFTER_FLUSH))
        {
            counters.outboundDropped.incrementRelease();
            return;
        }

        try
        {
            if (EdgeOutbound.FRAME_MSG_TYPE_ID == msgTypeId)
            {
                final int frameOffset = index + EdgeContext.OUTBOUND_HEADER_LENGTH;
                final int frameLength = length - EdgeContext.OUTBOUND_HEADER_LENGTH;
                if (!connection.is(Connection.LOGGED_IN))
                {
                    deadlines.onPreLoginAnswer(connection, buffer, frameOffset, frameLength);
                }
                if (null != connection.outboundHead)
                {
                    write(connection, buffer, ringByteBuffer, frameOffset, frameLength);
                }
                else
                {
                    stageHeld(connection);
                    stage(connection, buffer, frameOffset, frameLength);
                }
            }
            else if (EdgeOutbound.HELD_FRAME_MSG_TYPE_ID == msgTypeId)
            {
                onHeldFrame(connection, buffer, index + EdgeContext.OUTBOUND_HEADER_LENGTH,
                    length - EdgeContext.OUTBOUND_HEADER_LENGTH);
            }
            else if (EdgeOutbound.CLOSE_MSG_TYPE_ID == msgTypeId)
            {
                stageHeld(connection);
                lifecycle.closeAfterFlush(connection);
            }
        }
        catch (final RuntimeException ex)
        {
            counters.errors.incrementRelease();
            lifecycle.close(connection);
        }
    }

    /**
     * A frame wanted soon, not now: it rides with other output to the connection in this cycle or waiting already, else
     * it is held for the next frame; with no room to hold it, it goes in this cycle behind what the connection held.
     */
    private void onHeldFrame(
        final Connection connection, final DirectBuffer buffer, final int frameOffset, final int frameLength)
    {
        if (null != connection.outboundHead)
        {
            write(connection, buffer, ringByteBuffer, frameOffset, frameLength);
            return;
        }
        if (OutboundStaging.NONE == connection.stagedEntry)
        {
            final boolean first = HeldFrames.NONE == connection.heldSlot;
            if (held.hold(connection, buffer, frameOffset, frameLength))
            {
                counters.framesOut.incrementRelease();
                counters.framesHeld.incrementRelease();
                if (first)
                {
                    deadlines.startHold(connection);
                }
                return;
            }
        }
        stageHeld(connection);
        stage(connection, buffer, frameOffset, frameLength);
    }

    /** Stage what the connection held ahead of the frame about to be staged for it. */
    private void stageHeld(final Connection connection)
    {
        if (HeldFrames.NONE != connection.heldSlot)
        {
            final int length = held.length(connection);
            if (!staging.hasRoomFor(length))
            {
                flushStaged();
            }
            staging.stage(connection, held.buffer(), held.offset(connection), length);
            releaseHold(connection);
        }
    }

    /** The connection's hold ran out with nothing to ride with: its held frames go alone at the next flush. */
    void stageHeldAlone(final Connection connection)
    {
        // A close frees the slot and cancels the hold, so a connection holding here is open.
        if (HeldFrames.NONE != connection.heldSlot)
        {
            counters.heldWrittenAlone.incrementRelease();
            if (null != connection.outboundHead)
            {
                writeHeld(connection);
            }
            else
            {
                stageHeld(connection);
            }
        }
    }

    private void writeHeld(final Connection connection)
    {
        final DirectBuffer buffer = held.buffer();
        final int offset = held.offset(connection);
        final int length = held.length(connection);
        releaseHold(connection);
        writeBytes(connection, buffer, buffer.byteBuffer(), offset, length);
    }

    private void releaseHold(final Connection connection)
    {
        held.free(connection);
        deadlines.stopHold(connection);
    }

    private void stage(final Connection connection, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!staging.hasRoomFor(length))
        {
            flushStaged();
        }
        staging.stage(connection, buffer, offset, length);
        counters.framesOut.incrementRelease();
    }

    /**
     * One write per connection for everything this cycle took off the outbound ring for it; what the socket does not
     * take waits in chunks behind OP_WRITE, as for any write.
     */
    void flushStaged()
    {
        if (staging.isEmpty())
        {
            return;
        }
        for (int i = 0, count = staging.entryCount(); i < count; i++)
        {
            final Connection connection = staging.connection(i);
            if (connection.is(Connection.CLOSED))
            {
                continue;
            }
            final int length = staging.gather(i);
            // As writeCiphertext: a connection with output waiting behind OP_WRITE keeps its order there.
            if (null != sends && null == connection.tls && SocketDescriptors.UNKNOWN != connection.fd &&
                null == connection.outboundHead)
            {
                queueSend(i, connection, length);
                continue;
            }
            writeBytes(connection, staging.gathered(), staging.gatheredByteBuffer(), staging.gatheredOffset(), length);
            closeIfFlushed(connection);
        }
        completeSends();
        staging.clear();
    }

    /** Queue a staged entry's send; its bytes stay put in the staging buffers until they are cleared. */
    private void queueSend(final int entry, final Connection connection, final int length)
    {
        final int index = sends.add(connection.fd, staging.gatheredAddress(), length);
        sentEntries[index] = entry;
        sentBuffers[index] = staging.gathered();
        sentOffsets[index] = staging.gatheredOffset();
        sentLengths[index] = length;
        if (sends.isFull())
        {
            completeSends();
        }
    }

    /** Send what is queued in one submission, then treat each result as that connection's write. */
    private void completeSends()
    {
        final int count = null == sends ? 0 : sends.queued();
        if (0 == count)
        {
            return;
        }
        if (!sends.sendAll())
        {
            writeEach(count);
            return;
        }
        counters.sendSubmissions.incrementRelease();
        for (int i = 0; i < count; i++)
        {
            final Connection connection = staging.connection(sentEntries[i]);
            final DirectBuffer buffer = sentBuffers[i];
            final int written = sends.result(i);
            if (written < 0)
            {
                lifecycle.close(connection);
                continue;
            }
            counters.socketWrites.incrementRelease();
            counters.bytesOut.getAndAddRelease(written);
            final int remaining = sentLengths[i] - written;
            if (remaining > 0)
            {
                append(connection, buffer, sentOffsets[i] + written, remaining);
            }
            closeIfFlushed(connection);
        }
    }

    /** The kernel refused the batch, so none of it was sent: write each the usual way, and stop batching. */
    private void writeEach(final int count)
    {
        counters.errors.incrementRelease();
        sends = null;
        for (int i = 0; i < count; i++)
        {
            final Connection connection = staging.connection(sentEntries[i]);
            final DirectBuffer buffer = sentBuffers[i];
            writeCiphertext(connection, buffer, buffer.byteBuffer(), sentOffsets[i], sentLengths[i]);
            closeIfFlushed(connection);
        }
    }

    private void closeIfFlushed(final Connection connection)
    {
        if (null == connection.outboundHead && connection.is(Connection.CLOSE_AFTER_FLUSH))
        {
            lifecycle.close(connection);
        }
    }

    /**
     * Write straight to the socket; what the socket does not take waits in pooled chunks behind OP_WRITE.
     */
    void write(
        final Connection connection,
        final DirectBuffer buffer,
        final ByteBuffer byteBuffer,
        final int offset,
        final int length)
    {
        if (connection.is(Connection.CLOSED) || null == connection.key)
        {
            counters.outboundDropped.incrementRelease();
            return;
        }
        counters.framesOut.incrementRelease();
        if (HeldFrames.NONE != connection.heldSlot)
        {
            writeHeld(connection);
        }
        writeBytes(connection, buffer, byteBuffer, offset, length);
    }

    private void writeBytes(
        final Connection connection,
        final DirectBuffer buffer,
        final ByteBuffer byteBuffer,
        final int offset,
        final int length)
    {
        if (null != connection.tls)
        {
            if (!tls.write(connection, byteBuffer, offset, length))
            {
                lifecycle.close(connection);
            }
            return;
        }
        writeCiphertext(connection, buffer, byteBuffer, offset, length);
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

    private void append(final Connection connection, final DirectBuffer buffer, final int offset, final int length)
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
}
