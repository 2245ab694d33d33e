package dev.switchboard.edge;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

import java.nio.ByteBuffer;

/**
 * A poller's output: frames from the outbound ring are staged so each connection gets one write per cycle, and what a
 * socket does not take waits in the {@link OutputBacklog}. Frames sent held (receipts) wait in {@link HeldFrames} for
 * the connection's next frame, or go alone when the hold runs out; any output to the connection takes them first, so
 * its frames keep their order. With batched sends the staged writes of a cycle go out through {@link StagedSends}.
 */
final class OutboundWriter implements MessageHandler
{
    private final ConnectionSlots slots;
    private final ConnectionLifecycle lifecycle;
    private final ConnectionDeadlines deadlines;
    private final PollerCounters counters;
    private final ByteBuffer ringByteBuffer;
    private final OutboundStaging staging;
    private final HeldFrames held;
    private final OutputBacklog backlog;
    private final StagedSends stagedSends;
    private final TlsTransport tls;

    OutboundWriter(
        final EdgeContext ctx,
        final OutputBacklog backlog,
        final ConnectionSlots slots,
        final ConnectionLifecycle lifecycle,
        final ConnectionDeadlines deadlines,
        final PollerCounters counters,
        final ByteBuffer ringByteBuffer,
        final HeldFrames held,
        final TlsTransport tls,
        final BatchedSends sends)
    {
        this.held = held;
        this.tls = tls;
        this.backlog = backlog;
        this.slots = slots;
        this.lifecycle = lifecycle;
        this.deadlines = deadlines;
        this.counters = counters;
        this.ringByteBuffer = ringByteBuffer;
        this.staging = new OutboundStaging(ctx.maxFrameLength());
        this.stagedSends = new StagedSends(staging, lifecycle, counters, backlog, sends);
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
            if (stagedSends.accepts(connection))
            {
                stagedSends.queue(i, connection, length);
                continue;
            }
            writeBytes(connection, staging.gathered(), staging.gatheredByteBuffer(), staging.gatheredOffset(), length);
            backlog.closeIfFlushed(connection);
        }
        stagedSends.complete();
        staging.clear();
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
        backlog.writeCiphertext(connection, buffer, byteBuffer, offset, length);
    }
}
