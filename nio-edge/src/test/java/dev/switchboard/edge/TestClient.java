package dev.switchboard.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * A raw loopback client: blocking connect, then non-blocking reads so a test can step the poller in between.
 */
final class TestClient implements AutoCloseable
{
    final SocketChannel channel;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private boolean endOfStream;

    TestClient(final int port) throws IOException
    {
        this(port, 0);
    }

    TestClient(final int port, final int receiveBufferLength) throws IOException
    {
        channel = SocketChannel.open();
        if (receiveBufferLength > 0)
        {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferLength);
        }
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
    }

    void send(final byte[] bytes) throws IOException
    {
        send(bytes, 0, bytes.length);
    }

    void send(final byte[] bytes, final int offset, final int length) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    /** Read what is available without blocking. */
    void poll()
    {
        if (endOfStream)
        {
            return;
        }
        try
        {
            int bytesRead;
            while ((bytesRead = channel.read(readBuffer.clear())) > 0)
            {
                received.write(readBuffer.array(), 0, bytesRead);
            }
            if (bytesRead < 0)
            {
                endOfStream = true;
            }
        }
        catch (final IOException ex)
        {
            endOfStream = true;
        }
    }

    boolean isEndOfStream()
    {
        poll();
        return endOfStream;
    }

    List<byte[]> frames()
    {
        poll();
        return Frames.split(received.toByteArray());
    }

    int receivedBytes()
    {
        return received.size();
    }

    public void close() throws IOException
    {
        channel.close();
    }
}
