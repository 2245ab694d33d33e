package dev.switchboard.edge;

import dev.switchboard.codec.FrameDecoder;
import dev.switchboard.codec.FrameHandler;
import dev.switchboard.codec.FrameRejection;
import dev.switchboard.codec.FrameValidator;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.RegisterAckDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.MessageHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One selector thread: reads, cuts and validates frames for its connections and hands them to the
 * {@link InboundFrameSink}, answers Pings, sends idle Pings, and writes the frames other threads queue through its
 * {@link EdgeOutbound}. Only its own thread calls {@link #doWork()}.
 */
public final class EdgePoller implements Agent
{
    private static final int MAX_NEW_CONNECTIONS_PER_CYCLE = 64;
    private static final int MAX_OUTBOUND_MESSAGES_PER_CYCLE = 1024;
    private static final int INITIAL_SLOTS = 64;
    private static final long CLOSE_NOTICE_GRACE_NS = 1_000_000_000L;
    private static final int MESSAGE_OFFSET = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int TEMPLATE_ID_OFFSET = Sofh.HEADER_LENGTH + MessageHeaderDecoder.templateIdEncodingOffset();
    /** Deadlines handled per cycle, so a mass expiry (a flood of idle connections) is spread over cycles. */
    private static final int MAX_EXPIRIES_PER_CYCLE = 256;
    private static final byte[] LOGIN_TIMEOUT_DETAIL = "login timeout".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FRAME_TIMEOUT_DETAIL = "frame timeout".getBytes(StandardCharsets.US_ASCII);

    private final int pollerIndex;
    private final InboundFrameSink sink;
    private final NanoClock nanoClock;
    private final Selector selector;
    private final ManyToOneRingBuffer outboundRing;
    private final ByteBuffer outboundByteBuffer;
    private final EdgeOutbound outbound;
    private final OneToOneConcurrentArrayQueue<SocketChannel> newConnections;
    private final AtomicInteger openConnections;
    private final FrameDecoder decoder;
    private final FrameValidator validator;
    private final ChunkPool smallInboundPool;
    private final ChunkPool largeInboundPool;
    private final ChunkPool outboundPool;
    private final OutboundStaging staging;
    private final ByteBuffer readByteBuffer;
    private final UnsafeBuffer readBuffer;
    private final ByteBuffer controlByteBuffer;
    private final UnsafeBuffer controlBuffer;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final PingDecoder pingDecoder = new PingDecoder();
    private final byte[][] rejectionDetails;
    private final int maxConnections;
    private final int maxFrameLength;
    private final int maxRejects;
    private final int maxPendingWriteBytes;
    private final int writeHighWaterBytes;
    private final long idleTimeoutNs;
    private final long deadTimeoutNs;
    private final long idleCheckIntervalNs;
    private final long selectTimeoutMs;
    private final Consumer<SelectionKey> selectHandler = this::onSelected;
    private final FrameHandler frameHandler = this::onFrame;
    private final MessageHandler outboundHandler = this::onOutbound;
    private final LongArrayQueue pendingCloseNotices = new LongArrayQueue(Long.MIN_VALUE);
    private final DeadlineQueue loginDeadlines;
    private final DeadlineQueue registrationDeadlines;
    private final DeadlineQueue frameDeadlines;
    private final DeadlineQueue writeDeadlines;

    private Connection[] connections = new Connection[INITIAL_SLOTS];
    private int[] generations = new int[INITIAL_SLOTS];
    private int[] freeSlots = new int[INITIAL_SLOTS];
    private int freeSlotCount;
    private int slotHighWater;
    private Connection[] stalled = new Connection[16];
    private int stalledCount;
    private Connection[] congestionNotices = new Connection[16];
    private int congestionNoticeCount;
    private Connection pendingOpen;
    private long pendingOpenAddress;
    private long nowNs;
    private long nextIdleCheckNs;
    private boolean closed;
    private volatile boolean sleeping;

    private Connection current;
    private int progress;
    private boolean halted;
    private int framesCut;

    private int connectionCount;
    private long connectionsOpened;
    private long connectionsClosed;
    private long framesIn;
    private long framesOut;
    private long framesRejected;
    private long corruptStreams;
    private long rejectDisconnects;
    private long bytesIn;
    private long bytesOut;
    private long socketWrites;
    private long sinkFull;
    private long slowConsumerCloses;
    private long idleCloses;
    private long pingsIn;
    private long pingsOut;
    private long outboundDropped;
    private long congestions;
    private long errors;
    private long loginTimeouts;
    private long frameTimeouts;
    private long writeTimeouts;

    EdgePoller(
        final int pollerIndex,
        final EdgeContext ctx,
        final InboundFrameSink sink,
        final AtomicInteger openConnections)
    {
        this.pollerIndex = pollerIndex;
        this.sink = sink;
        this.nanoClock = ctx.nanoClock();
        this.openConnections = openConnections;
        this.maxConnections = ctx.maxConnections();
        this.maxFrameLength = ctx.maxFrameLength();
        this.maxRejects = ctx.maxRejectsBeforeDisconnect();
        this.maxPendingWriteBytes = ctx.maxPendingWriteBytes();
        this.writeHighWaterBytes = ctx.writeHighWaterBytes();
        this.idleTimeoutNs = ctx.idleTimeoutNs();
        this.deadTimeoutNs = ctx.deadTimeoutNs();
        this.idleCheckIntervalNs = Math.max(1, Math.min(idleTimeoutNs, deadTimeoutNs - idleTimeoutNs) / 4);
        this.nextIdleCheckNs = nanoClock.nanoTime() + idleCheckIntervalNs;
        this.selectTimeoutMs = ctx.selectTimeoutMs();
        this.loginDeadlines = new DeadlineQueue(ctx.loginTimeoutNs());
        this.registrationDeadlines = new DeadlineQueue(ctx.registrationTimeoutNs());
        this.frameDeadlines = new DeadlineQueue(ctx.frameTimeoutNs());
        this.writeDeadlines = new DeadlineQueue(ctx.writeTimeoutNs());

        outboundByteBuffer = ByteBuffer.allocateDirect(ctx.outboundBufferLength());
        outboundRing = new ManyToOneRingBuffer(new UnsafeBuffer(outboundByteBuffer));
        outbound = new EdgeOutbound(outboundRing, maxFrameLength, this);
        newConnections = new OneToOneConcurrentArrayQueue<>(ctx.acceptQueueCapacity());
        decoder = new FrameDecoder(maxFrameLength);
        validator = new FrameValidator(maxFrameLength);
        smallInboundPool = new ChunkPool(ctx.readChunkLength(), ctx.maxPooledChunks());
        largeInboundPool = new ChunkPool(maxFrameLength, ctx.maxPooledChunks());
        outboundPool = new ChunkPool(ctx.writeChunkLength(), ctx.maxPooledChunks());
        staging = new OutboundStaging(maxFrameLength);
        readByteBuffer = ByteBuffer.allocateDirect(maxFrameLength);
        readBuffer = new UnsafeBuffer(readByteBuffer);
        controlByteBuffer = ByteBuffer.allocateDirect(EdgeContext.CONTROL_FRAME_CAPACITY);
        controlBuffer = new UnsafeBuffer(controlByteBuffer);

        final FrameRejection[] rejections = FrameRejection.values();
        rejectionDetails = new byte[rejections.length][];
        for (final FrameRejection rejection : rejections)
        {
            rejectionDetails[rejection.ordinal()] = rejection.name().getBytes(StandardCharsets.US_ASCII);
        }

        try
        {
            selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@inheritDoc} */
    public String roleName()
    {
        return "edge-poller-" + pollerIndex;
    }

    /** Index of this poller, encoded in the ids of its connections. */
    public int pollerIndex()
    {
        return pollerIndex;
    }

    /** The proxy other threads use to send frames to, or close, this poller's connections. */
    public EdgeOutbound outbound()
    {
        return outbound;
    }

    /**
     * Hand over a freshly accepted socket; called by the acceptor thread only.
     */
    boolean offer(final SocketChannel channel)
    {
        if (newConnections.offer(channel))
        {
            wakeIfSleeping();
            return true;
        }

        return false;
    }

    /**
     * Called by producers after publishing: wake the poller if it blocks in its selector. The fence orders the
     * publication before the read of {@code sleeping}, mirroring the poller's write of it before its last look.
     */
    void wakeIfSleeping()
    {
        if (0 != selectTimeoutMs)
        {
            VarHandle.fullFence();
            if (sleeping)
            {
                selector.wakeup();
            }
        }
    }

    /** Wake the poller out of a blocking select, e.g. so its runner can stop. */
    void wakeUp()
    {
        selector.wakeup();
    }

    /** {@inheritDoc} */
    public int doWork() throws IOException
    {
        nowNs = nanoClock.nanoTime();
        int workCount = deliverCloseNotices();
        workCount += pollNewConnections();
        workCount += retryStalled();
        workCount += retryCongestionNotices();
        workCount += outboundRing.read(outboundHandler, MAX_OUTBOUND_MESSAGES_PER_CYCLE);
        flushStaged();
        workCount += select(workCount);
        workCount += checkIdle();
        workCount += checkDeadlines();

        return workCount;
    }

    private int select(final int workSoFar) throws IOException
    {
        if (0 == selectTimeoutMs || workSoFar > 0 || stalledCount > 0 || null != pendingOpen ||
            !pendingCloseNotices.isEmpty())
        {
            return selector.selectNow(selectHandler);
        }

        sleeping = true;
        try
        {
            if (0 != outboundRing.size() || !newConnections.isEmpty())
            {
                return selector.selectNow(selectHandler);
            }
            final long wakeNs = Math.min(nextIdleCheckNs - nowNs, nextDeadlineNs() - nowNs);
            final long timeoutMs = Math.min(selectTimeoutMs, Math.max(1, wakeNs / 1_000_000));
            final int selected = selector.select(selectHandler, timeoutMs);
            nowNs = nanoClock.nanoTime();
            return selected;
        }
        finally
        {
            sleeping = false;
        }
    }

    /** {@inheritDoc} */
    public void onClose()
    {
        if (closed)
        {
            return;
        }
        closed = true;

        SocketChannel channel;
        while (null != (channel = newConnections.poll()))
        {
            CloseHelper.quietClose(channel);
            openConnections.decrementAndGet();
        }
        if (null != pendingOpen)
        {
            final Connection connection = pendingOpen;
            pendingOpen = null;
            connection.set(Connection.CLOSED);
            CloseHelper.quietClose(connection.channel);
            releaseSlot(ConnectionId.slot(connection.id));
            openConnections.decrementAndGet();
            connectionCount--;
        }
        for (int slot = 0; slot < slotHighWater; slot++)
        {
            final Connection connection = connections[slot];
            if (null != connection)
            {
                closeConnection(connection);
            }
        }
        // The ring consumer still runs while pollers stop, so a full ring drains: give it a moment.
        final long deadlineNs = System.nanoTime() + CLOSE_NOTICE_GRACE_NS;
        while (!pendingCloseNotices.isEmpty() && System.nanoTime() - deadlineNs < 0)
        {
            if (0 == deliverCloseNotices())
            {
                Thread.yield();
            }
        }
        CloseHelper.quietClose(selector);
    }

    private int deliverCloseNotices()
    {
        int delivered = 0;
        while (!pendingCloseNotices.isEmpty())
        {
            if (!sink.onConnectionClosed(pollerIndex, pendingCloseNotices.peekLong()))
            {
                sinkFull++;
                break;
            }
            pendingCloseNotices.pollLong();
            delivered++;
        }

        return delivered;
    }

    private int pollNewConnections()
    {
        int workCount = 0;
        if (null != pendingOpen)
        {
            if (!sink.onConnectionOpened(pollerIndex, pendingOpen.id, pendingOpenAddress))
            {
                sinkFull++;
                return 0;
            }
            final Connection connection = pendingOpen;
            pendingOpen = null;
            register(connection);
            workCount++;
        }

        for (int i = 0; i < MAX_NEW_CONNECTIONS_PER_CYCLE; i++)
        {
            final SocketChannel channel = newConnections.poll();
            if (null == channel)
            {
                break;
            }
            workCount++;

            final int slot = allocateSlot();
            if (slot < 0)
            {
                CloseHelper.quietClose(channel);
                openConnections.decrementAndGet();
                errors++;
                continue;
            }

            final long id = ConnectionId.connectionId(pollerIndex, slot, generations[slot]);
            final Connection connection = new Connection(id, channel, nowNs);
            connections[slot] = connection;
            connectionCount++;
            final long remoteAddress = remoteAddress(channel);
            if (!sink.onConnectionOpened(pollerIndex, id, remoteAddress))
            {
                // Hold this one and stop taking more: accept pressure follows the ring's.
                sinkFull++;
                pendingOpen = connection;
                pendingOpenAddress = remoteAddress;
                break;
            }
            register(connection);
        }

        return workCount;
    }

    private void register(final Connection connection)
    {
        connectionsOpened++;
        // The login deadline runs from when the connection is served, so one held back by a full ring is not cut short.
        connection.loginDeadline = new DeadlineQueue.Entry(connection);
        loginDeadlines.schedule(connection.loginDeadline, nowNs);
        try
        {
            connection.key = connection.channel.register(selector, SelectionKey.OP_READ, connection);
        }
        catch (final IOException | RuntimeException ex)
        {
            errors++;
            closeConnection(connection);
        }
    }

    private static long remoteAddress(final SocketChannel channel)
    {
        try
        {
            final SocketAddress address = channel.getRemoteAddress();
            if (address instanceof InetSocketAddress && null != ((InetSocketAddress)address).getAddress())
            {
                return RemoteAddressKey.of(((InetSocketAddress)address).getAddress());
            }
        }
        catch (final IOException ignore)
        {
            // A peer already gone is noticed on the first read.
        }

        return 0;
    }

    private int allocateSlot()
    {
        if (freeSlotCount > 0)
        {
            return freeSlots[--freeSlotCount];
        }
        if (slotHighWater >= maxConnections)
        {
            return -1;
        }
        if (slotHighWater == connections.length)
        {
            final int newLength = Math.min(maxConnections, connections.length * 2);
            connections = Arrays.copyOf(connections, newLength);
            generations = Arrays.copyOf(generations, newLength);
            freeSlots = Arrays.copyOf(freeSlots, newLength);
        }

        return slotHighWater++;
    }

    private void releaseSlot(final int slot)
    {
        connections[slot] = null;
        generations[slot]++;
        freeSlots[freeSlotCount++] = slot;
    }

    private Connection lookup(final long connectionId)
    {
        if (ConnectionId.pollerIndex(connectionId) != pollerIndex)
        {
            return null;
        }
        final int slot = ConnectionId.slot(connectionId);
        if (slot >= slotHighWater)
        {
            return null;
        }
        final Connection connection = connections[slot];

        return null != connection && connection.id == connectionId ? connection : null;
    }

    private void onSelected(final SelectionKey key)
    {
        final Connection connection = (Connection)key.attachment();
        try
        {
            if (!key.isValid())
            {
                return;
            }
            final int readyOps = key.readyOps();
            if ((readyOps & SelectionKey.OP_WRITE) != 0)
            {
                onWritable(connection);
            }
            if ((readyOps & SelectionKey.OP_READ) != 0 && !connection.is(Connection.CLOSED))
            {
                onReadable(connection);
            }
        }
        catch (final IOException ex)
        {
            closeConnection(connection);
        }
        catch (final RuntimeException ex)
        {
            // Whatever a peer did, the poller lives on; the connection does not.
            errors++;
            closeConnection(connection);
        }
    }

    private void onReadable(final Connection connection) throws IOException
    {
        // A peer whose output is backed up gets no reads either, so it cannot make us buffer answers (Pongs,
        // errors) without bound: back pressure reaches its TCP send buffer instead of our memory.
        if (connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CONGESTED))
        {
            removeInterest(connection, SelectionKey.OP_READ);
            return;
        }

        Chunk chunk = connection.inbound;
        if (null != chunk)
        {
            chunk = growForDeclaredFrame(connection, chunk);
            if (chunk.space() == 0)
            {
                errors++;
                closeConnection(connection);
                return;
            }
            final ByteBuffer byteBuffer = chunk.byteBuffer;
            byteBuffer.clear().position(chunk.writePosition);
            final int bytesRead = connection.channel.read(byteBuffer);
            if (bytesRead <= 0)
            {
                if (bytesRead < 0)
                {
                    closeConnection(connection);
                }
                return;
            }
            onReceived(connection, bytesRead);
            chunk.writePosition += bytesRead;
            drainInbound(connection);
            updateFrameDeadline(connection, framesCut > 0);
        }
        else
        {
            readByteBuffer.clear();
            final int bytesRead = connection.channel.read(readByteBuffer);
            if (bytesRead <= 0)
            {
                if (bytesRead < 0)
                {
                    closeConnection(connection);
                }
                return;
            }
            onReceived(connection, bytesRead);
            final int consumed = process(connection, readBuffer, 0, bytesRead);
            if (consumed < bytesRead && !connection.is(Connection.CLOSED))
            {
                // Keep the rest (a partial frame, or frames the sink refused) only as long as it exists.
                final int remaining = bytesRead - consumed;
                final Chunk kept = borrowInbound(Math.max(remaining, declaredLength(readBuffer, consumed, remaining)));
                kept.buffer.putBytes(0, readBuffer, consumed, remaining);
                kept.writePosition = remaining;
                connection.inbound = kept;
                if (connection.is(Connection.INBOUND_STALLED))
                {
                    addStalled(connection);
                }
                updateFrameDeadline(connection, framesCut > 0);
            }
        }
    }

    /**
     * A frame's first bytes start its deadline; a read that completes a frame and leaves part of the next restarts
     * it. Bytes held because the sink was full are the edge's doing, not the peer's: no deadline while stalled.
     *
     * @param restart a new partial frame, or reads resumed after a pause: the deadline runs from now.
     */
    private void updateFrameDeadline(final Connection connection, final boolean restart)
    {
        if (connection.is(Connection.CLOSED))
        {
            return;
        }
        if (null == connection.inbound ||
            connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CONGESTED))
        {
            if (null != connection.frameDeadline)
            {
                frameDeadlines.remove(connection.frameDeadline);
            }
            return;
        }
        DeadlineQueue.Entry entry = connection.frameDeadline;
        if (null == entry)
        {
            entry = new DeadlineQueue.Entry(connection);
            connection.frameDeadline = entry;
        }
        if (restart || !entry.isQueued())
        {
            frameDeadlines.schedule(entry, nowNs);
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
        final Chunk larger = borrowInbound(declared);
        larger.buffer.putBytes(0, chunk.buffer, chunk.readPosition, pending);
        larger.writePosition = pending;
        releaseInbound(chunk);
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

    private Chunk borrowInbound(final int length)
    {
        return length <= smallInboundPool.chunkLength() ? smallInboundPool.borrow() : largeInboundPool.borrow();
    }

    private void releaseInbound(final Chunk chunk)
    {
        if (chunk.capacity() == smallInboundPool.chunkLength())
        {
            smallInboundPool.release(chunk);
        }
        else
        {
            largeInboundPool.release(chunk);
        }
    }

    private void onReceived(final Connection connection, final int bytesRead)
    {
        bytesIn += bytesRead;
        connection.lastReceiveNs = nowNs;
        connection.clear(Connection.PING_SENT);
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
            releaseInbound(chunk);
        }
        else if (connection.is(Connection.INBOUND_STALLED))
        {
            if (!isStalledListed(connection))
            {
                addStalled(connection);
            }
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
        final int result = decoder.decode(buffer, offset, length, frameHandler);
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
            corruptStreams++;
            final FrameRejection rejection =
                FrameDecoder.corruptionOf(Sofh.frameLength(buffer, progress), maxFrameLength);
            sendError(connection, 0, 0, rejection.errorCode(), rejection);
            closeAfterFlush(connection);
            return length;
        }

        return result;
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length)
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
            framesRejected++;
            progress = offset + length;
            sendError(connection, validator.requestId(), validator.templateId(), rejection.errorCode(), rejection);
            if (++connection.rejects >= maxRejects && !connection.is(Connection.CLOSED))
            {
                rejectDisconnects++;
                closeAfterFlush(connection);
            }
            halted = connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH);
            return;
        }

        final int templateId = validator.templateId();
        if (PingDecoder.TEMPLATE_ID == templateId)
        {
            pingsIn++;
            progress = offset + length;
            pingDecoder.wrap(buffer, offset + MESSAGE_OFFSET, PingDecoder.BLOCK_LENGTH, PingDecoder.SCHEMA_VERSION);
            sendPong(connection, pingDecoder.timestampNs());
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
            sinkFull++;
            connection.set(Connection.INBOUND_STALLED);
            removeInterest(connection, SelectionKey.OP_READ);
            halted = true;
            return;
        }
        framesIn++;
        progress = offset + length;
    }

    private int retryStalled()
    {
        int workCount = 0;
        for (int i = stalledCount - 1; i >= 0; i--)
        {
            final Connection connection = stalled[i];
            connection.clear(Connection.INBOUND_STALLED);
            drainInbound(connection);
            if (connection.is(Connection.CLOSED) || connection.is(Connection.INBOUND_STALLED))
            {
                continue;
            }
            removeStalled(connection);
            workCount++;
            if (!connection.is(Connection.CLOSE_AFTER_FLUSH))
            {
                addInterest(connection, SelectionKey.OP_READ);
            }
            // what stays is a partial frame the peer could not finish while reads were paused
            updateFrameDeadline(connection, true);
        }

        return workCount;
    }

    private void addStalled(final Connection connection)
    {
        if (stalledCount == stalled.length)
        {
            stalled = Arrays.copyOf(stalled, stalled.length * 2);
        }
        stalled[stalledCount++] = connection;
    }

    private boolean isStalledListed(final Connection connection)
    {
        for (int i = 0; i < stalledCount; i++)
        {
            if (stalled[i] == connection)
            {
                return true;
            }
        }

        return false;
    }

    private void removeStalled(final Connection connection)
    {
        for (int i = 0; i < stalledCount; i++)
        {
            if (stalled[i] == connection)
            {
                stalled[i] = stalled[--stalledCount];
                stalled[stalledCount] = null;
                return;
            }
        }
    }

    private void onOutbound(final int msgTypeId, final DirectBuffer buffer, final int index, final int length)
    {
        final long connectionId = buffer.getLong(index);
        final Connection connection = lookup(connectionId);
        if (null == connection || null == connection.key || connection.is(Connection.CLOSE_AFTER_FLUSH))
        {
            outboundDropped++;
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
                    onPreLoginAnswer(connection, buffer, frameOffset, frameLength);
                }
                if (null != connection.outboundHead)
                {
                    write(connection, buffer, outboundByteBuffer, frameOffset, frameLength);
                }
                else
                {
                    stage(connection, buffer, frameOffset, frameLength);
                }
            }
            else if (EdgeOutbound.CLOSE_MSG_TYPE_ID == msgTypeId)
            {
                closeAfterFlush(connection);
            }
        }
        catch (final RuntimeException ex)
        {
            errors++;
            closeConnection(connection);
        }
    }

    /**
     * The edge learns of logins from what the server answers: a LoginAck ends the login deadline; the first RegisterAck
     * opens the registration window (a person has to read the texted code); a VerifyAck gives a fresh login timeout to
     * log in with the new device.
     */
    private void onPreLoginAnswer(
        final Connection connection, final DirectBuffer buffer, final int frameOffset, final int frameLength)
    {
        if (frameLength < TEMPLATE_ID_OFFSET + Short.BYTES)
        {
            return;
        }
        final int templateId = buffer.getShort(frameOffset + TEMPLATE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final DeadlineQueue.Entry entry = connection.loginDeadline;
        switch (templateId)
        {
            case LoginAckDecoder.TEMPLATE_ID:
                connection.set(Connection.LOGGED_IN);
                removeDeadline(entry);
                connection.loginDeadline = null;
                break;

            case RegisterAckDecoder.TEMPLATE_ID:
                if (!connection.is(Connection.REGISTRATION_WINDOW_USED) && null != entry)
                {
                    connection.set(Connection.REGISTRATION_WINDOW_USED);
                    registrationDeadlines.schedule(entry, nowNs);
                }
                break;

            case VerifyAckDecoder.TEMPLATE_ID:
                if (null != entry)
                {
                    loginDeadlines.schedule(entry, nowNs);
                }
                break;

            default:
                break;
        }
    }

    private void stage(final Connection connection, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!staging.hasRoomFor(length))
        {
            flushStaged();
        }
        staging.stage(connection, buffer, offset, length);
        framesOut++;
    }

    /**
     * One write per connection for everything this cycle took off the outbound ring for it; what the socket does not
     * take waits in chunks behind OP_WRITE, as for any write.
     */
    private void flushStaged()
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
            writeBytes(connection, staging.gathered(), staging.gatheredByteBuffer(), staging.gatheredOffset(), length);
            if (null == connection.outboundHead && connection.is(Connection.CLOSE_AFTER_FLUSH))
            {
                closeConnection(connection);
            }
        }
        staging.clear();
    }

    private int checkIdle()
    {
        if (nowNs - nextIdleCheckNs < 0)
        {
            return 0;
        }
        nextIdleCheckNs = nowNs + idleCheckIntervalNs;

        int workCount = 0;
        for (int slot = 0; slot < slotHighWater; slot++)
        {
            final Connection connection = connections[slot];
            if (null == connection || null == connection.key)
            {
                continue;
            }
            if (connection.is(Connection.INBOUND_STALLED | Connection.CONGESTED))
            {
                // The edge stopped reading (ring full, or the client's output backed up; the write deadline watches
                // that one), not the client: silence is ours.
                connection.lastReceiveNs = nowNs;
                continue;
            }
            final long silentNs = nowNs - connection.lastReceiveNs;
            if (silentNs >= deadTimeoutNs)
            {
                idleCloses++;
                closeConnection(connection);
                workCount++;
            }
            else if (silentNs >= idleTimeoutNs && !connection.is(Connection.PING_SENT))
            {
                connection.set(Connection.PING_SENT);
                pingsOut++;
                sendPing(connection);
                workCount++;
            }
        }

        return workCount;
    }

    private int checkDeadlines()
    {
        int expired = 0;
        DeadlineQueue.Entry entry;
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = loginDeadlines.pollExpired(nowNs)))
        {
            expired++;
            onLoginTimeout(entry.connection);
        }
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = registrationDeadlines.pollExpired(nowNs)))
        {
            expired++;
            onLoginTimeout(entry.connection);
        }
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = frameDeadlines.pollExpired(nowNs)))
        {
            expired++;
            final Connection connection = entry.connection;
            if (!connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH))
            {
                frameTimeouts++;
                sendError(connection, ErrorCode.MALFORMED_FRAME, FRAME_TIMEOUT_DETAIL);
                closeAfterFlush(connection);
            }
        }
        while (expired < MAX_EXPIRIES_PER_CYCLE && null != (entry = writeDeadlines.pollExpired(nowNs)))
        {
            expired++;
            // The peer reads nothing: an Error would only join the output it ignores.
            writeTimeouts++;
            closeConnection(entry.connection);
        }

        return expired;
    }

    private void onLoginTimeout(final Connection connection)
    {
        if (!connection.is(Connection.CLOSED | Connection.CLOSE_AFTER_FLUSH | Connection.LOGGED_IN))
        {
            loginTimeouts++;
            sendError(connection, ErrorCode.NOT_AUTHENTICATED, LOGIN_TIMEOUT_DETAIL);
            closeAfterFlush(connection);
        }
    }

    /** The earliest deadline of any queue's head, far in the future when none is set. */
    private long nextDeadlineNs()
    {
        long deadlineNs = nowNs + Long.MAX_VALUE / 2;
        deadlineNs = loginDeadlines.earliest(deadlineNs, nowNs);
        deadlineNs = registrationDeadlines.earliest(deadlineNs, nowNs);
        deadlineNs = frameDeadlines.earliest(deadlineNs, nowNs);

        return writeDeadlines.earliest(deadlineNs, nowNs);
    }

    private void sendPing(final Connection connection)
    {
        pingEncoder.wrapAndApplyHeader(controlBuffer, Sofh.HEADER_LENGTH, headerEncoder).timestampNs(nowNs);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + pingEncoder.encodedLength();
        Sofh.write(controlBuffer, 0, messageLength);
        write(connection, controlBuffer, controlByteBuffer, 0, Sofh.HEADER_LENGTH + messageLength);
    }

    private void sendPong(final Connection connection, final long timestampNs)
    {
        pongEncoder.wrapAndApplyHeader(controlBuffer, Sofh.HEADER_LENGTH, headerEncoder).timestampNs(timestampNs);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + pongEncoder.encodedLength();
        Sofh.write(controlBuffer, 0, messageLength);
        write(connection, controlBuffer, controlByteBuffer, 0, Sofh.HEADER_LENGTH + messageLength);
    }

    private void sendError(
        final Connection connection,
        final long requestId,
        final int templateId,
        final ErrorCode code,
        final FrameRejection rejection)
    {
        sendError(connection, requestId, templateId, code, rejectionDetails[rejection.ordinal()]);
    }

    private void sendError(final Connection connection, final ErrorCode code, final byte[] detail)
    {
        sendError(connection, 0, 0, code, detail);
    }

    private void sendError(
        final Connection connection,
        final long requestId,
        final int templateId,
        final ErrorCode code,
        final byte[] detail)
    {
        errorEncoder.wrapAndApplyHeader(controlBuffer, Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(requestId)
            .templateId(templateId & 0xFFFF)
            .code(null == code ? ErrorCode.MALFORMED_FRAME : code)
            .putDetail(detail, 0, detail.length);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength();
        Sofh.write(controlBuffer, 0, messageLength);
        write(connection, controlBuffer, controlByteBuffer, 0, Sofh.HEADER_LENGTH + messageLength);
    }

    /**
     * Write straight to the socket; what the socket does not take waits in pooled chunks behind OP_WRITE.
     */
    private void write(
        final Connection connection,
        final DirectBuffer buffer,
        final ByteBuffer byteBuffer,
        final int offset,
        final int length)
    {
        if (connection.is(Connection.CLOSED) || null == connection.key)
        {
            outboundDropped++;
            return;
        }
        framesOut++;
        writeBytes(connection, buffer, byteBuffer, offset, length);
    }

    private void writeBytes(
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
                socketWrites++;
                bytesOut += written;
                position += written;
                remaining -= written;
            }
            catch (final IOException ex)
            {
                closeConnection(connection);
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
            slowConsumerCloses++;
            closeConnection(connection);
            return;
        }

        Chunk tail = connection.outboundTail;
        if (null == tail)
        {
            tail = outboundPool.borrow();
            connection.outboundHead = tail;
            connection.outboundTail = tail;
            addInterest(connection, SelectionKey.OP_WRITE);
            if (null == connection.writeDeadline)
            {
                connection.writeDeadline = new DeadlineQueue.Entry(connection);
            }
            writeDeadlines.schedule(connection.writeDeadline, nowNs);
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
            congestions++;
            changeCongestion(connection, true);
        }
    }

    private void onWritable(final Connection connection) throws IOException
    {
        Chunk head;
        while (null != (head = connection.outboundHead))
        {
            final ByteBuffer byteBuffer = head.byteBuffer;
            byteBuffer.clear().limit(head.writePosition).position(head.readPosition);
            final int written = connection.channel.write(byteBuffer);
            socketWrites++;
            bytesOut += written;
            head.readPosition += written;
            connection.pendingWriteBytes -= written;
            if (written > 0)
            {
                // Progress: the peer reads, however slowly; only a socket that takes nothing runs out the deadline.
                writeDeadlines.schedule(connection.writeDeadline, nowNs);
            }
            if (head.pending() > 0)
            {
                if (connection.is(Connection.CONGESTED) && connection.pendingWriteBytes <= writeHighWaterBytes / 2)
                {
                    changeCongestion(connection, false);
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

        removeInterest(connection, SelectionKey.OP_WRITE);
        writeDeadlines.remove(connection.writeDeadline);
        if (connection.is(Connection.CLOSE_AFTER_FLUSH))
        {
            closeConnection(connection);
        }
        else if (connection.is(Connection.CONGESTED))
        {
            changeCongestion(connection, false);
        }
    }

    private void changeCongestion(final Connection connection, final boolean congested)
    {
        if (congested)
        {
            connection.set(Connection.CONGESTED);
            updateFrameDeadline(connection, false); // reads pause: a partial frame is not the peer's delay now
        }
        else
        {
            connection.clear(Connection.CONGESTED);
            if (!connection.is(Connection.INBOUND_STALLED | Connection.CLOSE_AFTER_FLUSH | Connection.CLOSED))
            {
                addInterest(connection, SelectionKey.OP_READ);
                updateFrameDeadline(connection, true); // a partial frame left when reads paused: a fresh timeout
            }
        }
        if (connection.is(Connection.CONGESTION_NOTICE_PENDING))
        {
            return;
        }
        if (!sink.onOutputCongestion(pollerIndex, connection.id, congested))
        {
            sinkFull++;
            connection.set(Connection.CONGESTION_NOTICE_PENDING);
            if (congestionNoticeCount == congestionNotices.length)
            {
                congestionNotices = Arrays.copyOf(congestionNotices, congestionNoticeCount * 2);
            }
            congestionNotices[congestionNoticeCount++] = connection;
        }
    }

    private int retryCongestionNotices()
    {
        int workCount = 0;
        for (int i = congestionNoticeCount - 1; i >= 0; i--)
        {
            final Connection connection = congestionNotices[i];
            if (!connection.is(Connection.CLOSED) &&
                !sink.onOutputCongestion(pollerIndex, connection.id, connection.is(Connection.CONGESTED)))
            {
                sinkFull++;
                continue;
            }
            connection.clear(Connection.CONGESTION_NOTICE_PENDING);
            congestionNotices[i] = congestionNotices[--congestionNoticeCount];
            congestionNotices[congestionNoticeCount] = null;
            workCount++;
        }

        return workCount;
    }

    private void closeAfterFlush(final Connection connection)
    {
        if (connection.is(Connection.CLOSED))
        {
            return;
        }
        connection.set(Connection.CLOSE_AFTER_FLUSH);
        if (null == connection.outboundHead && OutboundStaging.NONE == connection.stagedEntry)
        {
            closeConnection(connection);
        }
        else
        {
            removeInterest(connection, SelectionKey.OP_READ);
        }
    }

    private void closeConnection(final Connection connection)
    {
        if (connection.is(Connection.CLOSED))
        {
            return;
        }
        connection.set(Connection.CLOSED);

        if (null != connection.key)
        {
            connection.key.cancel();
        }
        CloseHelper.quietClose(connection.channel);
        if (null != connection.inbound)
        {
            releaseInbound(connection.inbound);
            connection.inbound = null;
        }
        Chunk chunk = connection.outboundHead;
        while (null != chunk)
        {
            final Chunk next = chunk.next;
            outboundPool.release(chunk);
            chunk = next;
        }
        connection.outboundHead = null;
        connection.outboundTail = null;
        connection.pendingWriteBytes = 0;
        removeDeadline(connection.loginDeadline);
        removeDeadline(connection.frameDeadline);
        removeDeadline(connection.writeDeadline);
        if (connection.is(Connection.INBOUND_STALLED) || isStalledListed(connection))
        {
            removeStalled(connection);
        }

        releaseSlot(ConnectionId.slot(connection.id));
        connectionCount--;
        connectionsClosed++;
        openConnections.decrementAndGet();

        // Keep close notices in order behind any the sink refused earlier.
        if (!pendingCloseNotices.isEmpty() || !sink.onConnectionClosed(pollerIndex, connection.id))
        {
            pendingCloseNotices.offerLong(connection.id);
        }
    }

    private static void removeDeadline(final DeadlineQueue.Entry entry)
    {
        if (null != entry && null != entry.queue)
        {
            entry.queue.remove(entry);
        }
    }

    private static void addInterest(final Connection connection, final int op)
    {
        final SelectionKey key = connection.key;
        if (null != key && key.isValid())
        {
            key.interestOps(key.interestOps() | op);
        }
    }

    private static void removeInterest(final Connection connection, final int op)
    {
        final SelectionKey key = connection.key;
        if (null != key && key.isValid())
        {
            key.interestOps(key.interestOps() & ~op);
        }
    }

    /** Connections this poller holds now. */
    public int connectionCount()
    {
        return connectionCount;
    }

    /** Connections handed to the sink as opened. */
    public long connectionsOpened()
    {
        return connectionsOpened;
    }

    /** Connections closed for any reason. */
    public long connectionsClosed()
    {
        return connectionsClosed;
    }

    /** Validated frames handed to the sink. */
    public long framesIn()
    {
        return framesIn;
    }

    /** Frames written or queued to sockets, Pings, Pongs and Errors included. */
    public long framesOut()
    {
        return framesOut;
    }

    /** Frames refused by validation and answered with an Error. */
    public long framesRejected()
    {
        return framesRejected;
    }

    /** Streams that declared an impossible frame length and were closed. */
    public long corruptStreams()
    {
        return corruptStreams;
    }

    /** Connections closed for sending too many rejected frames. */
    public long rejectDisconnects()
    {
        return rejectDisconnects;
    }

    /** Bytes read from sockets. */
    public long bytesIn()
    {
        return bytesIn;
    }

    /** Write calls on sockets: fewer than {@link #framesOut()} when frames for a connection are coalesced. */
    public long socketWrites()
    {
        return socketWrites;
    }

    /** Bytes written to sockets. */
    public long bytesOut()
    {
        return bytesOut;
    }

    /** Times the sink refused an event, to be offered again. */
    public long sinkFull()
    {
        return sinkFull;
    }

    /** Connections closed because their unwritten output passed the bound. */
    public long slowConsumerCloses()
    {
        return slowConsumerCloses;
    }

    /** Connections closed after staying silent past the dead timeout. */
    public long idleCloses()
    {
        return idleCloses;
    }

    /** Pings from clients, answered with a Pong. */
    public long pingsIn()
    {
        return pingsIn;
    }

    /** Pings sent to silent connections. */
    public long pingsOut()
    {
        return pingsOut;
    }

    /** Times a connection's unwritten output reached the high-water mark. */
    public long congestions()
    {
        return congestions;
    }

    /** Outbound frames or closes for a connection that no longer exists. */
    public long outboundDropped()
    {
        return outboundDropped;
    }

    /** Connections told NOT_AUTHENTICATED and closed for not logging in within the login or registration timeout. */
    public long loginTimeouts()
    {
        return loginTimeouts;
    }

    /** Connections told MALFORMED_FRAME and closed for leaving a frame partial past the frame timeout. */
    public long frameTimeouts()
    {
        return frameTimeouts;
    }

    /** Connections closed because their socket took none of the waiting output within the write timeout. */
    public long writeTimeouts()
    {
        return writeTimeouts;
    }

    /** Connections waiting to log in (login or registration deadline running). */
    public int awaitingLogin()
    {
        return loginDeadlines.size() + registrationDeadlines.size();
    }

    /** Unexpected failures contained to one connection. */
    public long errors()
    {
        return errors;
    }

    /** Close notices the sink has not yet taken. */
    public int pendingCloseNotices()
    {
        return pendingCloseNotices.size();
    }

    /** Pooled buffers lent to connections now, inbound and outbound. */
    public int borrowedChunks()
    {
        return smallInboundPool.borrowed() + largeInboundPool.borrowed() + outboundPool.borrowed();
    }
}
