package dev.switchboard.edge;

import dev.switchboard.codec.FrameDecoder;
import dev.switchboard.codec.FrameHandler;
import dev.switchboard.codec.FrameRejection;
import dev.switchboard.codec.FrameValidator;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PongDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * A poller's input: reads a connection's bytes, cuts and validates frames and hands them to the sink, answers Pings
 * and rejects bad frames with an Error. Bytes not yet a whole frame, or refused by a full sink, are kept in a pooled
 * chunk; a connection the sink refused stops being read and is retried each cycle.
 */
final class InboundFramer implements FrameHandler
{
    private static final int MESSAGE_OFFSET = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH;

    private final int pollerIndex;
    private final InboundFrameSink sink;
    private final CachedNanoClock clock;
    private final ConnectionLifecycle lifecycle;
    private final ConnectionDeadlines deadlines;
    private final ControlFrames controls;
    private final PollerCounters counters;
    private final InboundChunks inboundChunks;
    private final ConnectionList stalled;
    private final FrameDecoder decoder;
    private final FrameValidator validator;
    private final PingDecoder pingDecoder = new PingDecoder();
    private final ByteBuffer readByteBuffer;
    private final UnsafeBuffer readBuffer;
    private final int maxFrameLength;
    private final int maxRejects;
    private final TlsTransport tls;

    private Connection current;
    private int progress;
    private boolean halted;
    private int framesCut;

    InboundFramer(
        final EdgeContext ctx,
        final int pollerIndex,
        final InboundFrameSink sink,
        final CachedNanoClock clock,
        final ConnectionLifecycle lifecycle,
        final ConnectionDeadlines deadlines,
        final ControlFrames controls,
        final PollerCounters counters,
        final InboundChunks inboundChunks,
        final ConnectionList stalled,
        final TlsTransport tls)
    {
        this.tls = tls;
        this.pollerIndex = pollerIndex;
        this.sink = sink;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.deadlines = deadlines;
        this.controls = controls;
        this.counters = counters;
        this.inboundChunks = inboundChunks;
        this.stalled = stalled;
        this.maxFrameLength = ctx.maxFrameLength();
        this.maxRejects = ctx.maxRejectsBeforeDisconnect();
        decoder = new FrameDecoder(maxFrameLength);
        validator = new FrameValidator(maxFrameLength);
        readByteBuffer = ByteBuffer.allocateDirect(maxFrameLength);
        readBuffer = new UnsafeBuffer(readByteBuffer);
    }

    /** Connections whose frames the sink refused, waiting for a retry: the poller must not sleep. */
    boolean hasStalled()
    {
        return stalled.size() > 0;
    }

    void onReadable(final Connection connection) throws IOException
    {
        // A peer whose output is backed up gets no reads either, so it cannot make us buffer answers (Pongs,
        // errors) without bound: back pressure reaches its TCP send buffer instead of our memory.
        if (connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CONGESTED))
        {
            connection.removeInterest(SelectionKey.OP_READ);
            return;
        }

