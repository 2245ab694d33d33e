package dev.switchboard.edge;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.LinkPendingEncoder;
import dev.switchboard.codec.sbe.LoginAckEncoder;
import dev.switchboard.codec.sbe.LogoutEncoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongEncoder;
import dev.switchboard.codec.sbe.RegisterAckEncoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.VerifyAckEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Builds and parses frames for tests.
 */
final class Frames
{
    static final int HEADER_LENGTH = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH;

    private Frames()
    {
    }

    static byte[] logout(final long requestId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final LogoutEncoder encoder = new LogoutEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId);
        return finish(buffer, encoder.encodedLength());
    }

    static byte[] register(final long requestId, final String phone)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final RegisterEncoder encoder = new RegisterEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .phone(phone);
        return finish(buffer, encoder.encodedLength());
    }

    static byte[] send(final long clientMsgId, final int payloadLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[payloadLength + 128]);
        final byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payloadLength; i++)
        {
            payload[i] = (byte)(i * 31 + clientMsgId);
        }
        final SendEncoder encoder = new SendEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .clientMsgId(clientMsgId);
        encoder.to().userId(42).deviceId(1);
        encoder.putPayload(payload, 0, payloadLength);
        return finish(buffer, encoder.encodedLength());
    }

    /** What the server sends on a successful login. */
    static byte[] loginAck(final long requestId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final LoginAckEncoder encoder = new LoginAckEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId);
        encoder.device().userId(7).deviceId(1);
        return finish(buffer, encoder.encodedLength());
    }

    /** What the server sends when a registration code was texted. */
    static byte[] registerAck(final long requestId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final RegisterAckEncoder encoder = new RegisterAckEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .codeTtlSeconds(600);
        return finish(buffer, encoder.encodedLength());
    }

    /** What the server sends a linking device when its code was good and the primary was asked. */
    static byte[] linkPending(final long requestId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final LinkPendingEncoder encoder = new LinkPendingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .waitSeconds(300)
            .putFingerprint(new byte[10], 0, 10);
        return finish(buffer, encoder.encodedLength());
    }

    /** What the server sends when a registration code was right. */
    static byte[] verifyAck(final long requestId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final VerifyAckEncoder encoder = new VerifyAckEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(requestId)
            .userId(7)
            .deviceId(1);
        return finish(buffer, encoder.encodedLength());
    }

    static byte[] ping(final long timestampNs)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PingEncoder encoder = new PingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .timestampNs(timestampNs);
        return finish(buffer, encoder.encodedLength());
    }

    static byte[] pong(final long timestampNs)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PongEncoder encoder = new PongEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .timestampNs(timestampNs);
        return finish(buffer, encoder.encodedLength());
    }

    /** A well framed message whose template the schema does not know. */
    static byte[] unknownTemplate(final long requestId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        new MessageHeaderEncoder().wrap(buffer, Sofh.HEADER_LENGTH)
            .blockLength(8)
            .templateId(999)
            .schemaId(MessageHeaderEncoder.SCHEMA_ID)
            .version(MessageHeaderEncoder.SCHEMA_VERSION);
        buffer.putLong(HEADER_LENGTH, requestId);
        return finish(buffer, 8);
    }

    private static byte[] finish(final UnsafeBuffer buffer, final int blockAndBodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + blockAndBodyLength;
        Sofh.write(buffer, 0, messageLength);
        return Arrays.copyOf(buffer.byteArray(), Sofh.HEADER_LENGTH + messageLength);
    }

    static byte[] concat(final byte[]... frames)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] frame : frames)
        {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    /** The frames a client received are these, in this order. */
    static void assertFrames(final byte[][] expected, final List<byte[]> received)
    {
        assertEquals(expected.length, received.size(), "frames received");
        for (int i = 0; i < expected.length; i++)
        {
            assertArrayEquals(expected[i], received.get(i), "frame " + i);
        }
    }

    /** Whole frames in a byte stream; a trailing partial frame is ignored. */
    static List<byte[]> split(final byte[] stream)
    {
        final List<byte[]> frames = new ArrayList<>();
        int position = 0;
        while (stream.length - position >= Sofh.HEADER_LENGTH)
        {
            final int length = ByteBuffer.wrap(stream, position, 4).order(ByteOrder.BIG_ENDIAN).getInt();
            if (length < Sofh.HEADER_LENGTH || stream.length - position < length)
            {
                break;
            }
            frames.add(Arrays.copyOfRange(stream, position, position + length));
            position += length;
        }
        return frames;
    }

    static int templateId(final byte[] frame)
    {
        return new MessageHeaderDecoder().wrap(new UnsafeBuffer(frame), Sofh.HEADER_LENGTH).templateId();
    }

    static long firstLong(final byte[] frame)
    {
        return new UnsafeBuffer(frame).getLong(HEADER_LENGTH);
    }

    static ErrorDecoder error(final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, Sofh.HEADER_LENGTH);
        return new ErrorDecoder().wrap(buffer, HEADER_LENGTH, header.blockLength(), header.version());
    }

    static ErrorCode errorCode(final byte[] frame)
    {
        return error(frame).code();
    }
}
