package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeliverAckEncoder;
import dev.switchboard.codec.sbe.LoginProofEncoder;
import dev.switchboard.codec.sbe.LoginStartEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.ReadMarkEncoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.VerifyEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes client requests as whole frames ({@link Sofh} header, SBE header, message) into a caller's buffer with
 * reused encoders; each method returns the frame length. Not thread safe: one per writing thread.
 */
public final class FrameWriter
{
    /**
     * Length of a Send frame carrying no payload; add the payload length for the whole frame.
     */
    public static final int SEND_FRAME_OVERHEAD = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
        SendEncoder.BLOCK_LENGTH + SendEncoder.payloadHeaderLength();

    /**
     * Largest payload a Send frame can carry (the var-data length is 16 bits).
     */
    public static final int MAX_PAYLOAD_LENGTH = 65534;

    private static final int MESSAGE_OFFSET = Sofh.HEADER_LENGTH;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final RegisterEncoder registerEncoder = new RegisterEncoder();
    private final VerifyEncoder verifyEncoder = new VerifyEncoder();
    private final LoginStartEncoder loginStartEncoder = new LoginStartEncoder();
    private final LoginProofEncoder loginProofEncoder = new LoginProofEncoder();
    private final LogoutEncoder logoutEncoder = new LogoutEncoder();
    private final SendEncoder sendEncoder = new SendEncoder();
    private final DeliverAckEncoder deliverAckEncoder = new DeliverAckEncoder();
    private final ReadMarkEncoder readMarkEncoder = new ReadMarkEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();

    /**
     * Register: ask for a verification code for {@code phone}.
     */
    public int register(final MutableDirectBuffer buffer, final int offset, final long requestId, final String phone)
    {
        registerEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .phone(phone);
        return frame(buffer, offset, registerEncoder.encodedLength());
    }

    /**
     * Verify: prove the code and register {@code loginKey}, the raw 32-byte Ed25519 public key.
     */
    public int verify(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final int registrationId,
        final String phone,
        final String code,
        final byte[] loginKey)
    {
        verifyEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .registrationId(registrationId)
            .phone(phone)
            .code(code)
            .putLoginKey(loginKey, 0, loginKey.length);
        return frame(buffer, offset, verifyEncoder.encodedLength());
    }

    /**
     * LoginStart: ask for a challenge for this device.
     */
    public int loginStart(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long userId, final int deviceId)
    {
        loginStartEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .device().userId(userId).deviceId(deviceId);
        return frame(buffer, offset, loginStartEncoder.encodedLength());
    }

    /**
     * LoginProof: the Ed25519 signature of the challenge nonce.
     */
    public int loginProof(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final byte[] signature)
    {
        loginProofEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .putSignature(signature, 0, signature.length);
        return frame(buffer, offset, loginProofEncoder.encodedLength());
    }

    /**
     * Logout: end the session.
     */
    public int logout(final MutableDirectBuffer buffer, final int offset, final long requestId)
    {
        logoutEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).requestId(requestId);
        return frame(buffer, offset, logoutEncoder.encodedLength());
    }

    /**
     * Send: a payload to a user's device (0: every device); {@link #SEND_FRAME_OVERHEAD} plus payload bytes long.
     */
    public int send(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientMsgId,
        final long toUserId,
        final int toDeviceId,
        final byte[] payload,
        final int payloadOffset,
        final int payloadLength)
    {
        sendEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .clientMsgId(clientMsgId)
            .to().userId(toUserId).deviceId(toDeviceId);
        sendEncoder.putPayload(payload, payloadOffset, payloadLength);
        return frame(buffer, offset, sendEncoder.encodedLength());
    }

    /**
     * Send, with the payload taken from a buffer so a load generator need not allocate.
     */
    public int send(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientMsgId,
        final long toUserId,
        final int toDeviceId,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        sendEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .clientMsgId(clientMsgId)
            .to().userId(toUserId).deviceId(toDeviceId);
        sendEncoder.putPayload(payload, payloadOffset, payloadLength);
        return frame(buffer, offset, sendEncoder.encodedLength());
    }

    /**
     * DeliverAck: this device holds a delivered message or receipt.
     */
    public int deliverAck(final MutableDirectBuffer buffer, final int offset, final long messageId)
    {
        deliverAckEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).messageId(messageId);
        return frame(buffer, offset, deliverAckEncoder.encodedLength());
    }

    /**
     * ReadMark: the user has seen a message from {@code senderUserId}.
     */
    public int readMark(
        final MutableDirectBuffer buffer,
        final int offset,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId)
    {
        readMarkEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .messageId(messageId)
            .sender().userId(senderUserId).deviceId(senderDeviceId);
        return frame(buffer, offset, readMarkEncoder.encodedLength());
    }

    /**
     * Ping: the server answers with a Pong carrying the same timestamp.
     */
    public int ping(final MutableDirectBuffer buffer, final int offset, final long timestampNs)
    {
        pingEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).timestampNs(timestampNs);
        return frame(buffer, offset, pingEncoder.encodedLength());
    }

    /**
     * Pong: the answer to a server Ping.
     */
    public int pong(final MutableDirectBuffer buffer, final int offset, final long timestampNs)
    {
        pongEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).timestampNs(timestampNs);
        return frame(buffer, offset, pongEncoder.encodedLength());
    }

    private static int frame(final MutableDirectBuffer buffer, final int offset, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, offset, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