        Chunk chunk = connection.inbound;
        if (null != chunk)
        {
            chunk = growForDeclaredFrame(connection, chunk);
            if (chunk.space() == 0)
            {
                counters.errors.incrementRelease();
                lifecycle.close(connection);
                return;
            }
            final ByteBuffer byteBuffer = chunk.byteBuffer;
            byteBuffer.clear().position(chunk.writePosition);
            final int bytesRead = read(connection, byteBuffer);
            if (0 == bytesRead)
            {
                return;
            }
            chunk.writePosition += bytesRead;
            drainInbound(connection);
            deadlines.updateFrameDeadline(connection, framesCut > 0);
        }
        else
        {
            readByteBuffer.clear();
            final int bytesRead = read(connection, readByteBuffer);
            if (0 == bytesRead)
            {
                return;
            }
            final int consumed = process(connection, readBuffer, 0, bytesRead);
            if (consumed < bytesRead && !connection.is(Connection.CLOSED))
            {
                // Keep the rest (a partial frame, or frames the sink refused) only as long as it exists.
                final int remaining = bytesRead - consumed;
                final Chunk kept =
                    inboundChunks.borrow(Math.max(remaining, declaredLength(readBuffer, consumed, remaining)));
                kept.buffer.putBytes(0, readBuffer, consumed, remaining);
                kept.writePosition = remaining;
                connection.inbound = kept;
                if (connection.is(Connection.INBOUND_STALLED))
                {
                    stalled.add(connection);
                }
                deadlines.updateFrameDeadline(connection, framesCut > 0);
            }
        }
    }

    /**
     * A partial frame that declares more than its small chunk holds moves to a frame-sized one; most partial frames
     * are small, so most connections holding one cost only the small chunk.
     */
    private Chunk growForDeclaredFrame(final Connection connection, final Chunk chunk)
    {
        final int pending = chunk.pending();
        final int declared = declaredLength(chunk.buffer, chunk.readPosition, pending);
        if (declared <= chunk.capacity() - chunk.readPosition)
        {
            return chunk;
        }
        final Chunk larger = inboundChunks.borrow(declared);
        larger.buffer.putBytes(0, chunk.buffer, chunk.readPosition, pending);
        larger.writePosition = pending;
        inboundChunks.release(chunk);
        connection.inbound = larger;

        return larger;
    }

    /**
     * Length the next frame declares, or 0 when its length is not yet readable or out of range (the decoder then
     * reports the corrupt stream).
     */
    private int declaredLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < Integer.BYTES)
        {
            return 0;
        }
        final int declared = Sofh.frameLength(buffer, offset);

        return declared > 0 && declared <= maxFrameLength ? declared : 0;
    }

    /**
     * Read what the socket has; any byte is a sign of life.
     *
     * @return bytes read, 0 when none came or the peer closed (the connection is closed then).
     */
    private int read(final Connection connection, final ByteBuffer byteBuffer) throws IOException
    {
        final int bytesRead = null == connection.tls ?
            connection.channel.read(byteBuffer) : tls.read(connection, byteBuffer);
        if (bytesRead <= 0)
        {
            if (bytesRead < 0)
            {
                lifecycle.close(connection);
            }
            return 0;
        }
        counters.bytesIn.getAndAddRelease(bytesRead);
        connection.lastReceiveNs = clock.nanoTime();
        connection.clear(Connection.PING_SENT);

        return bytesRead;
    }

    /**
     * Process what the connection's inbound chunk holds; release the chunk once empty.
     */
    private void drainInbound(final Connection connection)
    {
        final Chunk chunk = connection.inbound;
        final int consumed = process(connection, chunk.buffer, chunk.readPosition, chunk.pending());
        if (connection.is(Connection.CLOSED))
        {
            return;
        }
        chunk.readPosition += consumed;
        if (chunk.pending() == 0)
        {
            connection.inbound = null;
            inboundChunks.release(chunk);
        }
        else if (connection.is(Connection.INBOUND_STALLED))
        {
            stalled.add(connection);
        }
        else if (chunk.readPosition > 0)
        {
            final int pending = chunk.pending();
            chunk.buffer.putBytes(0, chunk.buffer, chunk.readPosition, pending);
            chunk.readPosition = 0;
            chunk.writePosition = pending;
        }
    }

    /**
     * Cut, validate and hand on the frames in the range.
     *
     * @return bytes that need not be kept.
     */
    private int process(final Connection connection, final DirectBuffer buffer, final int offset, final int length)
    {
        current = connection;
        progress = offset;
        halted = false;
        framesCut = 0;
        final int result = decoder.decode(buffer, offset, length, this);
        current = null;

        if (connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH))
        {
            return length;
        }
        if (halted)
        {
            return progress - offset;
        }
        if (FrameDecoder.CORRUPT_STREAM == result)
        {
            counters.corruptStreams.incrementRelease();
            final FrameRejection rejection =
                FrameDecoder.corruptionOf(Sofh.frameLength(buffer, progress), maxFrameLength);
            controls.sendError(connection, 0, 0, rejection.errorCode(), rejection);
            lifecycle.closeAfterFlush(connection);
            return length;
        }

        return result;
    }

    /** One whole frame cut from the connection being processed. */
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (halted)
        {
            return;
        }
        final Connection connection = current;
        framesCut++;

        final FrameRejection rejection = validator.validate(buffer, offset, length);
        if (FrameRejection.NONE != rejection)
        {
            counters.framesRejected.incrementRelease();
            progress = offset + length;
            controls.sendError(
                connection, validator.requestId(), validator.templateId(), rejection.errorCode(), rejection);
            if (++connection.rejects >= maxRejects && !connection.is(Connection.CLOSED))
            {
                counters.rejectDisconnects.incrementRelease();
                lifecycle.closeAfterFlush(connection);
            }
            halted = connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH);
            return;
        }

        final int templateId = validator.templateId();
        if (PingDecoder.TEMPLATE_ID == templateId)
        {
            counters.pingsIn.incrementRelease();
            progress = offset + length;
            pingDecoder.wrap(buffer, offset + MESSAGE_OFFSET, PingDecoder.BLOCK_LENGTH, PingDecoder.SCHEMA_VERSION);
            controls.sendPong(connection, pingDecoder.timestampNs());
            halted = connection.is(Connection.CLOSED);
            return;
        }
        if (PongDecoder.TEMPLATE_ID == templateId)
        {
            // Any inbound byte already counted as life; a Pong needs nothing more.
            progress = offset + length;
            return;
        }

        if (!sink.onFrame(pollerIndex, connection.id, buffer, offset, length))
        {
            counters.sinkFull.incrementRelease();
            connection.set(Connection.INBOUND_STALLED);
            connection.removeInterest(SelectionKey.OP_READ);
            halted = true;
            return;
        }
        counters.framesIn.incrementRelease();
        progress = offset + length;
    }

    /**
     * TLS connections holding input their sockets will not announce: plaintext the framer had no room for, or a
     * handshake whose delegated tasks finished. Those paused by back pressure wait on the list.
     */
    int retryTls()
    {
        final ConnectionList pending = tls.pending();
        int workCount = 0;
        for (int i = pending.size() - 1; i >= 0; i--)
        {
            if (i >= pending.size())
            {
                continue;
            }
            final Connection connection = pending.get(i);
            if (TlsTransport.isPaused(connection))
            {
                continue;
            }
            tls.unmarkPending(i);
            workCount++;
            try
            {
                onReadable(connection);
            }
            catch (final IOException ex)
            {
                lifecycle.close(connection);
            }
            catch (final RuntimeException ex)
            {
                counters.errors.incrementRelease();
                lifecycle.close(connection);
            }
        }

        return workCount;
    }

    /** Offer the sink again what it refused; a connection it takes everything from is read again. */
    int retryStalled()
    {
        int workCount = 0;
        for (int i = stalled.size() - 1; i >= 0; i--)
        {
            final Connection connection = stalled.get(i);
            connection.clear(Connection.INBOUND_STALLED);
            drainInbound(connection);
            if (connection.is(Connection.CLOSED) || connection.is(Connection.INBOUND_STALLED))
            {
                continue;
            }
            // By index unless the drain closed another listed connection and so moved this one.
            if (i < stalled.size() && stalled.get(i) == connection)
            {
                stalled.removeAt(i);
            }
            else
            {
                stalled.remove(connection);
            }
            workCount++;
            if (!connection.is(Connection.CLOSE_AFTER_FLUSH))
            {
                connection.addInterest(SelectionKey.OP_READ);
            }
            // what stays is a partial frame the peer could not finish while reads were paused
            deadlines.updateFrameDeadline(connection, true);
        }

        return workCount;
    }
}
