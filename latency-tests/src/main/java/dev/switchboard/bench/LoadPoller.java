package dev.switchboard.bench;

import dev.switchboard.client.ClientConfiguration;
import dev.switchboard.codec.SignedLogin;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallAnswerEncoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallHangupDecoder;
import dev.switchboard.codec.sbe.CallHangupEncoder;
import dev.switchboard.codec.sbe.CallIncomingDecoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallOfferEncoder;
import dev.switchboard.codec.sbe.CallRingingDecoder;
import dev.switchboard.codec.sbe.DeliverAckEncoder;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.LoginProofEncoder;
import dev.switchboard.codec.sbe.LoginSignedDecoder;
import dev.switchboard.codec.sbe.LoginSignedEncoder;
import dev.switchboard.codec.sbe.LoginStartEncoder;
import dev.switchboard.codec.sbe.MissedCallDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.RegisterAckDecoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import dev.switchboard.edge.NativeConnect;
import org.agrona.CloseHelper;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A selector loop driving thousands of load connections on one thread: connects them (bound to several loopback
 * source addresses when one runs out of ports), registers and logs them in, acknowledges every delivery at once and
 * every receipt with the connection's next frame (as the SDK does), answers pings and hands deliveries and sent acks
 * to the scenario's {@link LoadListener}. The steady path (send, read, acknowledge) allocates nothing. With a
 * {@link LoadWire} the same loop speaks a peer's protocol (NATS, MQTT) instead of Switchboard frames, so every bench
 * target is driven by one engine.
 */
final class LoadPoller implements AutoCloseable
{
    private static final int HEADER = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int MAX_FRAME_LENGTH = 1024 * 1024;
    private static final int MAX_HELD_RECEIPT_ACKS = ClientConfiguration.RECEIPT_ACKS_HELD_MAX;
    private static final InetAddress DEFAULT_SOURCE = InetAddress.getLoopbackAddress();

    private final Selector selector;
    private final InetSocketAddress server;
    private final List<InetAddress> sources;
    private final DeviceBook book;
    private final CodeBook codes;
    private LoadListener listener;
    private final LoadWire wire;
    private final int maxHandshakesInFlight;
    private final ArrayDeque<LoadConnection> connectQueue = new ArrayDeque<>();
    private final ArrayDeque<LoadConnection> awaitingCode = new ArrayDeque<>();
    // Connections holding receipt acks, in the order they began to, each with the time it began (a connection that
    // sent its acks and began again meanwhile has a newer entry behind: the older one is dropped when reached).
    private final ArrayDeque<LoadConnection> holdingAcks = new ArrayDeque<>();
    private final LongArrayQueue holdingSinceNs = new LongArrayQueue(Long.MIN_VALUE);
    // As the SDK does: a receipt's ack waits for the connection's next frame, at most this long and 16 at a time.
    private long receiptAckDelayNs = ClientConfiguration.receiptAckDelayNs();
    private final Consumer<SelectionKey> keyHandler = this::onKey;
    private final DeviceSigner signer;
    /** Null where connections are opened the JDK's way. */
    private final NativeConnect nativeConnect = ClientConnects.nativeConnectOrNull();
    private boolean signedLogins;
    private final byte[] proof = new byte[DeviceSigner.SIGNATURE_LENGTH];
    private final byte[] nonce = new byte[256];

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SendEncoder sendEncoder = new SendEncoder();
    private final DeliverAckEncoder deliverAckEncoder = new DeliverAckEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final RegisterEncoder registerEncoder = new RegisterEncoder();
    private final VerifyEncoder verifyEncoder = new VerifyEncoder();
    private final LoginStartEncoder loginStartEncoder = new LoginStartEncoder();
    private final LoginProofEncoder loginProofEncoder = new LoginProofEncoder();
    private final LoginSignedEncoder loginSignedEncoder = new LoginSignedEncoder();
    private final SignedLogin signedLogin = new SignedLogin();
    private final CallOfferEncoder callOfferEncoder = new CallOfferEncoder();
    private final CallAnswerEncoder callAnswerEncoder = new CallAnswerEncoder();
    private final CallHangupEncoder callHangupEncoder = new CallHangupEncoder();
    private final DeliverDecoder deliverDecoder = new DeliverDecoder();
    private final SentAckDecoder sentAckDecoder = new SentAckDecoder();
    private final ReceiptDecoder receiptDecoder = new ReceiptDecoder();
    private final VerifyAckDecoder verifyAckDecoder = new VerifyAckDecoder();
    private final LoginChallengeDecoder loginChallengeDecoder = new LoginChallengeDecoder();
    private final LoginAckDecoder loginAckDecoder = new LoginAckDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();

