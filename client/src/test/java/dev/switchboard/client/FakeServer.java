package dev.switchboard.client;

import dev.switchboard.codec.SignedLogin;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.BlockDecoder;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.ContactLookupResultEncoder;
import dev.switchboard.codec.sbe.DeliverAckDecoder;
import dev.switchboard.codec.sbe.DeliverEncoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateDecoder;
import dev.switchboard.codec.sbe.GroupEventEncoder;
import dev.switchboard.codec.sbe.GroupInfoEncoder;
import dev.switchboard.codec.sbe.GroupInfoRequestDecoder;
import dev.switchboard.codec.sbe.GroupLeaveDecoder;
import dev.switchboard.codec.sbe.GroupRole;
import dev.switchboard.codec.sbe.GroupTypingDecoder;
import dev.switchboard.codec.sbe.GroupTypingUpdateEncoder;
import dev.switchboard.codec.sbe.GroupUpdateDecoder;
import dev.switchboard.codec.sbe.LoginAckEncoder;
import dev.switchboard.codec.sbe.LoginChallengeEncoder;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.codec.sbe.LoginSignedDecoder;
import dev.switchboard.codec.sbe.LoginStartDecoder;
import dev.switchboard.codec.sbe.LogoutDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeDecoder;
import dev.switchboard.codec.sbe.PresenceUpdateEncoder;
import dev.switchboard.codec.sbe.PrivacySettingsDecoder;
import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.ReceiptEncoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.RegisterAckEncoder;
import dev.switchboard.codec.sbe.RegisterDecoder;
import dev.switchboard.codec.sbe.RequestAckEncoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SendGroupDecoder;
import dev.switchboard.codec.sbe.SentAckEncoder;
import dev.switchboard.codec.sbe.TypingDecoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateEncoder;
import dev.switchboard.codec.sbe.UnblockDecoder;
import dev.switchboard.codec.sbe.VerifyAckEncoder;
import dev.switchboard.codec.sbe.VerifyDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * A scripted server speaking the client protocol over loopback TCP, one connection at a time, with blocking I/O.
 * It checks login proofs and signed logins against the registered Ed25519 key and records what the client sends.
 */
final class FakeServer implements AutoCloseable
{
    static final String CODE = "123456";
    static final int CODE_TTL_SECONDS = 300;
    static final long FIRST_USER_ID = 1000;
    /** How far a signed login's timestamp may be from this server's clock, either way, as the server's window. */
    static final long SIGNED_LOGIN_WINDOW_MS = 30_000;

    /**
     * The fixed X.509 prefix of an Ed25519 public key; the raw 32-byte key follows it.
     */
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    record ReceivedSend(long clientMsgId, long toUserId, int toDeviceId, byte[] payload, int connection)
    {
    }

    record ReceivedGroupSend(long clientMsgId, long groupId, byte[] payload, int connection)
    {
    }

    /**
     * A LoginSigned as it arrived: its timestamp, this server's clock then, and whether it was taken.
     */
    record ReceivedSignedLogin(long timestampMs, long serverTimeMs, boolean accepted, int connection)
    {
    }

    /**
     * A group as this server holds it: members in joining order with their roles.
     */
    static final class Group
    {
        final long groupId;
        final Map<Long, GroupRole> members = new LinkedHashMap<>();
        String name;
        long version;

        Group(final long groupId, final String name)
        {
            this.groupId = groupId;
            this.name = name;
        }
    }

    static final long FIRST_GROUP_ID = 7_000_000;

