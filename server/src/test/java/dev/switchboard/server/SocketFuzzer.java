package dev.switchboard.server;

import dev.switchboard.codec.FrameRejection;
import dev.switchboard.codec.FrameValidator;
import dev.switchboard.codec.MaxFrame;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.BlockEncoder;
import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallHangupDecoder;
import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.CallIncomingDecoder;
import dev.switchboard.codec.sbe.CallRingingDecoder;
import dev.switchboard.codec.sbe.ContactLookupEncoder;
import dev.switchboard.codec.sbe.ContactLookupResultDecoder;
import dev.switchboard.codec.sbe.DeliverAckEncoder;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.DeliverEncoder;
import dev.switchboard.codec.sbe.DeviceListDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.GoodbyeDecoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateEncoder;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.GroupInfoDecoder;
import dev.switchboard.codec.sbe.GroupInfoRequestEncoder;
import dev.switchboard.codec.sbe.GroupLeaveEncoder;
import dev.switchboard.codec.sbe.GroupTypingUpdateDecoder;
import dev.switchboard.codec.sbe.GroupUpdateEncoder;
import dev.switchboard.codec.sbe.IdentityChangedDecoder;
import dev.switchboard.codec.sbe.KeyBundleDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchEncoder;
import dev.switchboard.codec.sbe.KeyBundleUploadEncoder;
import dev.switchboard.codec.sbe.LinkCodeDecoder;
import dev.switchboard.codec.sbe.LinkPendingDecoder;
import dev.switchboard.codec.sbe.LinkRequestDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.LoginAckEncoder;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.LoginChallengeEncoder;
import dev.switchboard.codec.sbe.LoginProofEncoder;
import dev.switchboard.codec.sbe.LoginStartEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.MediaTicketDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.MissedCallDecoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.PreKeyStockDecoder;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceSubscribeEncoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeEncoder;
import dev.switchboard.codec.sbe.PresenceUpdateDecoder;
import dev.switchboard.codec.sbe.PresenceUpdateEncoder;
import dev.switchboard.codec.sbe.PrivacySettingsEncoder;
import dev.switchboard.codec.sbe.PushPlatform;
import dev.switchboard.codec.sbe.PushTokenUpdateEncoder;
import dev.switchboard.codec.sbe.ReadMarkEncoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.ReceiptEncoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.RegisterAckDecoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.RequestAckEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.SendGroupEncoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.SentAckEncoder;
import dev.switchboard.codec.sbe.TurnCredentialsDecoder;
import dev.switchboard.codec.sbe.TypingEncoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateDecoder;
import dev.switchboard.codec.sbe.UnblockEncoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import dev.switchboard.codec.sbe.Visibility;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;
import org.agrona.sbe.MessageEncoderFlyweight;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A hostile client population for one server: many short-lived connections, driven from one thread over a selector,
 * sending random bytes, mutated frames, frames out of state and logged-in requests naming ids that are not theirs.
 * Every frame the server sends back is checked: it must frame, validate, decode to its last byte, be a server to
 * client template, carry a known error code, and never be a delivery to a connection that has not logged in.
 * <p>
 * All choices come from one seeded {@link Random}, so a run's frames repeat for the same seed; socket timing does not,
 * so a failure found late in a long run reproduces as a seed and a duration, usually, not as a byte-exact replay.
 */
final class SocketFuzzer implements AutoCloseable
{
    /** A registered device the fuzzer may log in as. */
    static final class Identity
    {
        final long userId;
        final int deviceId;
        final KeyPair keyPair;

        Identity(final long userId, final int deviceId, final KeyPair keyPair)
        {
            this.userId = userId;
            this.deviceId = deviceId;
            this.keyPair = keyPair;
        }
    }

    /** Random bytes, sometimes behind a plausible or an absurd length prefix. */
    static final int KIND_GARBAGE = 0;
    /** Valid frames of any template, mutated: bit flips, truncation, wrong lengths and header fields. */
    static final int KIND_MUTATED = 1;
    /** Valid frames before login: requests that need a session, login steps out of order, server templates. */
    static final int KIND_UNAUTHENTICATED = 2;
    /** Logs in as a fuzz identity, then names other users' ids, unknown users, huge counts; acks its deliveries. */
    static final int KIND_AUTHENTICATED = 3;
    static final String[] KIND_NAMES = { "garbage", "mutated", "unauthenticated", "authenticated" };

    private static final int CONNECTING = 0;
    private static final int AWAIT_CHALLENGE = 1;
    private static final int AWAIT_LOGIN_ACK = 2;
    private static final int LOGGED_IN = 3;
    private static final int OPEN = 4;

    private static final int MAX_FRAMES_PER_CONNECTION = 60;
    private static final long MAX_LIFETIME_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_FAILURES_KEPT = 20;
    private static final int SCRATCH_LENGTH = MaxFrame.DEFAULT_MAX_FRAME_LENGTH + 1024;