    private int sourceCursor;
    private int handshakesInFlight;
    private long nowNs;
    private final LoadCounters counters = new LoadCounters();

    LoadPoller(
        final InetSocketAddress server,
        final List<InetAddress> sources,
        final DeviceBook book,
        final CodeBook codes,
        final LoadListener listener,
        final int maxHandshakesInFlight)
    {
        this(server, sources, book, codes, null, listener, maxHandshakesInFlight);
    }

    /**
     * @param wire the peer protocol to speak, or null for Switchboard frames (then {@code book} signs the logins).
     */
    LoadPoller(
        final InetSocketAddress server,
        final List<InetAddress> sources,
        final DeviceBook book,
        final CodeBook codes,
        final LoadWire wire,
        final LoadListener listener,
        final int maxHandshakesInFlight)
    {
        this.server = server;
        this.sources = sources;
        this.book = book;
        this.codes = codes;
        this.wire = wire;
        this.listener = listener;
        this.maxHandshakesInFlight = maxHandshakesInFlight;
        try
        {
            selector = Selector.open();
            signer = null == wire ? new DeviceSigner(book.privateKey(), book.rawPublicKey()) : null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** How long a receipt's ack may wait for the connection's next frame; 0 sends each at once. */
    LoadPoller receiptAckDelayNs(final long delayNs)
    {
        receiptAckDelayNs = delayNs;
        return this;
    }

    /**
     * Log devices that have had a LoginAck in by LoginSigned, one round trip, rather than by the challenge.
     */
    LoadPoller signedLogins(final boolean signedLogins)
    {
        this.signedLogins = signedLogins;
        return this;
    }

    void listener(final LoadListener listener)
    {
        this.listener = listener;
    }

    LoadCounters counters()
    {
        return counters;
    }

    int handshakesInFlight()
    {
        return handshakesInFlight + connectQueue.size();
    }

    /**
     * Queue a connection to connect and then register (when its device is new) or log in.
     */
    void start(final LoadConnection connection, final boolean login)
    {
        connection.loginAfterConnect = login;
        connection.state = LoadConnection.State.IDLE;
        connectQueue.add(connection);
    }

    /**
     * One duty cycle: start queued connects, read and write ready sockets, match arrived codes.
     */
    int poll(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = startConnects();
        try
        {
            work += selector.selectNow(keyHandler);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if (!awaitingCode.isEmpty())
        {
            work += verifyArrivedCodes();
        }
        if (!holdingAcks.isEmpty())
        {
            work += flushHeldAcks(nowNs);
        }
        return work;
    }

    /** Send the receipt acknowledgements that have waited the delay for a frame to ride with. */
    private int flushHeldAcks(final long nowNs)
    {
        int flushed = 0;
        LoadConnection connection;
        while (null != (connection = holdingAcks.peekFirst()))
        {
            final long sinceNs = holdingSinceNs.peekLong();
            if (connection.heldAckBytes > 0 && connection.heldSinceNs == sinceNs)
            {
                if (nowNs - sinceNs < receiptAckDelayNs)
                {
                    break;
                }
                flush(connection);
                flushed++;
            }
            holdingAcks.pollFirst();
            holdingSinceNs.pollLong();
        }
        return flushed;
    }

    /**
     * Send one message from one load connection to another's user (its device, subject or topic), carrying
     * {@code stampNs} in its first 8 payload bytes; false when the connection cannot take it (not ready, its output
     * backed up, or for MQTT QoS 1 too many publishes unacknowledged).
     */
    boolean send(
        final LoadConnection from,
        final LoadConnection to,
        final long clientMsgId,
        final long stampNs,
        final int payloadLength)
    {
        if (null == wire)
        {
            return send(from, to.device, clientMsgId, stampNs, payloadLength);
        }
        if (from.state != LoadConnection.State.READY)
        {
            return false;
        }
        if (from.out.position() > 64 * 1024 || !wire.encodePublish(from, to, stampNs, payloadLength))
        {
            counters.sendsRefused++;
            return false;
        }
        from.sends++;
        counters.sends++;
        return flush(from);
    }

    /**
     * Send one Switchboard message of {@code payloadLength} bytes carrying {@code stampNs} in its first 8 bytes;
     * false when the connection cannot take it (not ready or its output is backed up).
     */
    boolean send(
        final LoadConnection from,
        final Device to,
        final long clientMsgId,
        final long stampNs,
        final int payloadLength)
    {
        if (from.state != LoadConnection.State.READY)
        {
            return false;
        }
        final int frameLength = HEADER + SendEncoder.BLOCK_LENGTH + 2 + payloadLength;
        if (!from.ensureOutRoom(frameLength) || from.out.position() > 64 * 1024)
        {
            counters.sendsRefused++;
            return false;
        }
        final int offset = from.out.position();
        sendEncoder.wrapAndApplyHeader(from.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
            .clientMsgId(clientMsgId);
        sendEncoder.to().userId(to.userId).deviceId(to.deviceId);
        final int payloadOffset = sendEncoder.limit() + 2;
        from.outView.putShort(sendEncoder.limit(), (short)payloadLength, LITTLE_ENDIAN);
        from.outView.setMemory(payloadOffset, payloadLength, (byte)0);
        if (payloadLength >= 8)
        {
            from.outView.putLong(payloadOffset, stampNs, LITTLE_ENDIAN);
        }
        sendEncoder.limit(payloadOffset + payloadLength);
        commit(from, offset, sendEncoder.encodedLength());
        from.sends++;
        counters.sends++;
        return flush(from);
    }

    /**
     * Ring a device's user with an offer of {@code sdpLength} opaque bytes; false when the connection cannot take it.
     */
    boolean callOffer(final LoadConnection from, final long callId, final Device to, final int sdpLength)
    {
        final int frameLength = HEADER + CallOfferEncoder.BLOCK_LENGTH + CallOfferEncoder.sdpHeaderLength() + sdpLength;
        if (!canTake(from, frameLength))
        {
            return false;
        }
        final int offset = from.out.position();
        callOfferEncoder.wrapAndApplyHeader(from.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
            .callId(callId)
            .toUserId(to.userId)
            .media(CallMedia.AUDIO);
        putOpaque(from, callOfferEncoder.limit(), sdpLength);
        callOfferEncoder.limit(callOfferEncoder.limit() + CallOfferEncoder.sdpHeaderLength() + sdpLength);
        commit(from, offset, callOfferEncoder.encodedLength());
        return flush(from);
    }

    /**
     * Answer a ringing call with {@code sdpLength} opaque bytes; false when the connection cannot take it.
     */
    boolean callAnswer(final LoadConnection from, final long callId, final int sdpLength)
    {
        final int frameLength =
            HEADER + CallAnswerEncoder.BLOCK_LENGTH + CallAnswerEncoder.sdpHeaderLength() + sdpLength;
        if (!canTake(from, frameLength))
        {
            return false;
        }
        final int offset = from.out.position();
        callAnswerEncoder.wrapAndApplyHeader(from.outView, offset + Sofh.HEADER_LENGTH, headerEncoder).callId(callId);
        putOpaque(from, callAnswerEncoder.limit(), sdpLength);
        callAnswerEncoder.limit(callAnswerEncoder.limit() + CallAnswerEncoder.sdpHeaderLength() + sdpLength);
        commit(from, offset, callAnswerEncoder.encodedLength());
        return flush(from);
    }

    /**
     * End (or decline) a call; false when the connection cannot take it.
     */
    boolean callHangup(final LoadConnection from, final long callId, final CallEndReason reason)
    {
        if (!canTake(from, HEADER + CallHangupEncoder.BLOCK_LENGTH))
        {
            return false;
        }
        final int offset = from.out.position();
        callHangupEncoder.wrapAndApplyHeader(from.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
            .callId(callId)
            .reason(reason);
        commit(from, offset, callHangupEncoder.encodedLength());
        return flush(from);
    }

    private boolean canTake(final LoadConnection from, final int frameLength)
    {
        if (from.state != LoadConnection.State.READY)
        {
            return false;
        }
        if (!from.ensureOutRoom(frameLength) || from.out.position() > 64 * 1024)
        {
            counters.sendsRefused++;
            return false;
        }
        return true;
    }

    /** A uint16 length and that many zero bytes: the blob is opaque to the server, its size is what costs. */
    private static void putOpaque(final LoadConnection from, final int lengthOffset, final int length)
    {
        from.outView.putShort(lengthOffset, (short)length, LITTLE_ENDIAN);
        from.outView.setMemory(lengthOffset + 2, length, (byte)0);
    }

    public void close()
    {
        for (final SelectionKey key : selector.keys())
        {
            final LoadConnection connection = (LoadConnection)key.attachment();
            if (null != connection)
            {
                if (connection.heldAckBytes > 0)
                {
                    flush(connection); // so that the server can let go of those receipts now
                }
                closeConnection(connection, LoadConnection.State.CLOSED);
            }
        }
        CloseHelper.quietClose(selector);
    }

    void closeConnection(final LoadConnection connection, final LoadConnection.State state)
    {
        if (isHandshaking(connection.state))
        {
            handshakesInFlight--;
        }
        connection.state = state;
        if (null != connection.key)
        {
            connection.key.cancel();
            connection.key = null;
        }
        CloseHelper.quietClose(connection.channel);
        connection.channel = null;
        connection.heldAckBytes = 0; // the server sends the receipts again to the next login
    }

    private static boolean isHandshaking(final LoadConnection.State state)
    {
        return state == LoadConnection.State.CONNECTING || state == LoadConnection.State.REGISTERING ||
            state == LoadConnection.State.AWAITING_CODE || state == LoadConnection.State.VERIFYING ||
            state == LoadConnection.State.LOGGING_IN;
    }

    private int startConnects()
    {
        int started = 0;
        while (handshakesInFlight < maxHandshakesInFlight && !connectQueue.isEmpty())
        {
            final LoadConnection connection = connectQueue.poll();
            connection.in.clear();
            connection.out.clear();
            try
            {
                final InetAddress source = sources.get(sourceCursor++ % sources.size());
                // An explicit bind takes an ephemeral port of that address: the way past one address's ports.
                final InetAddress bindTo = source.equals(DEFAULT_SOURCE) ? null : source;
                connection.startNs = nowNs;
                connection.state = LoadConnection.State.CONNECTING;
                handshakesInFlight++;
                final boolean connected;
                if (null != nativeConnect)
                {
                    // Taken as connected: the first frame goes at once, or waits in the output until it can.
                    connection.channel = nativeConnect.connect(server, bindTo);
                    connected = true;
                }
                else
                {
                    final SocketChannel channel = SocketChannel.open();
                    connection.channel = channel;
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    if (null != bindTo)
                    {
                        channel.bind(new InetSocketAddress(bindTo, 0));
                    }
                    connected = channel.connect(server);
                }
                if (connected)
                {
                    connection.key = connection.channel.register(selector, SelectionKey.OP_READ, connection);
                    onConnected(connection);
                }
                else
                {
                    connection.key = connection.channel.register(selector, SelectionKey.OP_CONNECT, connection);
                }
                started++;
            }
            catch (final IOException ex)
            {
                counters.connectFailures++;
                closeConnection(connection, LoadConnection.State.FAILED);
            }
        }
        return started;
    }

    private void onKey(final SelectionKey key)
    {
        final LoadConnection connection = (LoadConnection)key.attachment();
        try
        {
            if (key.isConnectable())
            {
                if (connection.channel.finishConnect())
                {
                    key.interestOps(SelectionKey.OP_READ);
                    onConnected(connection);
                }
                return;
            }
            if (key.isWritable())
            {
                flush(connection);
            }
            if (key.isReadable())
            {
                read(connection);
            }
        }
        catch (final IOException ex)
        {
            if (connection.state == LoadConnection.State.CONNECTING)
            {
                counters.connectFailures++;
            }
            else
            {
                counters.disconnects++;
            }
            closeConnection(connection, isHandshaking(connection.state) ?
                LoadConnection.State.FAILED : LoadConnection.State.CLOSED);
        }
    }

    private void onConnected(final LoadConnection connection)
    {
        counters.connected++;
        if (null != wire)
        {
            connection.state = LoadConnection.State.LOGGING_IN;
            wire.onConnected(connection);
            flush(connection);
            return;
        }
        if (connection.device.isRegistered())
        {
            if (connection.loginAfterConnect)
            {
                login(connection);
            }
            else
            {
                connection.state = LoadConnection.State.READY;
                handshakesInFlight--;
            }
        }
        else
        {
            connection.state = LoadConnection.State.REGISTERING;
            final int offset = connection.out.position();
            registerEncoder.wrapAndApplyHeader(connection.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
                .requestId(1).phone(connection.device.phone);
            commit(connection, offset, registerEncoder.encodedLength());
            flush(connection);
        }
    }

    private void login(final LoadConnection connection)
    {
        if (signedLogins && connection.device.knowsServerClock())
        {
            loginSigned(connection);
        }
        else
        {
            loginStart(connection);
        }
    }

    private void loginSigned(final LoadConnection connection)
    {
        connection.state = LoadConnection.State.LOGGING_IN;
        final Device device = connection.device;
        final long timestampMs = device.nextSignedLoginMs(System.currentTimeMillis());
        final byte[] message = signedLogin.message(device.userId, device.deviceId, timestampMs);
        signer.sign(message, message.length, proof);
        final int offset = connection.out.position();
        loginSignedEncoder.wrapAndApplyHeader(connection.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(3);
        loginSignedEncoder.device().userId(device.userId).deviceId(device.deviceId);
        loginSignedEncoder.timestampMs(timestampMs).putSignature(proof, 0, proof.length);
        commit(connection, offset, loginSignedEncoder.encodedLength());
        flush(connection);
    }

    private void loginStart(final LoadConnection connection)
    {
        connection.state = LoadConnection.State.LOGGING_IN;
        final int offset = connection.out.position();
        loginStartEncoder.wrapAndApplyHeader(connection.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(3);
        loginStartEncoder.device().userId(connection.device.userId).deviceId(connection.device.deviceId);
        commit(connection, offset, loginStartEncoder.encodedLength());
        flush(connection);
    }

    private int verifyArrivedCodes()
    {
        if (codes.poll() == 0 && awaitingCode.isEmpty())
        {
            return 0;
        }
        int verified = 0;
        for (int i = awaitingCode.size(); i > 0; i--)
        {
            final LoadConnection connection = awaitingCode.poll();
            if (connection.state != LoadConnection.State.AWAITING_CODE)
            {
                continue;
            }
            final String code = codes.take(connection.device.phone);
            if (null == code)
            {
                awaitingCode.add(connection);
                continue;
            }
            connection.state = LoadConnection.State.VERIFYING;
            final byte[] key = book.rawPublicKey();
            final int offset = connection.out.position();
            verifyEncoder.wrapAndApplyHeader(connection.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
                .requestId(2)
                .registrationId(1)
                .phone(connection.device.phone)
                .code(code)
                .putLoginKey(key, 0, key.length);
            commit(connection, offset, verifyEncoder.encodedLength());
            flush(connection);
            verified++;
        }
        return verified;
    }

    private void read(final LoadConnection connection) throws IOException
    {
        final int read = connection.channel.read(connection.in);
        if (read < 0)
        {
            throw new IOException("closed by server");
        }
        final long readNs = System.nanoTime();
        if (null != wire)
        {
            readWire(connection, readNs);
            return;
        }
        final ByteBuffer in = connection.in;
        final UnsafeBuffer view = connection.inView;
        int offset = 0;
        final int end = in.position();
        while (end - offset >= Sofh.HEADER_LENGTH)
        {
            final int frameLength = Sofh.frameLength(view, offset);
            if (frameLength < HEADER || frameLength > MAX_FRAME_LENGTH)
            {
                counters.badFrames++;
                throw new IOException("corrupt stream");
            }
            if (end - offset < frameLength)
            {
                if (offset == 0)
                {
                    connection.ensureInCapacity(frameLength);
                }
                break;
            }
            onFrame(connection, view, offset, readNs);
            if (connection.channel == null)
            {
                return;
            }
            offset += frameLength;
        }
        if (offset > 0)
        {
            in.flip().position(offset);
            in.compact();
        }
        if (connection.hasOutputDue())
        {
            flush(connection);
        }
    }

    private void readWire(final LoadConnection connection, final long readNs) throws IOException
    {
        final ByteBuffer in = connection.in;
        final int end = in.position();
        final int consumed = wire.onRead(this, connection, connection.inView, end, readNs);
        if (null == connection.channel)
        {
            return;
        }
        if (consumed > 0)
        {
            // The wire may have grown the buffer (a packet longer than it): compact whichever is current.
            final ByteBuffer current = connection.in;
            current.flip().position(consumed);
            current.compact();
        }
        else if (end == in.capacity() && in == connection.in)
        {
            // A line or packet header longer than the buffer: grow it.
            connection.ensureInCapacity(2 * in.capacity());
        }
        if (connection.hasPendingOutput())
        {
            flush(connection);
        }
    }

    /**
     * A peer wire's handshake completed: the connection is subscribed and ready to send.
     */
    void onWireReady(final LoadConnection connection, final long nowNs)
    {
        if (connection.state == LoadConnection.State.LOGGING_IN)
        {
            connection.state = LoadConnection.State.READY;
            handshakesInFlight--;
            counters.loggedIn++;
            listener.onLoggedIn(connection, nowNs);
        }
    }

    /**
     * A peer wire delivered a message (already acknowledged where the protocol asks it).
     */
    void onWireDeliver(
        final LoadConnection to, final UnsafeBuffer buffer, final int payloadOffset, final int payloadLength,
        final long nowNs)
    {
        to.delivers++;
        counters.delivers++;
        listener.onDeliver(to, -1, buffer, payloadOffset, payloadLength, nowNs);
    }

    /**
     * The broker acknowledged a publish (MQTT QoS 1 PUBACK) that carried {@code stampNs}.
     */
    void onWireSentAck(final LoadConnection from, final long stampNs, final long nowNs)
    {
        counters.sentAcks++;
        listener.onSentAck(from, stampNs, nowNs);
    }

    private void onFrame(final LoadConnection connection, final UnsafeBuffer buffer, final int offset, final long readNs)
        throws IOException
    {
        headerDecoder.wrap(buffer, offset + Sofh.HEADER_LENGTH);
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int body = offset + HEADER;
        switch (templateId)
        {
            case DeliverDecoder.TEMPLATE_ID:
            {
                deliverDecoder.wrap(buffer, body, blockLength, version);
                final long messageId = deliverDecoder.messageId();
                final long fromUserId = deliverDecoder.from().userId();
                final int lengthOffset = deliverDecoder.limit();
                final int payloadLength = buffer.getShort(lengthOffset, LITTLE_ENDIAN) & 0xFFFF;
                deliverAck(connection, messageId);
                connection.delivers++;
                counters.delivers++;
                listener.onDeliver(connection, fromUserId, buffer, lengthOffset + 2, payloadLength, readNs);
                break;
            }
            case SentAckDecoder.TEMPLATE_ID:
                sentAckDecoder.wrap(buffer, body, blockLength, version);
                counters.sentAcks++;
                listener.onSentAck(connection, sentAckDecoder.clientMsgId(), readNs);
                break;
            case ReceiptDecoder.TEMPLATE_ID:
                receiptDecoder.wrap(buffer, body, blockLength, version);
                counters.receipts++;
                holdReceiptAck(connection, receiptDecoder.messageId());
                break;
            case PingDecoder.TEMPLATE_ID:
            {
                final long timestampNs = buffer.getLong(body, LITTLE_ENDIAN);
                final int at = connection.out.position();
                if (connection.ensureOutRoom(HEADER + PongEncoder.BLOCK_LENGTH))
                {
                    pongEncoder.wrapAndApplyHeader(connection.outView, at + Sofh.HEADER_LENGTH, headerEncoder)
                        .timestampNs(timestampNs);
                    commit(connection, at, pongEncoder.encodedLength());
                }
                break;
            }
            case RegisterAckDecoder.TEMPLATE_ID:
                connection.state = LoadConnection.State.AWAITING_CODE;
                awaitingCode.add(connection);
                break;
            case VerifyAckDecoder.TEMPLATE_ID:
                verifyAckDecoder.wrap(buffer, body, blockLength, version);
                connection.device.userId = verifyAckDecoder.userId();
                connection.device.deviceId = verifyAckDecoder.deviceId();
                counters.registered++;
                if (connection.loginAfterConnect)
                {
                    login(connection);
                }
                else
                {
                    handshakesInFlight--;
                    connection.state = LoadConnection.State.REGISTERED;
                }
                break;
            case LoginChallengeDecoder.TEMPLATE_ID:
                loginChallengeDecoder.wrap(buffer, body, blockLength, version);
                loginProof(connection, loginChallengeDecoder.getNonce(nonce, 0, nonce.length));
                break;
            case LoginAckDecoder.TEMPLATE_ID:
                loginAckDecoder.wrap(buffer, body, blockLength, version);
                connection.device.serverClock(loginAckDecoder.serverTimeMs(), System.currentTimeMillis());
                connection.pendingCount = (int)loginAckDecoder.pendingCount();
                connection.state = LoadConnection.State.READY;
                handshakesInFlight--;
                counters.loggedIn++;
                listener.onLoggedIn(connection, readNs);
                break;
            case CallIncomingDecoder.TEMPLATE_ID:
            case CallRingingDecoder.TEMPLATE_ID:
            case CallAnswerDecoder.TEMPLATE_ID:
            case CallHangupDecoder.TEMPLATE_ID:
                counters.callFrames++;
                listener.onCallFrame(connection, templateId, buffer.getLong(body, LITTLE_ENDIAN), readNs);
                break;
            case MissedCallDecoder.TEMPLATE_ID:
                // Journaled like a receipt: acknowledged, or it comes back at every login.
                counters.missedCalls++;
                deliverAck(connection, buffer.getLong(body, LITTLE_ENDIAN));
                break;
            case ErrorDecoder.TEMPLATE_ID:
                errorDecoder.wrap(buffer, body, blockLength, version);
                counters.onError(errorDecoder.codeRaw());
                if (LoadConnection.State.LOGGING_IN == connection.state &&
                    LoginSignedDecoder.TEMPLATE_ID == errorDecoder.templateId())
                {
                    // The device's reckoning of the server's clock is off: the challenge sets it afresh.
                    connection.device.forgetServerClock();
                    loginStart(connection);
                }
                else if (isHandshaking(connection.state))
                {
                    counters.handshakeFailures++;
                    closeConnection(connection, LoadConnection.State.FAILED);
                }
                break;
            default:
                counters.otherFrames++;
                break;
        }
    }

    private void loginProof(final LoadConnection connection, final int nonceLength) throws IOException
    {
        signer.sign(nonce, nonceLength, proof);
        final int offset = connection.out.position();
        loginProofEncoder.wrapAndApplyHeader(connection.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(4)
            .putSignature(proof, 0, proof.length);
        commit(connection, offset, loginProofEncoder.encodedLength());
    }

    private void deliverAck(final LoadConnection connection, final long messageId)
    {
        final int offset = connection.out.position();
        if (!connection.ensureOutRoom(HEADER + DeliverAckEncoder.BLOCK_LENGTH))
        {
            counters.acksDropped++;
            return;
        }
        deliverAckEncoder.wrapAndApplyHeader(connection.outView, offset + Sofh.HEADER_LENGTH, headerEncoder)
            .messageId(messageId);
        commit(connection, offset, deliverAckEncoder.encodedLength());
    }

    /**
     * Acknowledge a receipt with the connection's next frame rather than a write of its own, as the SDK does
     * ({@code switchboard.client.receipt.ack.delay}); the held acks go alone once the first has waited the delay, or
     * when {@link #MAX_HELD_RECEIPT_ACKS} wait.
     */
    private void holdReceiptAck(final LoadConnection connection, final long messageId)
    {
        final int before = connection.out.position();
        deliverAck(connection, messageId);
        final int after = connection.out.position();
        if (receiptAckDelayNs <= 0 || before != connection.heldAckBytes || after == before)
        {
            return; // not held: other output is due anyway, or the ack did not fit
        }
        if (0 == before)
        {
            connection.heldSinceNs = nowNs;
            holdingAcks.addLast(connection);
            holdingSinceNs.addLong(nowNs);
        }
        connection.heldAckBytes = after;
        if (after >= MAX_HELD_RECEIPT_ACKS * (HEADER + DeliverAckEncoder.BLOCK_LENGTH))
        {
            flush(connection);
        }
    }

    private static void commit(final LoadConnection connection, final int offset, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(connection.outView, offset, messageLength);
        connection.out.position(offset + Sofh.HEADER_LENGTH + messageLength);
    }

    private boolean flush(final LoadConnection connection)
    {
        final ByteBuffer out = connection.out;
        if (null == connection.channel)
        {
            return false;
        }
        try
        {
            out.flip();
            connection.channel.write(out);
            out.compact();
            connection.heldAckBytes = 0; // what is left goes with the rest when the socket drains
        }
        catch (final IOException ex)
        {
            out.clear();
            counters.disconnects++;
            closeConnection(connection, isHandshaking(connection.state) ?
                LoadConnection.State.FAILED : LoadConnection.State.CLOSED);
            return false;
        }
        final SelectionKey key = connection.key;
        if (null != key)
        {
            final int ops = out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != ops)
            {
                key.interestOps(ops);
            }
        }
        return true;
    }
}
