package dev.switchboard.server;

import dev.switchboard.codec.SignedLogin;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.BlockEncoder;
import dev.switchboard.codec.sbe.ContactLookupEncoder;
import dev.switchboard.codec.sbe.ContactLookupResultDecoder;
import dev.switchboard.codec.sbe.DeliverAckEncoder;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.GoodbyeDecoder;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateEncoder;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.GroupInfoDecoder;
import dev.switchboard.codec.sbe.GroupInfoRequestEncoder;
import dev.switchboard.codec.sbe.GroupLeaveEncoder;
import dev.switchboard.codec.sbe.GroupTypingEncoder;
import dev.switchboard.codec.sbe.GroupTypingUpdateDecoder;
import dev.switchboard.codec.sbe.GroupUpdateEncoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.LoginSignedEncoder;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.LoginProofEncoder;
import dev.switchboard.codec.sbe.LoginStartEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.PushPlatform;
import dev.switchboard.codec.sbe.PushTokenUpdateEncoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.PresenceSubscribeEncoder;
import dev.switchboard.codec.sbe.PresenceUpdateDecoder;
import dev.switchboard.codec.sbe.PrivacySettingsEncoder;
import dev.switchboard.codec.sbe.ReadMarkEncoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.SendGroupEncoder;
import dev.switchboard.codec.sbe.SentAckEncoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.TypingEncoder;
import dev.switchboard.codec.sbe.TypingState;
import dev.switchboard.codec.sbe.TypingUpdateDecoder;
import dev.switchboard.codec.sbe.UnblockEncoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import dev.switchboard.codec.sbe.Visibility;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;

/**
 * A raw protocol connection for system tests: encodes requests by hand and reads frames back, so tests can say
 * exactly what crosses the wire, malformed bytes included.
 */
final class TestConnection implements AutoCloseable
{
    static final int TIMEOUT_MS = 10_000;

