package dev.switchboard.edge;

import dev.switchboard.codec.FrameRejection;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.GoodbyeEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongEncoder;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The frames the edge itself sends (Ping, Pong, Error, Goodbye), encoded into one scratch buffer and written at once.
 */
final class ControlFrames
{
    private final OutboundWriter writer;
    private final CachedNanoClock clock;
    private final ByteBuffer controlByteBuffer = ByteBuffer.allocateDirect(EdgeContext.CONTROL_FRAME_CAPACITY);
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(controlByteBuffer);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final GoodbyeEncoder goodbyeEncoder = new GoodbyeEncoder();
    private final byte[][] rejectionDetails;

    ControlFrames(final OutboundWriter writer, final CachedNanoClock clock)
    {
        this.writer = writer;
        this.clock = clock;
        final FrameRejection[] rejections = FrameRejection.values();
        rejectionDetails = new byte[rejections.length][];
        for (final FrameRejection rejection : rejections)
        {
            rejectionDetails[rejection.ordinal()] = rejection.name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    void sendPing(final Connection connection)
    {
        pingEncoder.wrapAndApplyHeader(controlBuffer, Sofh.HEADER_LENGTH, headerEncoder).timestampNs(clock.nanoTime());
        send(connection, pingEncoder.encodedLength());
    }

    void sendPong(final Connection connection, final long timestampNs)
    {
        pongEncoder.wrapAndApplyHeader(controlBuffer, Sofh.HEADER_LENGTH, headerEncoder).timestampNs(timestampNs);
        send(connection, pongEncoder.encodedLength());
    }

    /** The server is shutting down: reconnect no sooner than the hint. */
    void sendGoodbye(final Connection connection, final long retryAfterMs)
    {
        goodbyeEncoder.wrapAndApplyHeader(controlBuffer, Sofh.HEADER_LENGTH, headerEncoder).retryAfterMs(retryAfterMs);
        send(connection, goodbyeEncoder.encodedLength());
    }

    /** An Error naming the validation's verdict, for the request that failed it. */
    void sendError(
        final Connection connection,
        final long requestId,
        final int templateId,
        final ErrorCode code,
        final FrameRejection rejection)
    {
        sendError(connection, requestId, templateId, code, rejectionDetails[rejection.ordinal()]);
    }

    void sendError(final Connection connection, final ErrorCode code, final byte[] detail)
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
        send(connection, errorEncoder.encodedLength());
    }

    private void send(final Connection connection, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(controlBuffer, 0, messageLength);
        writer.write(connection, controlBuffer, controlByteBuffer, 0, Sofh.HEADER_LENGTH + messageLength);
    }
}