    private final ServerSocket serverSocket;
    private final Thread acceptThread;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, byte[]> loginKeys = new ConcurrentHashMap<>();
    private final Map<Long, Long> messageIdByClientMsgId = new ConcurrentHashMap<>();
    private final AtomicLong nextUserId = new AtomicLong(FIRST_USER_ID);
    private final AtomicLong nextMessageId = new AtomicLong(1_000_000);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final Map<Long, Long> lastSignedLoginMs = new ConcurrentHashMap<>();
    private final long startedAtMs = System.currentTimeMillis();
    /** The connection of each LoginStart, in order. */
    final BlockingQueue<Integer> loginStarts = new LinkedBlockingQueue<>();
    final BlockingQueue<ReceivedSignedLogin> signedLogins = new LinkedBlockingQueue<>();
    final BlockingQueue<ReceivedSend> sends = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> deliverAcks = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> pongs = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> pings = new LinkedBlockingQueue<>();
    final BlockingQueue<long[]> readMarks = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> logouts = new LinkedBlockingQueue<>();
    final BlockingQueue<List<String>> lookups = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> presenceSubscribes = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> presenceUnsubscribes = new LinkedBlockingQueue<>();
    final BlockingQueue<long[]> typings = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> blocks = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> unblocks = new LinkedBlockingQueue<>();
    final BlockingQueue<String> privacySettings = new LinkedBlockingQueue<>();
    final BlockingQueue<ReceivedGroupSend> groupSends = new LinkedBlockingQueue<>();
    final BlockingQueue<long[]> groupTypings = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> groupRequests = new LinkedBlockingQueue<>();
    final Map<Long, Group> groups = new ConcurrentHashMap<>();
    private final AtomicLong nextGroupId = new AtomicLong(FIRST_GROUP_ID);
    private volatile int maxGroupMembers = 1024;
    private volatile boolean answerGroupRequests = true;
    private final Map<String, Long> directory = new ConcurrentHashMap<>();
    private final Map<Long, long[]> presence = new ConcurrentHashMap<>();
    private volatile ErrorCode lookupError;
    private volatile boolean ackSends = true;
    private volatile boolean answerPings = true;
    private volatile boolean closeOnAccept;
    private volatile long clockOffsetMs;
    private volatile boolean refuseSignedLogins;
    private volatile boolean knowsSignedLogin = true;
    private volatile boolean refuseProofs;
    private volatile Socket current;
    private volatile OutputStream out;
    private volatile boolean closed;

    FakeServer() throws IOException
    {
        this(0);
    }

    private FakeServer(final int port) throws IOException
    {
        serverSocket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        acceptThread = new Thread(this::acceptLoop, "fake-server");
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /**
     * A server restarted on the same port that still knows the devices registered with {@code previous}.
     */
    static FakeServer onPort(final int port, final FakeServer previous) throws IOException
    {
        final FakeServer server = new FakeServer(port);
        server.loginKeys.putAll(previous.loginKeys);
        server.nextUserId.set(previous.nextUserId.get());
        return server;
    }

    int port()
    {
        return serverSocket.getLocalPort();
    }

    int connections()
    {
        return connections.get();
    }

    int logins()
    {
        return logins.get();
    }

    /**
     * Register a phone number as belonging to a user, for contact lookups.
     */
    void directory(final String phone, final long userId)
    {
        directory.put(phone, userId);
    }

    /**
     * The presence a subscribe to {@code userId} is answered with; users never set here are unknown.
     */
    void presence(final long userId, final PresenceState state, final long lastSeenMs)
    {
        presence.put(userId, new long[]{ state.value(), lastSeenMs });
    }

    /**
     * Refuse every contact lookup with this code (null: answer them).
     */
    void lookupError(final ErrorCode code)
    {
        lookupError = code;
    }

    void presenceUpdate(final long userId, final PresenceState state, final long lastSeenMs) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PresenceUpdateEncoder encoder = new PresenceUpdateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .userId(userId)
            .state(state)
            .lastSeenMs(lastSeenMs);
        write(buffer, encoder.encodedLength());
    }