    final SocketChannel channel;
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(128 * 1024));
    private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private long nextRequestId = 1;

    KeyPair keyPair;
    long userId;
    int deviceId;

    TestConnection(final int port) throws IOException
    {
        channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        channel.socket().setSoTimeout(TIMEOUT_MS);
    }

    long nextRequestId()
    {
        return nextRequestId++;
    }

    static KeyPair newKeyPair()
    {
        try
        {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static byte[] rawPublicKey(final KeyPair keyPair)
    {
        final byte[] encoded = keyPair.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    static byte[] sign(final KeyPair keyPair, final byte[] message)
    {
        try
        {
            final Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(keyPair.getPrivate());
            signature.update(message);
            return signature.sign();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    void register(final String phone) throws IOException
    {
        final RegisterEncoder encoder = new RegisterEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId()).phone(phone);
        write(encoder.encodedLength());
    }

    void verify(final String phone, final String code, final byte[] loginKey) throws IOException
    {
        final VerifyEncoder encoder = new VerifyEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(nextRequestId())
            .registrationId(7)
            .phone(phone)
            .code(code)
            .putLoginKey(loginKey, 0, loginKey.length);
        write(encoder.encodedLength());
    }

    void loginStart(final long userId, final int deviceId) throws IOException
    {
        final LoginStartEncoder encoder = new LoginStartEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId());
        encoder.device().userId(userId).deviceId(deviceId);
        write(encoder.encodedLength());
    }

    void loginProof(final byte[] signature) throws IOException
    {
        final LoginProofEncoder encoder = new LoginProofEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(nextRequestId())
            .putSignature(signature, 0, signature.length);
        write(encoder.encodedLength());
    }

    /**
     * Log in in one round trip as the given device, signing with its key; returns the frame as written, to replay.
     */
    byte[] loginSigned(final long userId, final int deviceId, final long timestampMs, final KeyPair keyPair)
        throws IOException
    {
        final byte[] signature = sign(keyPair, new SignedLogin().message(userId, deviceId, timestampMs));
        final LoginSignedEncoder encoder = new LoginSignedEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId());
        encoder.device().userId(userId).deviceId(deviceId);
        encoder.timestampMs(timestampMs).putSignature(signature, 0, signature.length);
        write(encoder.encodedLength());
        final byte[] frame =
            new byte[Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()];
        out.getBytes(0, frame);
        return frame;
    }

    void send(final long clientMsgId, final long toUserId, final int toDeviceId, final byte[] payload)
        throws IOException
    {
        final SendEncoder encoder = new SendEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).clientMsgId(clientMsgId);
        encoder.to().userId(toUserId).deviceId(toDeviceId);
        encoder.putPayload(payload, 0, payload.length);
        write(encoder.encodedLength());
    }

    void sendGroup(final long clientMsgId, final long groupId, final byte[] payload) throws IOException
    {
        final SendGroupEncoder encoder = new SendGroupEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).clientMsgId(clientMsgId).groupId(groupId);
        encoder.putPayload(payload, 0, payload.length);
        write(encoder.encodedLength());
    }

    void groupCreate(final long requestId, final String name, final long... memberUserIds) throws IOException
    {
        final GroupCreateEncoder encoder = new GroupCreateEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(requestId);
        final GroupCreateEncoder.MembersEncoder members = encoder.membersCount(memberUserIds.length);
        for (final long userId : memberUserIds)
        {
            members.next().userId(userId);
        }
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        encoder.putName(nameBytes, 0, nameBytes.length);
        write(encoder.encodedLength());
    }

    void groupUpdate(
        final long requestId, final long groupId, final GroupChange change, final String name, final long... userIds)
        throws IOException
    {
        final GroupUpdateEncoder encoder = new GroupUpdateEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(requestId)
            .groupId(groupId)
            .change(change);
        final GroupUpdateEncoder.MembersEncoder members = encoder.membersCount(userIds.length);
        for (final long userId : userIds)
        {
            members.next().userId(userId);
        }
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        encoder.putName(nameBytes, 0, nameBytes.length);
        write(encoder.encodedLength());
    }

    void groupLeave(final long requestId, final long groupId) throws IOException
    {
        final GroupLeaveEncoder encoder = new GroupLeaveEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(requestId).groupId(groupId);
        write(encoder.encodedLength());
    }

    void groupInfoRequest(final long requestId, final long groupId) throws IOException
    {
        final GroupInfoRequestEncoder encoder = new GroupInfoRequestEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(requestId).groupId(groupId);
        write(encoder.encodedLength());
    }

    void groupTyping(final long groupId, final TypingState state) throws IOException
    {
        final GroupTypingEncoder encoder = new GroupTypingEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).groupId(groupId).state(state);
        write(encoder.encodedLength());
    }

    void ack(final long messageId) throws IOException
    {
        final DeliverAckEncoder encoder = new DeliverAckEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).messageId(messageId);
        write(encoder.encodedLength());
    }

    void readMark(final long messageId, final long senderUserId, final int senderDeviceId) throws IOException
    {
        final ReadMarkEncoder encoder = new ReadMarkEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).messageId(messageId);
        encoder.sender().userId(senderUserId).deviceId(senderDeviceId);
        write(encoder.encodedLength());
    }

    void ping(final long timestampNs) throws IOException
    {
        final PingEncoder encoder = new PingEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).timestampNs(timestampNs);
        write(encoder.encodedLength());
    }

    void presenceSubscribe(final long userId) throws IOException
    {
        final PresenceSubscribeEncoder encoder = new PresenceSubscribeEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId()).userId(userId);
        write(encoder.encodedLength());
    }

    void typing(final long toUserId, final TypingState state) throws IOException
    {
        final TypingEncoder encoder = new TypingEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder);
        encoder.to().userId(toUserId).deviceId(0);
        encoder.state(state);
        write(encoder.encodedLength());
    }

    void block(final long userId) throws IOException
    {
        final BlockEncoder encoder = new BlockEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId()).userId(userId);
        write(encoder.encodedLength());
    }

    void pushToken(final PushPlatform platform, final String token) throws IOException
    {
        final PushTokenUpdateEncoder encoder = new PushTokenUpdateEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId()).platform(platform)
            .token(token);
        write(encoder.encodedLength());
    }

    void unblock(final long userId) throws IOException
    {
        final UnblockEncoder encoder = new UnblockEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId()).userId(userId);
        write(encoder.encodedLength());
    }

    void privacy(final Visibility lastSeen, final Visibility online) throws IOException
    {
        final PrivacySettingsEncoder encoder = new PrivacySettingsEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder)
            .requestId(nextRequestId())
            .lastSeen(lastSeen)
            .online(online);
        write(encoder.encodedLength());
    }

    void contactLookup(final String... phones) throws IOException
    {
        final ContactLookupEncoder encoder = new ContactLookupEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId());
        final ContactLookupEncoder.PhonesEncoder group = encoder.phonesCount(phones.length);
        for (final String phone : phones)
        {
            group.next().phone(phone);
        }
        write(encoder.encodedLength());
    }

    void logout() throws IOException
    {
        final LogoutEncoder encoder = new LogoutEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(nextRequestId());
        write(encoder.encodedLength());
    }

    void pong(final long timestampNs) throws IOException
    {
        final PongEncoder encoder = new PongEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).timestampNs(timestampNs);
        write(encoder.encodedLength());
    }

    /** A server-to-client template written by a client: never valid. */
    void serverOnlyFrame(final long clientMsgId) throws IOException
    {
        final SentAckEncoder encoder = new SentAckEncoder();
        encoder.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).clientMsgId(clientMsgId).messageId(1);
        write(encoder.encodedLength());
    }

    void writeRaw(final byte[] bytes) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    private void write(final int bodyLength) throws IOException
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(out, 0, messageLength);
        final ByteBuffer buffer = out.byteBuffer().duplicate();
        buffer.clear().limit(Sofh.HEADER_LENGTH + messageLength);
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    /**
     * The next whole frame from the server, blocking up to the socket timeout.
     */
    Frame read() throws IOException
    {
        while (true)
        {
            if (in.position() >= Sofh.HEADER_LENGTH)
            {
                final int length = in.getInt(0);
                if (in.position() >= length)
                {
                    final byte[] frame = new byte[length];
                    in.flip();
                    in.get(frame);
                    in.compact();
                    final Frame parsed = new Frame(frame);
                    if (PingDecoder.TEMPLATE_ID == parsed.templateId())
                    {
                        // The server pings a connection that has been quiet; answer like any client would.
                        pong(parsed.buffer.getLong(Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH,
                            MessageHeaderDecoder.BYTE_ORDER));
                        continue;
                    }
                    return parsed;
                }
            }
            final int read = channel.socket().getInputStream().read(
                in.array(), in.arrayOffset() + in.position(), in.remaining());
            if (read < 0)
            {
                throw new EOFException("server closed the connection");
            }
            in.position(in.position() + read);
        }
    }

    /**
     * Read until a frame of the template arrives, failing on an Error frame or a timeout.
     */
    Frame expect(final int templateId) throws IOException
    {
        final Frame frame = read();
        if (frame.templateId() != templateId)
        {
            throw new AssertionError("expected template " + templateId + " but got " + frame);
        }
        return frame;
    }

    ErrorCode expectError() throws IOException
    {
        return expect(ErrorDecoder.TEMPLATE_ID).error().code();
    }

    /**
     * True once the server has closed the connection (reads end of stream), within the timeout.
     */
    boolean awaitClosed() throws IOException
    {
        try
        {
            while (true)
            {
                read();
            }
        }
        catch (final EOFException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            return ex.getMessage() != null && ex.getMessage().contains("reset");
        }
    }

    /**
     * Register, verify with the code the sender captured, and log in: the whole first run of a device.
     */
    void registerAndLogin(final String phone, final CapturingCodeSender codes) throws IOException
    {
        keyPair = newKeyPair();
        register(phone);
        expect(dev.switchboard.codec.sbe.RegisterAckDecoder.TEMPLATE_ID);
        verify(phone, codes.await(phone), rawPublicKey(keyPair));
        final VerifyAckDecoder verifyAck = expect(VerifyAckDecoder.TEMPLATE_ID).verifyAck();
        userId = verifyAck.userId();
        deviceId = verifyAck.deviceId();
        login();
    }

    /**
     * Assert nothing arrives within the given time.
     */
    void expectSilence(final int timeoutMs) throws IOException
    {
        final int previous = channel.socket().getSoTimeout();
        channel.socket().setSoTimeout(timeoutMs);
        try
        {
            final Frame frame = read();
            throw new AssertionError("expected nothing but got " + frame);
        }
        catch (final java.net.SocketTimeoutException expected)
        {
            // nothing came
        }
        finally
        {
            channel.socket().setSoTimeout(previous);
        }
    }

    LoginAckDecoder login() throws IOException
    {
        loginStart(userId, deviceId);
        final LoginChallengeDecoder challenge = expect(LoginChallengeDecoder.TEMPLATE_ID).loginChallenge();
        final byte[] nonce = new byte[challenge.nonceLength()];
        challenge.getNonce(nonce, 0, nonce.length);
        loginProof(sign(keyPair, nonce));
        return expect(LoginAckDecoder.TEMPLATE_ID).loginAck();
    }

    public void close() throws IOException
    {
        channel.close();
    }

    /**
     * One frame as received, with typed views.
     */
    final class Frame
    {
        final UnsafeBuffer buffer;
        final int templateId;
        final int blockLength;
        final int version;

        Frame(final byte[] bytes)
        {
            buffer = new UnsafeBuffer(bytes);
            headerDecoder.wrap(buffer, Sofh.HEADER_LENGTH);
            templateId = headerDecoder.templateId();
            blockLength = headerDecoder.blockLength();
            version = headerDecoder.version();
        }

        int templateId()
        {
            return templateId;
        }

        private int body()
        {
            return Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;
        }

        ErrorDecoder error()
        {
            return new ErrorDecoder().wrap(buffer, body(), blockLength, version);
        }

        GoodbyeDecoder goodbye()
        {
            return new GoodbyeDecoder().wrap(buffer, body(), blockLength, version);
        }

        PongDecoder pong()
        {
            return new PongDecoder().wrap(buffer, body(), blockLength, version);
        }

        SentAckDecoder sentAck()
        {
            return new SentAckDecoder().wrap(buffer, body(), blockLength, version);
        }

        DeliverDecoder deliver()
        {
            return new DeliverDecoder().wrap(buffer, body(), blockLength, version);
        }

        ReceiptDecoder receipt()
        {
            return new ReceiptDecoder().wrap(buffer, body(), blockLength, version);
        }

        VerifyAckDecoder verifyAck()
        {
            return new VerifyAckDecoder().wrap(buffer, body(), blockLength, version);
        }

        LoginChallengeDecoder loginChallenge()
        {
            return new LoginChallengeDecoder().wrap(buffer, body(), blockLength, version);
        }

        LoginAckDecoder loginAck()
        {
            return new LoginAckDecoder().wrap(buffer, body(), blockLength, version);
        }

        PresenceUpdateDecoder presenceUpdate()
        {
            return new PresenceUpdateDecoder().wrap(buffer, body(), blockLength, version);
        }

        TypingUpdateDecoder typingUpdate()
        {
            return new TypingUpdateDecoder().wrap(buffer, body(), blockLength, version);
        }

        RequestAckDecoder requestAck()
        {
            return new RequestAckDecoder().wrap(buffer, body(), blockLength, version);
        }

        GroupInfoDecoder groupInfo()
        {
            return new GroupInfoDecoder().wrap(buffer, body(), blockLength, version);
        }

        GroupEventDecoder groupEvent()
        {
            return new GroupEventDecoder().wrap(buffer, body(), blockLength, version);
        }

        GroupTypingUpdateDecoder groupTypingUpdate()
        {
            return new GroupTypingUpdateDecoder().wrap(buffer, body(), blockLength, version);
        }

        ContactLookupResultDecoder contactLookupResult()
        {
            return new ContactLookupResultDecoder().wrap(buffer, body(), blockLength, version);
        }

        public String toString()
        {
            if (ErrorDecoder.TEMPLATE_ID == templateId)
            {
                return "Error(" + error().code() + ")";
            }
            return "Frame(template " + templateId + ", " + buffer.capacity() + " bytes)";
        }
    }
}
