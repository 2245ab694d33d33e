package dev.switchboard.edge;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;

/**
 * Closes a connection accepted past the connection limit, with an Error frame (SERVER_BUSY) encoded once up front so
 * a refusal allocates nothing. Owned by the acceptor's thread.
 */
final class ConnectionRefusal
{
    private static final byte[] REFUSAL_DETAIL = "connection limit".getBytes(StandardCharsets.US_ASCII);

    private final ByteBuffer refusal = encodeRefusal();

    /**
     * Tell the client why before closing, so it backs off instead of reconnecting at once. A fresh socket's empty
     * send buffer takes the few bytes without blocking; if not, the close alone still says enough.
     */
    void refuse(final SocketChannel channel)
    {
        try
        {
            channel.configureBlocking(false);
            channel.write(refusal.limit(refusal.capacity()).position(0));
        }
        catch (final IOException ignore)
        {
            // The peer is gone already.
        }
        CloseHelper.quietClose(channel);
    }

    private static ByteBuffer encodeRefusal()
    {
        final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(
            Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + ErrorEncoder.BLOCK_LENGTH +
            ErrorEncoder.detailHeaderLength() + REFUSAL_DETAIL.length);
        final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
        final ErrorEncoder encoder = new ErrorEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(0)
            .templateId(0)
            .code(ErrorCode.SERVER_BUSY)
            .putDetail(REFUSAL_DETAIL, 0, REFUSAL_DETAIL.length);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        Sofh.write(buffer, 0, messageLength);

        return byteBuffer;
    }
}