    void typingUpdate(final long fromUserId, final int fromDeviceId, final TypingState state) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final TypingUpdateEncoder encoder = new TypingUpdateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder());
        encoder.from().userId(fromUserId).deviceId(fromDeviceId);
        encoder.state(state);
        write(buffer, encoder.encodedLength());
    }

    void maxGroupMembers(final int maxGroupMembers)
    {
        this.maxGroupMembers = maxGroupMembers;
    }

    /**
     * Record group requests without answering them (no GroupInfo, RequestAck or event).
     */
    void answerGroupRequests(final boolean answerGroupRequests)
    {
        this.answerGroupRequests = answerGroupRequests;
    }

    /**
     * A group event as the server sends it to every member, to the current connection.
     */
    void groupEvent(
        final long messageId,
        final long groupId,
        final long version,
        final GroupChange change,
        final long actorUserId,
        final List<Long> members,
        final String name) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512 + members.size() * 8]);
        final GroupEventEncoder encoder = new GroupEventEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(messageId)
            .timestampMs(System.currentTimeMillis())
            .groupId(groupId)
            .version(version)
            .change(change);
        encoder.actor().userId(actorUserId).deviceId(0 == actorUserId ? 0 : 1);
        final GroupEventEncoder.MembersEncoder membersEncoder = encoder.membersCount(members.size());
        for (final long userId : members)
        {
            membersEncoder.next().userId(userId);
        }
        encoder.name(name);
        write(buffer, encoder.encodedLength());
    }

    /**
     * A Deliver with this groupId (0: a direct message).
     */
    void deliverGroup(
        final long messageId, final long fromUserId, final int fromDeviceId, final long groupId, final byte[] payload)
        throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256 + payload.length]);
        final DeliverEncoder encoder = new DeliverEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(messageId)
            .timestampMs(System.currentTimeMillis())
            .groupId(groupId);
        encoder.from().userId(fromUserId).deviceId(fromDeviceId);
        encoder.putPayload(payload, 0, payload.length);
        write(buffer, encoder.encodedLength());
    }

    void groupTypingUpdate(final long groupId, final long fromUserId, final int fromDeviceId, final TypingState state)
        throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final GroupTypingUpdateEncoder encoder = new GroupTypingUpdateEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .groupId(groupId);
        encoder.from().userId(fromUserId).deviceId(fromDeviceId);
        encoder.state(state);
        write(buffer, encoder.encodedLength());
    }

    void ackSends(final boolean ackSends)
    {
        this.ackSends = ackSends;
    }

    /**
     * Accept and at once close every connection, as an overloaded or restarting server would.
     */
    void closeOnAccept(final boolean closeOnAccept)
    {
        this.closeOnAccept = closeOnAccept;
    }

    void answerPings(final boolean answerPings)
    {
        this.answerPings = answerPings;
    }

    /**
     * Run this server's clock (LoginAck's serverTimeMs, the signed-login window) this far from the host's.
     */
    void clockOffsetMs(final long clockOffsetMs)
    {
        this.clockOffsetMs = clockOffsetMs;
    }

    long nowMs()
    {
        return System.currentTimeMillis() + clockOffsetMs;
    }

    /**
     * Answer every LoginSigned LOGIN_FAILED, however good.
     */
    void refuseSignedLogins(final boolean refuseSignedLogins)
    {
        this.refuseSignedLogins = refuseSignedLogins;
    }

    /**
     * False: treat LoginSigned as a server that predates it does, as an unknown template (UNKNOWN_TEMPLATE for
     * request 0).
     */
    void knowsSignedLogin(final boolean knowsSignedLogin)
    {
        this.knowsSignedLogin = knowsSignedLogin;
    }

    /**
     * Answer every LoginProof LOGIN_FAILED, however good.
     */
    void refuseProofs(final boolean refuseProofs)
    {
        this.refuseProofs = refuseProofs;
    }

    boolean isLoggedInConnectionOpen()
    {
        return null != current && !current.isClosed();
    }

    /**
     * Close the current connection abruptly, as a crashed server or a broken network would.
     */
    void dropConnection() throws IOException
    {
        final Socket socket = current;
        if (null != socket)
        {
            socket.close();
        }
    }

    void deliver(final long messageId, final long fromUserId, final int fromDeviceId, final byte[] payload)
        throws IOException
    {
        deliverGroup(messageId, fromUserId, fromDeviceId, 0, payload);
    }

    void receipt(
        final long messageId, final long originalMessageId, final long fromUserId, final ReceiptType type)
        throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final ReceiptEncoder encoder = new ReceiptEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .messageId(messageId)
            .originalMessageId(originalMessageId)
            .receiptType(type)
            .timestampMs(42);
        encoder.from().userId(fromUserId).deviceId(1);
        write(buffer, encoder.encodedLength());
    }

    void ping(final long timestampNs) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PingEncoder encoder = new PingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .timestampNs(timestampNs);
        write(buffer, encoder.encodedLength());
    }

    /**
     * Write raw bytes, e.g. a malformed frame.
     */
    void writeRaw(final byte[] bytes) throws IOException
    {
        final OutputStream stream = out;
        synchronized (this)
        {
            stream.write(bytes);
            stream.flush();
        }
    }

    void error(final long requestId, final int templateId, final ErrorCode code, final String detail)
        throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final ErrorEncoder encoder = new ErrorEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .templateId(templateId)
            .code(code)
            .detail(detail);
        write(buffer, encoder.encodedLength());
    }

    public void close() throws IOException
    {
        closed = true;
        serverSocket.close();
        dropConnection();
        try
        {
            acceptThread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try (Socket socket = serverSocket.accept())
            {
                socket.setTcpNoDelay(true);
                current = socket;
                out = socket.getOutputStream();
                final int connection = connections.incrementAndGet();
                if (closeOnAccept)
                {
                    continue;
                }
                serve(socket.getInputStream(), connection);
            }
            catch (final IOException ex)
            {
                // Connection ended (or the server closed): accept the next one.
            }
        }
    }

    private void serve(final InputStream stream, final int connection) throws IOException
    {
        final DataInputStream in = new DataInputStream(stream);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final Session session = new Session();
        while (true)
        {
            final int frameLength;
            try
            {
                frameLength = in.readInt();
            }
            catch (final EOFException ex)
            {
                return;
            }
            final byte[] frame = new byte[frameLength];
            frame[0] = (byte)(frameLength >>> 24);
            frame[1] = (byte)(frameLength >>> 16);
            frame[2] = (byte)(frameLength >>> 8);
            frame[3] = (byte)frameLength;
            in.readFully(frame, 4, frameLength - 4);
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            if (Sofh.encodingType(buffer, 0) != Sofh.SBE_LITTLE_ENDIAN_ENCODING)
            {
                throw new IOException("bad encoding type");
            }
            header.wrap(buffer, Sofh.HEADER_LENGTH);
            onMessage(session, buffer, header, connection);
        }
    }

    private void onMessage(
        final Session session, final UnsafeBuffer buffer, final MessageHeaderDecoder header, final int connection)
        throws IOException
    {
        final int offset = Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        switch (header.templateId())
        {
            case RegisterDecoder.TEMPLATE_ID ->
            {
                final RegisterDecoder decoder = new RegisterDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                if (!decoder.phone().startsWith("+"))
                {
                    error(requestId, RegisterDecoder.TEMPLATE_ID, ErrorCode.INVALID_PHONE, "not E.164");
                    return;
                }
                final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
                final RegisterAckEncoder encoder = new RegisterAckEncoder()
                    .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
                    .requestId(requestId)
                    .codeTtlSeconds(CODE_TTL_SECONDS);
                write(out, encoder.encodedLength());
            }
            case VerifyDecoder.TEMPLATE_ID ->
            {
                final VerifyDecoder decoder = new VerifyDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                decoder.phone();
                final String code = decoder.code();
                final byte[] key = new byte[decoder.loginKeyLength()];
                decoder.getLoginKey(key, 0, key.length);
                if (!CODE.equals(code))
                {
                    error(requestId, VerifyDecoder.TEMPLATE_ID, ErrorCode.CODE_INVALID, "wrong code");
                    return;
                }
                final long userId = nextUserId.getAndIncrement();
                loginKeys.put(userId, key);
                final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
                final VerifyAckEncoder encoder = new VerifyAckEncoder()
                    .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
                    .requestId(requestId)
                    .userId(userId)
                    .deviceId(1);
                write(out, encoder.encodedLength());
            }
            case LoginStartDecoder.TEMPLATE_ID ->
            {
                final LoginStartDecoder decoder = new LoginStartDecoder().wrap(buffer, offset, blockLength, version);
                loginStarts.add(connection);
                session.userId = decoder.device().userId();
                session.deviceId = decoder.device().deviceId();
                session.loginRequestId = decoder.requestId();
                session.nonce = new byte[32];
                random.nextBytes(session.nonce);
                final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
                final LoginChallengeEncoder encoder = new LoginChallengeEncoder()
                    .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
                    .requestId(session.loginRequestId)
                    .putNonce(session.nonce, 0, session.nonce.length);
                write(out, encoder.encodedLength());
            }
            case LoginProofDecoder.TEMPLATE_ID ->
            {
                final LoginProofDecoder decoder = new LoginProofDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                final byte[] signature = new byte[decoder.signatureLength()];
                decoder.getSignature(signature, 0, signature.length);
                final byte[] key = loginKeys.get(session.userId);
                if (null == key || null == session.nonce || requestId != session.loginRequestId ||
                    !verifySignature(key, session.nonce, signature) || refuseProofs)
                {
                    error(requestId, LoginProofDecoder.TEMPLATE_ID, ErrorCode.LOGIN_FAILED, "bad proof");
                    return;
                }
                loginAck(session, requestId);
            }
            case LoginSignedDecoder.TEMPLATE_ID ->
            {
                if (!knowsSignedLogin)
                {
                    error(0, LoginSignedDecoder.TEMPLATE_ID, ErrorCode.UNKNOWN_TEMPLATE, "UNKNOWN_TEMPLATE");
                    return;
                }
                final LoginSignedDecoder decoder = new LoginSignedDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                final long userId = decoder.device().userId();
                final int deviceId = decoder.device().deviceId();
                final long timestampMs = decoder.timestampMs();
                final byte[] signature = new byte[decoder.signatureLength()];
                decoder.getSignature(signature, 0, signature.length);
                // A new attempt: a challenge under way is over.
                session.nonce = null;
                final long nowMs = nowMs();
                final long deviceKey = (userId << 16) | deviceId;
                final byte[] key = loginKeys.get(userId);
                final boolean accepted = !refuseSignedLogins && null != key &&
                    Math.abs(timestampMs - nowMs) < SIGNED_LOGIN_WINDOW_MS &&
                    timestampMs > startedAtMs + clockOffsetMs &&
                    timestampMs > lastSignedLoginMs.getOrDefault(deviceKey, Long.MIN_VALUE) &&
                    verifySignature(key, new SignedLogin().message(userId, deviceId, timestampMs), signature);
                signedLogins.add(new ReceivedSignedLogin(timestampMs, nowMs, accepted, connection));
                if (!accepted)
                {
                    error(requestId, LoginSignedDecoder.TEMPLATE_ID, ErrorCode.LOGIN_FAILED, "bad signed login");
                    return;
                }
                lastSignedLoginMs.put(deviceKey, timestampMs);
                session.userId = userId;
                session.deviceId = deviceId;
                loginAck(session, requestId);
            }
            case SendDecoder.TEMPLATE_ID ->
            {
                final SendDecoder decoder = new SendDecoder().wrap(buffer, offset, blockLength, version);
                final long clientMsgId = decoder.clientMsgId();
                if (!session.loggedIn)
                {
                    error(clientMsgId, SendDecoder.TEMPLATE_ID, ErrorCode.NOT_AUTHENTICATED, "");
                    return;
                }
                final long toUserId = decoder.to().userId();
                final int toDeviceId = decoder.to().deviceId();
                final byte[] payload = new byte[decoder.payloadLength()];
                decoder.getPayload(payload, 0, payload.length);
                sends.add(new ReceivedSend(clientMsgId, toUserId, toDeviceId, payload, connection));
                if (ackSends)
                {
                    sentAck(session, clientMsgId);
                }
            }
            case DeliverAckDecoder.TEMPLATE_ID ->
                deliverAcks.add(new DeliverAckDecoder().wrap(buffer, offset, blockLength, version).messageId());
            case ReadMarkDecoder.TEMPLATE_ID ->
            {
                final ReadMarkDecoder decoder = new ReadMarkDecoder().wrap(buffer, offset, blockLength, version);
                readMarks.add(
                    new long[]{ decoder.messageId(), decoder.sender().userId(), decoder.sender().deviceId() });
            }
            case PingDecoder.TEMPLATE_ID ->
            {
                final long timestampNs = new PingDecoder().wrap(buffer, offset, blockLength, version).timestampNs();
                pings.add(timestampNs);
                if (answerPings)
                {
                    final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
                    final PongEncoder encoder = new PongEncoder()
                        .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
                        .timestampNs(timestampNs);
                    write(out, encoder.encodedLength());
                }
            }
            case PongDecoder.TEMPLATE_ID ->
                pongs.add(new PongDecoder().wrap(buffer, offset, blockLength, version).timestampNs());
            case LogoutDecoder.TEMPLATE_ID ->
            {
                final long requestId = new LogoutDecoder().wrap(buffer, offset, blockLength, version).requestId();
                session.loggedIn = false;
                logouts.add(connection);
                final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
                final RequestAckEncoder encoder = new RequestAckEncoder()
                    .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
                    .requestId(requestId)
                    .templateId(LogoutDecoder.TEMPLATE_ID);
                write(out, encoder.encodedLength());
            }
            case ContactLookupDecoder.TEMPLATE_ID ->
            {
                final ContactLookupDecoder decoder =
                    new ContactLookupDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                final List<String> phones = new ArrayList<>();
                for (final ContactLookupDecoder.PhonesDecoder phone : decoder.phones())
                {
                    phones.add(phone.phone());
                }
                lookups.add(phones);
                final ErrorCode refusal = lookupError;
                if (null != refusal)
                {
                    error(requestId, ContactLookupDecoder.TEMPLATE_ID, refusal, "refused");
                    return;
                }
                final List<String> registered = new ArrayList<>();
                for (final String phone : phones)
                {
                    if (directory.containsKey(phone))
                    {
                        registered.add(phone);
                    }
                }
                final UnsafeBuffer out = new UnsafeBuffer(new byte[64 + registered.size() * 300]);
                final ContactLookupResultEncoder encoder = new ContactLookupResultEncoder()
                    .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
                    .requestId(requestId);
                final ContactLookupResultEncoder.ContactsEncoder contacts = encoder.contactsCount(registered.size());
                for (final String phone : registered)
                {
                    contacts.next().userId(directory.get(phone)).phone(phone);
                }
                write(out, encoder.encodedLength());
            }
            case PresenceSubscribeDecoder.TEMPLATE_ID ->
            {
                final PresenceSubscribeDecoder decoder =
                    new PresenceSubscribeDecoder().wrap(buffer, offset, blockLength, version);
                final long userId = decoder.userId();
                presenceSubscribes.add(userId);
                final long[] current = presence.get(userId);
                if (null == current)
                {
                    error(decoder.requestId(), PresenceSubscribeDecoder.TEMPLATE_ID, ErrorCode.UNKNOWN_USER, "");
                    return;
                }
                presenceUpdate(userId, PresenceState.get((short)current[0]), current[1]);
            }
            case PresenceUnsubscribeDecoder.TEMPLATE_ID ->
            {
                final PresenceUnsubscribeDecoder decoder =
                    new PresenceUnsubscribeDecoder().wrap(buffer, offset, blockLength, version);
                presenceUnsubscribes.add(decoder.userId());
                requestAck(decoder.requestId(), PresenceUnsubscribeDecoder.TEMPLATE_ID);
            }
            case TypingDecoder.TEMPLATE_ID ->
            {
                final TypingDecoder decoder = new TypingDecoder().wrap(buffer, offset, blockLength, version);
                typings.add(new long[]{ decoder.to().userId(), decoder.to().deviceId(), decoder.stateRaw() });
            }
            case BlockDecoder.TEMPLATE_ID ->
            {
                final BlockDecoder decoder = new BlockDecoder().wrap(buffer, offset, blockLength, version);
                blocks.add(decoder.userId());
                requestAck(decoder.requestId(), BlockDecoder.TEMPLATE_ID);
            }
            case UnblockDecoder.TEMPLATE_ID ->
            {
                final UnblockDecoder decoder = new UnblockDecoder().wrap(buffer, offset, blockLength, version);
                unblocks.add(decoder.userId());
                requestAck(decoder.requestId(), UnblockDecoder.TEMPLATE_ID);
            }
            case PrivacySettingsDecoder.TEMPLATE_ID ->
            {
                final PrivacySettingsDecoder decoder =
                    new PrivacySettingsDecoder().wrap(buffer, offset, blockLength, version);
                privacySettings.add(decoder.lastSeen() + "/" + decoder.online());
                requestAck(decoder.requestId(), PrivacySettingsDecoder.TEMPLATE_ID);
            }
            case SendGroupDecoder.TEMPLATE_ID ->
            {
                final SendGroupDecoder decoder = new SendGroupDecoder().wrap(buffer, offset, blockLength, version);
                final long clientMsgId = decoder.clientMsgId();
                final long groupId = decoder.groupId();
                final byte[] payload = new byte[decoder.payloadLength()];
                decoder.getPayload(payload, 0, payload.length);
                groupSends.add(new ReceivedGroupSend(clientMsgId, groupId, payload, connection));
                if (refusedGroup(session, clientMsgId, SendGroupDecoder.TEMPLATE_ID, groupId, false) || !ackSends)
                {
                    return;
                }
                sentAck(session, clientMsgId);
            }
            case GroupCreateDecoder.TEMPLATE_ID ->
            {
                final GroupCreateDecoder decoder = new GroupCreateDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                final List<Long> named = userIds(decoder.members(), GroupCreateDecoder.MembersDecoder::userId);
                final String name = decoder.name();
                groupRequests.add(GroupCreateDecoder.TEMPLATE_ID);
                if (!answerGroupRequests)
                {
                    return;
                }
                if (named.size() + 1 > maxGroupMembers)
                {
                    error(requestId, GroupCreateDecoder.TEMPLATE_ID, ErrorCode.GROUP_FULL, "too many members");
                    return;
                }
                final Group group = new Group(nextGroupId.getAndIncrement(), name);
                group.members.put(session.userId, GroupRole.ADMIN);
                for (final long userId : named)
                {
                    group.members.putIfAbsent(userId, GroupRole.MEMBER);
                }
                group.version = 1;
                groups.put(group.groupId, group);
                // As the server does: the answer to the caller's device, the event to every other member device.
                groupInfo(requestId, group);
            }
            case GroupUpdateDecoder.TEMPLATE_ID ->
            {
                final GroupUpdateDecoder decoder = new GroupUpdateDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                final long groupId = decoder.groupId();
                final GroupChange change = decoder.change();
                final List<Long> named = userIds(decoder.members(), GroupUpdateDecoder.MembersDecoder::userId);
                final String name = decoder.name();
                if (!acceptedGroupRequest(session, requestId, GroupUpdateDecoder.TEMPLATE_ID, groupId, true))
                {
                    return;
                }
                final Group group = groups.get(groupId);
                if (GroupChange.ADD_MEMBERS == change && group.members.size() + named.size() > maxGroupMembers)
                {
                    error(requestId, GroupUpdateDecoder.TEMPLATE_ID, ErrorCode.GROUP_FULL, "");
                    return;
                }
                for (final long userId : named)
                {
                    switch (change)
                    {
                        case ADD_MEMBERS -> group.members.putIfAbsent(userId, GroupRole.MEMBER);
                        case REMOVE_MEMBERS -> group.members.remove(userId);
                        case PROMOTE_ADMINS -> group.members.replace(userId, GroupRole.ADMIN);
                        case DEMOTE_ADMINS -> group.members.replace(userId, GroupRole.MEMBER);
                        default ->
                        {
                        }
                    }
                }
                if (GroupChange.RENAME == change)
                {
                    group.name = name;
                }
                group.version++;
                groupInfo(requestId, group);
            }
            case GroupLeaveDecoder.TEMPLATE_ID ->
            {
                final GroupLeaveDecoder decoder = new GroupLeaveDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                final long groupId = decoder.groupId();
                if (!acceptedGroupRequest(session, requestId, GroupLeaveDecoder.TEMPLATE_ID, groupId, false))
                {
                    return;
                }
                final Group group = groups.get(groupId);
                group.members.remove(session.userId);
                group.version++;
                requestAck(requestId, GroupLeaveDecoder.TEMPLATE_ID);
            }
            case GroupInfoRequestDecoder.TEMPLATE_ID ->
            {
                final GroupInfoRequestDecoder decoder =
                    new GroupInfoRequestDecoder().wrap(buffer, offset, blockLength, version);
                final long requestId = decoder.requestId();
                if (!acceptedGroupRequest(
                    session, requestId, GroupInfoRequestDecoder.TEMPLATE_ID, decoder.groupId(), false))
                {
                    return;
                }
                groupInfo(requestId, groups.get(decoder.groupId()));
            }
            case GroupTypingDecoder.TEMPLATE_ID ->
            {
                final GroupTypingDecoder decoder = new GroupTypingDecoder().wrap(buffer, offset, blockLength, version);
                groupTypings.add(new long[]{ decoder.groupId(), decoder.stateRaw() });
            }
            default -> error(0, header.templateId(), ErrorCode.UNKNOWN_TEMPLATE, "");
        }
    }

    private void loginAck(final Session session, final long requestId) throws IOException
    {
        session.loggedIn = true;
        logins.incrementAndGet();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        final LoginAckEncoder encoder = new LoginAckEncoder()
            .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .serverTimeMs(nowMs())
            .pendingCount(0);
        encoder.device().userId(session.userId).deviceId(session.deviceId);
        write(out, encoder.encodedLength());
    }

    private static <T> List<Long> userIds(final Iterable<T> members, final ToLongFunction<T> userId)
    {
        final List<Long> userIds = new ArrayList<>();
        for (final T member : members)
        {
            userIds.add(userId.applyAsLong(member));
        }
        return userIds;
    }

    private void sentAck(final Session session, final long clientMsgId) throws IOException
    {
        final long messageId = messageIdByClientMsgId.computeIfAbsent(
            session.userId * 1_000_000_000L + clientMsgId, (ignore) -> nextMessageId.getAndIncrement());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final SentAckEncoder encoder = new SentAckEncoder()
            .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .clientMsgId(clientMsgId)
            .messageId(messageId)
            .timestampMs(System.currentTimeMillis());
        write(out, encoder.encodedLength());
    }

    /**
     * Record a request about a group; true if it is to be carried out: answered at all and not refused.
     */
    private boolean acceptedGroupRequest(
        final Session session, final long requestId, final int templateId, final long groupId, final boolean admin)
        throws IOException
    {
        groupRequests.add(templateId);
        return answerGroupRequests && !refusedGroup(session, requestId, templateId, groupId, admin);
    }

    /**
     * Refuse a group request as the server would: UNKNOWN_GROUP, NOT_GROUP_MEMBER, NOT_GROUP_ADMIN.
     */
    private boolean refusedGroup(
        final Session session, final long requestId, final int templateId, final long groupId, final boolean admin)
        throws IOException
    {
        final Group group = groups.get(groupId);
        final ErrorCode code;
        if (null == group)
        {
            code = ErrorCode.UNKNOWN_GROUP;
        }
        else if (!group.members.containsKey(session.userId))
        {
            code = ErrorCode.NOT_GROUP_MEMBER;
        }
        else if (admin && GroupRole.ADMIN != group.members.get(session.userId))
        {
            code = ErrorCode.NOT_GROUP_ADMIN;
        }
        else
        {
            return false;
        }
        error(requestId, templateId, code, "");
        return true;
    }

    private void groupInfo(final long requestId, final Group group) throws IOException
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[512 + group.members.size() * 9]);
        final GroupInfoEncoder encoder = new GroupInfoEncoder()
            .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .groupId(group.groupId)
            .version(group.version);
        final GroupInfoEncoder.MembersEncoder members = encoder.membersCount(group.members.size());
        for (final Map.Entry<Long, GroupRole> member : group.members.entrySet())
        {
            members.next().userId(member.getKey()).role(member.getValue());
        }
        encoder.name(group.name);
        write(out, encoder.encodedLength());
    }

    private void requestAck(final long requestId, final int templateId) throws IOException
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final RequestAckEncoder encoder = new RequestAckEncoder()
            .wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .templateId(templateId);
        write(out, encoder.encodedLength());
    }

    private void write(final UnsafeBuffer buffer, final int bodyLength) throws IOException
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        final byte[] bytes = new byte[Sofh.HEADER_LENGTH + messageLength];
        buffer.getBytes(0, bytes);
        writeRaw(bytes);
    }

    private static boolean verifySignature(final byte[] rawKey, final byte[] message, final byte[] signature)
    {
        try
        {
            final byte[] x509 = new byte[ED25519_X509_PREFIX.length + rawKey.length];
            System.arraycopy(ED25519_X509_PREFIX, 0, x509, 0, ED25519_X509_PREFIX.length);
            System.arraycopy(rawKey, 0, x509, ED25519_X509_PREFIX.length, rawKey.length);
            final PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
            final Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(signature);
        }
        catch (final GeneralSecurityException ex)
        {
            return false;
        }
    }

    private static final class Session
    {
        long userId;
        int deviceId;
        long loginRequestId;
        byte[] nonce;
        boolean loggedIn;
    }
}