    private final int port;
    private final Random random;
    private final int concurrency;
    private final int framesPerSecond;
    private final int maxFrameLength;
    private final List<Identity> identities;
    private final long[] victimUserIds;
    private final LongSupplier victimMessageId;
    private final Selector selector;
    private final List<FuzzConnection> connections = new ArrayList<>();
    private final FrameValidator validator;
    /** A decoder for each template the server sends; any other template from the server is a fault. */
    private final MessageDecoderFlyweight[] decoders = new MessageDecoderFlyweight[65_536];
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final LoginChallengeDecoder challengeDecoder = new LoginChallengeDecoder();
    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(SCRATCH_LENGTH));
    private final UnsafeBuffer inView = new UnsafeBuffer(0, 0);
    private final StringBuilder decoded = new StringBuilder();
    private final byte[] bytes = new byte[SCRATCH_LENGTH];
    private long nextRequestId = 1;
    private int kinds = (1 << KIND_NAMES.length) - 1;

    final long[] errorsByCode = new long[256];
    final long[] connectionsByKind = new long[KIND_NAMES.length];
    final List<String> failures = new ArrayList<>();
    long failureCount;
    long framesSent;
    long bytesSent;
    long framesReceived;
    long connectionsOpened;
    long serverCloses;
    long clientCloses;
    long connectFailures;
    long logins;
    long acksSent;
    long maxConcurrent;

    /**
     * @param victimMessageId ids of messages between other users (a well-behaved pair), to ack and read-mark.
     */
    SocketFuzzer(
        final int port,
        final long seed,
        final int concurrency,
        final int framesPerSecond,
        final int maxFrameLength,
        final List<Identity> identities,
        final long[] victimUserIds,
        final LongSupplier victimMessageId) throws IOException
    {
        this.port = port;
        this.random = new Random(seed);
        this.concurrency = concurrency;
        this.framesPerSecond = framesPerSecond;
        this.maxFrameLength = maxFrameLength;
        this.identities = identities;
        this.victimUserIds = victimUserIds;
        this.victimMessageId = victimMessageId;
        this.validator = new FrameValidator(maxFrameLength);
        this.selector = Selector.open();
        for (final MessageDecoderFlyweight decoder : new MessageDecoderFlyweight[]{
            new RegisterAckDecoder(), new VerifyAckDecoder(), new LoginChallengeDecoder(), new LoginAckDecoder(),
            new SentAckDecoder(), new DeliverDecoder(), new ReceiptDecoder(), new TypingUpdateDecoder(),
            new PresenceUpdateDecoder(), new ContactLookupResultDecoder(), new GroupInfoDecoder(),
            new GroupEventDecoder(), new GroupTypingUpdateDecoder(),
            new KeyBundleDecoder(), new PreKeyStockDecoder(), new PingDecoder(), new PongDecoder(),
            new RequestAckDecoder(), new ErrorDecoder(), new LinkCodeDecoder(), new LinkPendingDecoder(),
            new LinkRequestDecoder(), new DeviceListDecoder(), new IdentityChangedDecoder(), new MediaTicketDecoder(),
            new GoodbyeDecoder(), new CallIncomingDecoder(), new CallRingingDecoder(), new CallAnswerDecoder(),
            new CallIceCandidateDecoder(), new CallHangupDecoder(), new MissedCallDecoder(),
            new TurnCredentialsDecoder() })
        {
            decoders[decoder.sbeTemplateId()] = decoder;
        }
    }

    /**
     * Fuzz for the duration on the calling thread, then close every connection this fuzzer opened.
     */
    void run(final long durationNs) throws IOException
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + durationNs;
        final long framesAtStart = framesSent;
        try
        {
            long nowNs;
            while ((nowNs = System.nanoTime()) - deadlineNs < 0)
            {
                while (connections.size() < concurrency)
                {
                    open(nowNs);
                }
                maxConcurrent = Math.max(maxConcurrent, connections.size());

                final long dueFrames = (nowNs - startNs) * framesPerSecond / 1_000_000_000L;
                final long allowed = dueFrames - (framesSent - framesAtStart);
                for (long i = 0, n = Math.min(allowed, 64); i < n && !connections.isEmpty(); i++)
                {
                    // Logging-in connections wait; a few tries find one that may send.
                    for (int tries = 0; tries < 4; tries++)
                    {
                        final FuzzConnection connection = connections.get(random.nextInt(connections.size()));
                        if (connection.isReadyToSend())
                        {
                            burst(connection);
                            break;
                        }
                    }
                }

                selector.select(1);
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    final FuzzConnection connection = (FuzzConnection)key.attachment();
                    if (key.isValid() && key.isConnectable())
                    {
                        finishConnect(connection, nowNs);
                    }
                    if (key.isValid() && key.isReadable())
                    {
                        onReadable(connection);
                    }
                    if (key.isValid() && key.isWritable())
                    {
                        flush(connection);
                    }
                }

                reap(nowNs);
            }
        }
        finally
        {
            for (final FuzzConnection connection : connections)
            {
                closeQuietly(connection);
            }
            connections.clear();
            selector.selectNow();
        }
    }

    /**
     * Open only connections of these kinds, a bit per kind ({@code 1 << KIND_GARBAGE} ...): to narrow a finding down.
     */
    SocketFuzzer kinds(final int kinds)
    {
        this.kinds = kinds;
        return this;
    }

    public void close() throws IOException
    {
        selector.close();
    }

    private void open(final long nowNs) throws IOException
    {
        int kind;
        do
        {
            final int roll = random.nextInt(100);
            kind = roll < 10 ? KIND_GARBAGE : roll < 40 ? KIND_MUTATED : roll < 60 ? KIND_UNAUTHENTICATED :
                KIND_AUTHENTICATED;
        }
        while (0 == (kinds & (1 << kind)));
        final SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        final FuzzConnection connection = new FuzzConnection(channel, kind, nowNs);
        connection.framesLeft = 1 + random.nextInt(MAX_FRAMES_PER_CONNECTION);
        try
        {
            if (channel.connect(new InetSocketAddress("127.0.0.1", port)))
            {
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                onConnected(connection);
            }
            else
            {
                connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
            }
        }
        catch (final IOException ex)
        {
            connectFailures++;
            channel.close();
            return;
        }
        connectionsOpened++;
        connectionsByKind[kind]++;
        connections.add(connection);
    }

    private void finishConnect(final FuzzConnection connection, final long nowNs)
    {
        try
        {
            if (connection.channel.finishConnect())
            {
                connection.key.interestOps(SelectionKey.OP_READ);
                onConnected(connection);
            }
        }
        catch (final IOException ex)
        {
            connectFailures++;
            drop(connection);
        }
    }

    private void onConnected(final FuzzConnection connection)
    {
        connection.state = OPEN;
        if (KIND_AUTHENTICATED == connection.kind)
        {
            connection.identity = identities.get(random.nextInt(identities.size()));
            final LoginStartEncoder encoder = new LoginStartEncoder()
                .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId++);
            encoder.device().userId(connection.identity.userId).deviceId(connection.identity.deviceId);
            connection.state = AWAIT_CHALLENGE;
            queue(connection, finish(encoder), true);
            flush(connection);
        }
    }

    /**
     * One to four frames in one write, sometimes with the last one split across writes.
     */
    private void burst(final FuzzConnection connection)
    {
        final int frames = 1 + (random.nextInt(4) == 0 ? random.nextInt(4) : 0);
        for (int i = 0; i < frames && connection.framesLeft > 0; i++)
        {
            final int length = nextFrame(connection);
            connection.framesLeft--;
            if (length > 0)
            {
                final boolean split = random.nextInt(10) == 0 && length > 1;
                if (split)
                {
                    final int cut = 1 + random.nextInt(length - 1);
                    queue(connection, cut, false);
                    connection.heldTail = new byte[length - cut];
                    scratch.getBytes(cut, connection.heldTail);
                }
                else
                {
                    queue(connection, length, false);
                }
            }
        }
        flush(connection);
    }

    private int nextFrame(final FuzzConnection connection)
    {
        switch (connection.kind)
        {
            case KIND_GARBAGE:
                return garbage();

            case KIND_MUTATED:
                return mutate(anyFrame(connection));

            case KIND_UNAUTHENTICATED:
                return random.nextInt(5) == 0 ? mutate(anyFrame(connection)) : outOfState(connection);

            default:
                final int roll = random.nextInt(100);
                if (roll < 55)
                {
                    return wrongIds(connection);
                }
                if (roll < 70)
                {
                    return outOfState(connection);
                }
                if (roll < 90)
                {
                    return mutate(anyFrame(connection));
                }
                return benign(connection);
        }
    }

    private int garbage()
    {
        final int length = 1 + random.nextInt(random.nextInt(8) == 0 ? 4_000 : 200);
        for (int i = 0; i < length; i++)
        {
            scratch.putByte(i, (byte)random.nextInt(256));
        }
        if (length >= Sofh.HEADER_LENGTH)
        {
            switch (random.nextInt(5))
            {
                case 0:
                    Sofh.write(scratch, 0, length - Sofh.HEADER_LENGTH);
                    break;
                case 1:
                    scratch.putInt(0, maxFrameLength + 1 + random.nextInt(Integer.MAX_VALUE - maxFrameLength),
                        ByteOrder.BIG_ENDIAN);
                    break;
                case 2:
                    scratch.putInt(0, random.nextInt(MaxFrame.MIN_FRAME_LENGTH), ByteOrder.BIG_ENDIAN);
                    break;
                default:
                    break;
            }
        }
        return length;
    }

    /**
     * A valid frame of any template, client or server, with plausible ids.
     */
    private int anyFrame(final FuzzConnection connection)
    {
        final int choice = random.nextInt(10);
        if (choice < 3)
        {
            return wrongIds(connection);
        }
        if (choice < 6)
        {
            return outOfState(connection);
        }
        if (choice < 8)
        {
            return serverFrame();
        }
        return benign(connection);
    }

    private int mutate(final int validLength)
    {
        int length = validLength;
        final int body = MaxFrame.MIN_FRAME_LENGTH;
        switch (random.nextInt(12))
        {
            case 0:
                for (int flips = 1 + random.nextInt(3), i = 0; i < flips; i++)
                {
                    final int index = random.nextInt(length);
                    scratch.putByte(index, (byte)(scratch.getByte(index) ^ (1 << random.nextInt(8))));
                }
                break;
            case 1:
                final int index = Sofh.HEADER_LENGTH + random.nextInt(length - Sofh.HEADER_LENGTH);
                scratch.putByte(index, (byte)random.nextInt(256));
                break;
            case 2:
                // Truncated, with the length prefix fixed to match: a frame whose fields run past its end.
                length = Math.max(MaxFrame.MIN_FRAME_LENGTH, random.nextInt(length));
                Sofh.write(scratch, 0, length - Sofh.HEADER_LENGTH);
                break;
            case 3:
                // Truncated, the prefix still claiming the whole: the stream runs into the next frame.
                length = 1 + random.nextInt(length);
                break;
            case 4:
                // A prefix a little off, or claiming a frame up to the maximum of which only this much ever comes.
                final int delta = 1 + random.nextInt(16);
                final int declared = random.nextInt(4) == 0 ?
                    validLength + random.nextInt(Math.max(1, maxFrameLength - validLength)) :
                    random.nextBoolean() ? validLength + delta : Math.max(0, validLength - delta);
                scratch.putInt(0, declared, ByteOrder.BIG_ENDIAN);
                break;
            case 5:
                final int huge = random.nextInt(3) == 0 ? -1 - random.nextInt(1000) :
                    maxFrameLength + 1 + random.nextInt(Integer.MAX_VALUE - maxFrameLength);
                scratch.putInt(0, huge, ByteOrder.BIG_ENDIAN);
                break;
            case 6:
                scratch.putShort(Sofh.HEADER_LENGTH, (short)(random.nextBoolean() ? random.nextInt(65_536) :
                    (scratch.getShort(Sofh.HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN) + random.nextInt(9) - 4)),
                    ByteOrder.LITTLE_ENDIAN);
                break;
            case 7:
                scratch.putShort(Sofh.HEADER_LENGTH + 2, (short)(random.nextBoolean() ? random.nextInt(65_536) :
                    random.nextInt(70)), ByteOrder.LITTLE_ENDIAN);
                break;
            case 8:
                scratch.putShort(Sofh.HEADER_LENGTH + 4, (short)random.nextInt(65_536), ByteOrder.LITTLE_ENDIAN);
                break;
            case 9:
                final int[] versions = { 0, 2, 3, 0xFFFF, random.nextInt(65_536) };
                scratch.putShort(
                    Sofh.HEADER_LENGTH + 6, (short)versions[random.nextInt(versions.length)], ByteOrder.LITTLE_ENDIAN);
                break;
            case 10:
                // A group count or var-data length somewhere in the body, claiming far more than the frame holds.
                if (length > body + 1)
                {
                    final int at = body + random.nextInt(length - body - 1);
                    if (random.nextBoolean())
                    {
                        scratch.putShort(at, (short)(0xFF00 | random.nextInt(256)), ByteOrder.LITTLE_ENDIAN);
                    }
                    else
                    {
                        scratch.putByte(at, (byte)(0x80 | random.nextInt(128)));
                    }
                }
                break;
            default:
                scratch.putShort(Sofh.ENCODING_TYPE_OFFSET, (short)random.nextInt(65_536), ByteOrder.BIG_ENDIAN);
                break;
        }
        return length;
    }

    /**
     * Requests the connection's state does not allow: session requests before login, login steps out of order or
     * after login, and server to client templates.
     */
    private int outOfState(final FuzzConnection connection)
    {
        switch (random.nextInt(12))
        {
            case 0:
                return send(randomUserId(), random.nextInt(5), 1 + random.nextInt(64));
            case 1:
                return deliverAck(victimId());
            case 2:
                return readMark(victimId(), victimUserIds[0], 1);
            case 3:
                final LoginProofEncoder proof = new LoginProofEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId++);
                final int signatureLength = random.nextBoolean() ? 64 : random.nextInt(255);
                randomBytes(signatureLength);
                proof.putSignature(bytes, 0, signatureLength);
                return finish(proof);
            case 4:
                final VerifyEncoder verify = new VerifyEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(nextRequestId++)
                    .registrationId(random.nextInt())
                    .phone(randomPhone())
                    .code(String.format("%06d", random.nextInt(1_000_000)));
                final int keyLength = random.nextBoolean() ? 32 : random.nextInt(255);
                randomBytes(keyLength);
                verify.putLoginKey(bytes, 0, keyLength);
                return finish(verify);
            case 5:
                final LoginStartEncoder start = new LoginStartEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId++);
                final Identity identity = identities.get(random.nextInt(identities.size()));
                // A victim's device gets a challenge too; without its key the proof that follows must fail.
                final long userId = random.nextInt(4) == 0 ? victimUserIds[random.nextInt(victimUserIds.length)] :
                    random.nextBoolean() ? identity.userId : randomUserId();
                start.device()
                    .userId(userId)
                    .deviceId(random.nextBoolean() ? identity.deviceId : random.nextInt(65_536));
                return finish(start);
            case 6:
                return finish(new RegisterEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(nextRequestId++).phone(randomPhone()));
            case 7:
                final TypingEncoder typing = new TypingEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder);
                typing.to().userId(victimUserIds[random.nextInt(victimUserIds.length)]).deviceId(0);
                typing.state(TypingState.COMPOSING);
                return finish(typing);
            case 8:
                return finish(new PresenceSubscribeEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH,
                    headerEncoder).requestId(nextRequestId++).userId(victimUserIds[0]));
            case 9:
                return finish(new LogoutEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(nextRequestId++));
            default:
                return serverFrame();
        }
    }

    /**
     * After login: ids that are not the connection's to use, unknown users and devices, counts past the limits.
     */
    private int wrongIds(final FuzzConnection connection)
    {
        switch (random.nextInt(14))
        {
            case 0:
            case 1:
                // Acks of another user's messages, of ids near them, of ids that never existed.
                return deliverAck(random.nextBoolean() ? victimId() + random.nextInt(5) - 2 : randomLong());
            case 2:
                return readMark(victimId(), victimUserIds[random.nextInt(victimUserIds.length)], random.nextInt(3));
            case 3:
                return readMark(randomLong(), randomUserId(), random.nextInt(65_536));
            case 4:
                // Unknown users, unknown devices of known users, and device ids past the per-account limit.
                return send(randomLong() & Long.MAX_VALUE, random.nextInt(65_536), 1 + random.nextInt(100));
            case 5:
                return send(randomUserId(), 2 + random.nextInt(65_534), 1 + random.nextInt(100));
            case 6:
                // A real message to a victim, now and then a large one (the ring's large-frame path).
                return send(victimUserIds[victimUserIds.length - 1], random.nextInt(2),
                    random.nextInt(20) == 0 ? 1_000 + random.nextInt(maxFrameLength - 2_000) : random.nextInt(300));
            case 7:
                return send(null == connection.identity ? randomUserId() : connection.identity.userId, 0,
                    random.nextInt(100));
            case 8:
                // More numbers than one lookup may carry, or an empty one.
                return contactLookup(random.nextBoolean() ? 60 + random.nextInt(10) : random.nextInt(3));
            case 9:
                final GroupCreateEncoder create = new GroupCreateEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId++);
                final int members = random.nextInt(4) == 0 ? 1_000 + random.nextInt(3_000) : random.nextInt(10);
                final GroupCreateEncoder.MembersEncoder group = create.membersCount(members);
                for (int i = 0; i < members; i++)
                {
                    group.next().userId(randomUserId());
                }
                create.name("g");
                return finish(create);
            case 10:
                return finish((random.nextBoolean() ?
                    new BlockEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                        .requestId(nextRequestId++).userId(randomUserId()) :
                    new UnblockEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                        .requestId(nextRequestId++).userId(randomUserId())));
            case 11:
                final TypingEncoder typing = new TypingEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder);
                typing.to().userId(randomUserId()).deviceId(random.nextInt(6));
                typing.state(random.nextBoolean() ? TypingState.COMPOSING : TypingState.PAUSED);
                return finish(typing);
            case 12:
                return finish((random.nextBoolean() ?
                    new PresenceSubscribeEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                        .requestId(nextRequestId++).userId(randomUserId()) :
                    new PresenceUnsubscribeEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                        .requestId(nextRequestId++).userId(randomUserId())));
            default:
                final KeyBundleFetchEncoder fetch = new KeyBundleFetchEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId++);
                fetch.device().userId(randomUserId()).deviceId(random.nextInt(65_536));
                return finish(fetch);
        }
    }

    /**
     * Requests a well-behaved client sends too: the server must keep serving them between the hostile ones.
     */
    private int benign(final FuzzConnection connection)
    {
        switch (random.nextInt(8))
        {
            case 0:
                return finish(new PingEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .timestampNs(random.nextLong()));
            case 1:
                return finish(new PongEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .timestampNs(random.nextLong()));
            case 2:
                final Visibility[] visibilities = { Visibility.EVERYONE, Visibility.CONTACTS, Visibility.NOBODY };
                return finish(new PrivacySettingsEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH,
                    headerEncoder).requestId(nextRequestId++)
                    .lastSeen(visibilities[random.nextInt(3)])
                    .online(visibilities[random.nextInt(3)]));
            case 3:
                final PushTokenUpdateEncoder token = new PushTokenUpdateEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(nextRequestId++)
                    .platform(random.nextBoolean() ? PushPlatform.APNS : PushPlatform.FCM);
                final int tokenLength = random.nextInt(255);
                randomBytes(tokenLength);
                token.putToken(bytes, 0, tokenLength);
                return finish(token);
            case 4:
                final KeyBundleUploadEncoder upload = new KeyBundleUploadEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(nextRequestId++).registrationId(random.nextInt()).signedPreKeyId(random.nextInt())
                    .kyberPreKeyId(random.nextInt() & 0xFFFF_FFFFL);
                final int preKeys = random.nextInt(5);
                final KeyBundleUploadEncoder.PreKeysEncoder group = upload.preKeysCount(preKeys);
                randomBytes(64);
                bytes[0] = 0x05; // a libsignal public key; a new random identity each time, so no id is in stock
                for (int i = 0; i < preKeys; i++)
                {
                    group.next().preKeyId(i + 1).putPublicKey(bytes, 0, 33);
                }
                upload.putIdentityKey(bytes, 0, 33).putSignedPreKeyPublic(bytes, 0, 33)
                    .putSignedPreKeySignature(bytes, 0, 64);
                // without a Kyber prekey (kept as stored), or with a signature alone (refused)
                upload.putKyberPreKeyPublic(bytes, 0, 0).putKyberPreKeySignature(bytes, 0, random.nextBoolean() ? 0 : 64);
                return finish(upload);
            case 5:
                return finish(new SendGroupEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .clientMsgId(randomLong()).groupId(randomLong()).putPayload(bytes, 0, random.nextInt(50)));
            case 6:
                final GroupUpdateEncoder update = new GroupUpdateEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(nextRequestId++).groupId(randomLong()).change(GroupChange.RENAME);
                update.membersCount(0);
                update.name("n");
                return finish(update);
            default:
                return finish(random.nextBoolean() ?
                    new GroupLeaveEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                        .requestId(nextRequestId++).groupId(randomLong()) :
                    new GroupInfoRequestEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                        .requestId(nextRequestId++).groupId(randomLong()));
        }
    }

    /**
     * A frame only a server sends, sent by a client.
     */
    private int serverFrame()
    {
        switch (random.nextInt(8))
        {
            case 0:
                return finish(new SentAckEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .clientMsgId(randomLong()).messageId(victimId()).timestampMs(System.currentTimeMillis()));
            case 1:
                final DeliverEncoder deliver = new DeliverEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .messageId(victimId()).timestampMs(System.currentTimeMillis());
                deliver.from().userId(victimUserIds[0]).deviceId(1);
                deliver.groupId(0).putPayload(bytes, 0, random.nextInt(100));
                return finish(deliver);
            case 2:
                final ReceiptEncoder receipt = new ReceiptEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .messageId(randomLong()).originalMessageId(victimId());
                receipt.from().userId(victimUserIds[0]).deviceId(1);
                receipt.receiptType(ReceiptType.READ).timestampMs(0);
                return finish(receipt);
            case 3:
                return finish(new ErrorEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(randomLong()).templateId(random.nextInt(65_536)).code(ErrorCode.INTERNAL_ERROR)
                    .detail("x"));
            case 4:
                final LoginAckEncoder loginAck = new LoginAckEncoder()
                    .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId++);
                loginAck.device().userId(victimUserIds[0]).deviceId(1);
                loginAck.serverTimeMs(0).pendingCount(0);
                return finish(loginAck);
            case 5:
                return finish(new LoginChallengeEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH,
                    headerEncoder).requestId(nextRequestId++).putNonce(bytes, 0, 32));
            case 6:
                return finish(new RequestAckEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                    .requestId(nextRequestId++).templateId(LogoutEncoder.TEMPLATE_ID));
            default:
                return finish(new PresenceUpdateEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH,
                    headerEncoder).userId(victimUserIds[0]).state(PresenceState.ONLINE).lastSeenMs(0));
        }
    }

    private int send(final long toUserId, final int toDeviceId, final int payloadLength)
    {
        final SendEncoder send = new SendEncoder()
            .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).clientMsgId(randomLong());
        send.to().userId(toUserId).deviceId(toDeviceId);
        send.putPayload(bytes, 0, Math.min(payloadLength, MaxFrame.MAX_PAYLOAD_LENGTH));
        final int length = finish(send);
        if (random.nextInt(20) == 0)
        {
            return extendBlock(length);
        }
        return length;
    }

    /**
     * A block longer than the schema's, as a newer sender of the same version writes: valid, the extra is skipped.
     */
    private int extendBlock(final int length)
    {
        final int blockEnd = MaxFrame.MIN_FRAME_LENGTH + SendEncoder.BLOCK_LENGTH;
        final int extra = 1 + random.nextInt(16);
        if (length + extra > SCRATCH_LENGTH || length + extra > maxFrameLength)
        {
            return length;
        }
        scratch.putBytes(blockEnd + extra, scratch, blockEnd, length - blockEnd);
        scratch.setMemory(blockEnd, extra, (byte)random.nextInt(256));
        scratch.putShort(Sofh.HEADER_LENGTH, (short)(SendEncoder.BLOCK_LENGTH + extra), ByteOrder.LITTLE_ENDIAN);
        Sofh.write(scratch, 0, length + extra - Sofh.HEADER_LENGTH);
        return length + extra;
    }

    private int deliverAck(final long messageId)
    {
        return finish(new DeliverAckEncoder().wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
            .messageId(messageId));
    }

    private int readMark(final long messageId, final long senderUserId, final int senderDeviceId)
    {
        final ReadMarkEncoder mark = new ReadMarkEncoder()
            .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).messageId(messageId);
        mark.sender().userId(senderUserId).deviceId(senderDeviceId);
        return finish(mark);
    }

    private int contactLookup(final int numbers)
    {
        final ContactLookupEncoder lookup = new ContactLookupEncoder()
            .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId++);
        final ContactLookupEncoder.PhonesEncoder phones = lookup.phonesCount(numbers);
        for (int i = 0; i < numbers; i++)
        {
            phones.next().phone(randomPhone());
        }
        return finish(lookup);
    }

    private int finish(final MessageEncoderFlyweight encoder)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        Sofh.write(scratch, 0, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }

    private long victimId()
    {
        final long id = victimMessageId.getAsLong();
        return 0 == id ? randomLong() : id;
    }

    /** Mostly ids of real users (they are numbered from 1), else anything. */
    private long randomUserId()
    {
        return random.nextInt(4) == 0 ? randomLong() : 1 + random.nextInt(64);
    }

    private long randomLong()
    {
        switch (random.nextInt(8))
        {
            case 0:
                return 0;
            case 1:
                return -1;
            case 2:
                return Long.MIN_VALUE;
            case 3:
                return Long.MAX_VALUE;
            default:
                return random.nextLong();
        }
    }

    private String randomPhone()
    {
        switch (random.nextInt(4))
        {
            case 0:
                return "";
            case 1:
                return "+1555" + random.nextInt(10_000_000);
            case 2:
                return "not a phone " + random.nextInt(1000);
            default:
                return "+" + Math.abs(random.nextLong());
        }
    }

    private void randomBytes(final int length)
    {
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
    }

    /**
     * Append the first length bytes of the scratch buffer to the connection's output.
     */
    private void queue(final FuzzConnection connection, final int length, final boolean reply)
    {
        final ByteBuffer out = connection.out;
        if (null != connection.heldTail && !reply)
        {
            if (out.remaining() >= connection.heldTail.length)
            {
                out.put(connection.heldTail);
                connection.heldTail = null;
            }
        }
        if (out.remaining() < length)
        {
            return; // the server is not reading this connection; drop the frame
        }
        scratch.getBytes(0, out, out.position(), length);
        out.position(out.position() + length);
        framesSent++;
        bytesSent += length;
    }

    private void flush(final FuzzConnection connection)
    {
        if (CONNECTING == connection.state || !connection.channel.isOpen())
        {
            return;
        }
        final ByteBuffer out = connection.out;
        try
        {
            out.flip();
            connection.channel.write(out);
            out.compact();
            connection.key.interestOps(out.position() > 0 ?
                SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
        catch (final IOException | java.nio.channels.CancelledKeyException ex)
        {
            serverCloses++;
            drop(connection);
        }
    }

    private void onReadable(final FuzzConnection connection)
    {
        final ByteBuffer in = connection.in;
        final int read;
        try
        {
            read = connection.channel.read(in);
        }
        catch (final IOException ex)
        {
            serverCloses++;
            drop(connection);
            return;
        }
        if (read < 0)
        {
            serverCloses++;
            drop(connection);
            return;
        }

        inView.wrap(in.array());
        int position = 0;
        final int end = in.position();
        while (end - position >= Sofh.HEADER_LENGTH)
        {
            final int length = Sofh.frameLength(inView, position);
            if (length < MaxFrame.MIN_FRAME_LENGTH || length > maxFrameLength)
            {
                fail(connection, "frame length " + length + " from the server");
                drop(connection);
                return;
            }
            if (end - position < length)
            {
                break;
            }
            onServerFrame(connection, position, length);
            if (!connection.channel.isOpen())
            {
                return;
            }
            position += length;
        }
        in.position(position).limit(end);
        in.compact();
        if (!connection.channel.isOpen())
        {
            return;
        }
        flush(connection);
    }

    private void onServerFrame(final FuzzConnection connection, final int offset, final int length)
    {
        framesReceived++;
        final FrameRejection rejection = validator.validate(inView, offset, length);
        if (FrameRejection.NONE != rejection)
        {
            fail(connection, "server frame refused by the validator: " + rejection + ", template " +
                validator.templateId());
            return;
        }
        final int templateId = validator.templateId();
        if (null == decoders[templateId])
        {
            fail(connection, "client template " + templateId + " from the server");
            return;
        }
        headerDecoder.wrap(inView, offset + Sofh.HEADER_LENGTH);
        final MessageDecoderFlyweight decoder = decoders[templateId];
        decoder.wrap(inView, offset + MaxFrame.MIN_FRAME_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        decoded.setLength(0);
        decoder.appendTo(decoded);
        if (decoder.sbeDecodedLength() != length - MaxFrame.MIN_FRAME_LENGTH)
        {
            fail(connection, "template " + templateId + " decodes to " + decoder.sbeDecodedLength() + " of " +
                (length - MaxFrame.MIN_FRAME_LENGTH) + " bytes");
            return;
        }

        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + MaxFrame.MIN_FRAME_LENGTH;
        switch (templateId)
        {
            case ErrorDecoder.TEMPLATE_ID:
                errorDecoder.wrap(inView, bodyOffset, blockLength, version);
                final ErrorCode code = errorDecoder.code();
                if (ErrorCode.NULL_VAL == code)
                {
                    fail(connection, "error without a known code: " + errorDecoder.codeRaw());
                    return;
                }
                errorsByCode[code.value()]++;
                if (AWAIT_CHALLENGE == connection.state || AWAIT_LOGIN_ACK == connection.state)
                {
                    connection.state = OPEN; // the login was refused (rate limit, or a kick race): fuzz unauthenticated
                }
                break;

            case LoginChallengeDecoder.TEMPLATE_ID:
                if (AWAIT_CHALLENGE == connection.state)
                {
                    challengeDecoder.wrap(inView, bodyOffset, blockLength, version);
                    final byte[] nonce = new byte[challengeDecoder.nonceLength()];
                    challengeDecoder.getNonce(nonce, 0, nonce.length);
                    final byte[] signature = TestConnection.sign(connection.identity.keyPair, nonce);
                    queue(connection, finish(new LoginProofEncoder()
                        .wrapAndApplyHeader(scratch, Sofh.HEADER_LENGTH, headerEncoder)
                        .requestId(nextRequestId++).putSignature(signature, 0, signature.length)), true);
                    connection.state = AWAIT_LOGIN_ACK;
                }
                break;

            case LoginAckDecoder.TEMPLATE_ID:
                if (AWAIT_LOGIN_ACK != connection.state)
                {
                    fail(connection, "LoginAck without a login");
                    return;
                }
                connection.state = LOGGED_IN;
                connection.everLoggedIn = true;
                logins++;
                break;

            case DeliverDecoder.TEMPLATE_ID:
            case ReceiptDecoder.TEMPLATE_ID:
            case GroupEventDecoder.TEMPLATE_ID:
            case IdentityChangedDecoder.TEMPLATE_ID:
            case MissedCallDecoder.TEMPLATE_ID:
                if (!connection.everLoggedIn)
                {
                    fail(connection, "template " + templateId + " to a connection that never logged in");
                    return;
                }
                // Every Deliver, Receipt, GroupEvent, IdentityChanged and MissedCall starts with its message id: ack
                // it as a device would.
                queue(connection, deliverAck(inView.getLong(bodyOffset, ByteOrder.LITTLE_ENDIAN)), true);
                acksSent++;
                break;

            case SentAckDecoder.TEMPLATE_ID:
            case TypingUpdateDecoder.TEMPLATE_ID:
            case GroupTypingUpdateDecoder.TEMPLATE_ID:
            case PresenceUpdateDecoder.TEMPLATE_ID:
            case ContactLookupResultDecoder.TEMPLATE_ID:
            case KeyBundleDecoder.TEMPLATE_ID:
            case PreKeyStockDecoder.TEMPLATE_ID:
            case MediaTicketDecoder.TEMPLATE_ID:
            case TurnCredentialsDecoder.TEMPLATE_ID:
            case CallIncomingDecoder.TEMPLATE_ID:
            case CallRingingDecoder.TEMPLATE_ID:
            case CallAnswerDecoder.TEMPLATE_ID:
            case CallIceCandidateDecoder.TEMPLATE_ID:
            case CallHangupDecoder.TEMPLATE_ID:
                if (!connection.everLoggedIn)
                {
                    fail(connection, "template " + templateId + " to a connection that never logged in");
                }
                break;

            default:
                break;
        }
    }

    private void reap(final long nowNs)
    {
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            final FuzzConnection connection = connections.get(i);
            if (!connection.channel.isOpen())
            {
                connections.remove(i);
                continue;
            }
            final boolean spent = connection.framesLeft <= 0 && connection.out.position() == 0 &&
                null == connection.heldTail;
            if (spent || nowNs - connection.openedNs > MAX_LIFETIME_NS)
            {
                clientCloses++;
                closeQuietly(connection);
                connections.remove(i);
            }
        }
    }

    /**
     * Close as a client might: politely, abruptly (reset), or with the output shut first.
     */
    private void closeQuietly(final FuzzConnection connection)
    {
        try
        {
            if (connection.channel.isOpen() && CONNECTING != connection.state)
            {
                switch (random.nextInt(3))
                {
                    case 0:
                        connection.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                        break;
                    case 1:
                        connection.channel.shutdownOutput();
                        break;
                    default:
                        break;
                }
            }
        }
        catch (final IOException ex)
        {
            // already gone
        }
        drop(connection);
    }

    private void drop(final FuzzConnection connection)
    {
        try
        {
            if (null != connection.key)
            {
                connection.key.cancel();
            }
            connection.channel.close();
        }
        catch (final IOException ex)
        {
            // already gone
        }
    }

    private void fail(final FuzzConnection connection, final String what)
    {
        failureCount++;
        if (failures.size() < MAX_FAILURES_KEPT)
        {
            failures.add(KIND_NAMES[connection.kind] + " connection: " + what);
        }
    }

    String errorsByCodeText()
    {
        final StringBuilder text = new StringBuilder();
        for (final ErrorCode code : ErrorCode.values())
        {
            if (ErrorCode.NULL_VAL != code && errorsByCode[code.value()] > 0)
            {
                text.append(text.length() > 0 ? ", " : "").append(code).append(' ').append(errorsByCode[code.value()]);
            }
        }
        return text.toString();
    }

    long errorsReceived()
    {
        long total = 0;
        for (final long count : errorsByCode)
        {
            total += count;
        }
        return total;
    }

    private static final class FuzzConnection
    {
        final SocketChannel channel;
        final int kind;
        final long openedNs;
        final ByteBuffer in = ByteBuffer.allocate(2 * MaxFrame.DEFAULT_MAX_FRAME_LENGTH);
        final ByteBuffer out = ByteBuffer.allocate(MaxFrame.DEFAULT_MAX_FRAME_LENGTH + 8 * 1024);
        SelectionKey key;
        int state = CONNECTING;
        int framesLeft;
        boolean everLoggedIn;
        Identity identity;
        byte[] heldTail;

        FuzzConnection(final SocketChannel channel, final int kind, final long openedNs)
        {
            this.channel = channel;
            this.kind = kind;
            this.openedNs = openedNs;
        }

        /** Logging-in connections wait for their login; the others may always send more. */
        boolean isReadyToSend()
        {
            return OPEN == state || LOGGED_IN == state;
        }
    }
}
