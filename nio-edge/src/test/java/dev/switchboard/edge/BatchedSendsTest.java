package dev.switchboard.edge;

import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BatchedSendsTest
{
    private ServerSocketChannel server;
    private BatchedSends sends;

    @BeforeEach
    void open() throws IOException
    {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "io_uring is Linux only");
        sends = BatchedSends.openOrNull(64);
        assertNotNull(sends, "io_uring unavailable on this Linux host: " + BatchedSends.unavailableReason());
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close()
    {
        CloseHelper.quietCloseAll(sends, server);
    }

    @Test
    void shouldSendToEverySocketInOneSubmissionInOrder() throws IOException
    {
        final int sockets = 8;
        final SocketChannel[] senders = new SocketChannel[sockets];
        final SocketChannel[] receivers = new SocketChannel[sockets];
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(4096, 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        try
        {
            for (int i = 0; i < sockets; i++)
            {
                senders[i] = connect();
                receivers[i] = server.accept();
            }
            for (int round = 0; round < 3; round++)
            {
                final int[] indexes = new int[sockets];
                for (int i = 0; i < sockets; i++)
                {
                    final int offset = i * 64;
                    for (int b = 0; b < 40; b++)
                    {
                        buffer.putByte(offset + b, (byte)(round * 100 + i + b));
                    }
                    indexes[i] = sends.add(SocketDescriptors.fd(senders[i]), buffer.addressOffset() + offset, 40);
                }
                assertEquals(sockets, sends.queued());
                assertTrue(sends.sendAll());
                assertEquals(0, sends.queued());
                for (int i = 0; i < sockets; i++)
                {
                    assertEquals(40, sends.result(indexes[i]), "socket " + i);
                    final byte[] expected = new byte[40];
                    buffer.getBytes(i * 64, expected);
                    assertArrayEquals(expected, readFully(receivers[i], 40), "socket " + i + ", round " + round);
                }
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(senders);
            CloseHelper.quietCloseAll(receivers);
        }
    }

    @Test
    void shouldSendFromAThreadOtherThanTheOneThatOpenedIt() throws Exception
    {
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(64, 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.setMemory(0, 40, (byte)7);
        try (SocketChannel sender = connect(); SocketChannel receiver = server.accept())
        {
            final int[] result = {Integer.MIN_VALUE};
            final Thread poller = new Thread(() ->
            {
                final int index = sends.add(SocketDescriptors.fd(sender), buffer.addressOffset(), 40);
                result[0] = sends.sendAll() ? sends.result(index) : Integer.MIN_VALUE;
            });
            poller.start();
            poller.join();
            assertEquals(40, result[0]);
            final byte[] expected = new byte[40];
            Arrays.fill(expected, (byte)7);
            assertArrayEquals(expected, readFully(receiver, 40));
        }
    }

    @Test
    void shouldAnswerAtOnceWhenTheSocketIsFullInsteadOfWaiting() throws IOException
    {
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(1 << 20, 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        try (SocketChannel sender = connect(); SocketChannel receiver = server.accept())
        {
            sender.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
            long taken = 0;
            int lastResult = Integer.MAX_VALUE;
            for (int i = 0; i < 200 && lastResult != 0; i++)
            {
                final int index = sends.add(SocketDescriptors.fd(sender), buffer.addressOffset(), buffer.capacity());
                assertTrue(sends.sendAll());
                lastResult = sends.result(index);
                assertTrue(lastResult >= 0 && lastResult <= buffer.capacity(), "result " + lastResult);
                taken += lastResult;
            }
            assertEquals(0, lastResult, "a full socket takes nothing and the send returns");
            assertTrue(taken > 0 && taken < 200L * buffer.capacity(), "taken " + taken);

            // The sends that took nothing are over: reading everything the socket took leaves nothing in flight.
            final ByteBuffer drain = ByteBuffer.allocate(1 << 16);
            long read = 0;
            while (read < taken)
            {
                drain.clear();
                read += receiver.read(drain);
            }
            assertEquals(taken, read);
        }
    }

    @Test
    void shouldReportAFailedSendWhenThePeerHasGone() throws IOException
    {
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(64, 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        try (SocketChannel sender = connect())
        {
            final SocketChannel receiver = server.accept();
            receiver.setOption(StandardSocketOptions.SO_LINGER, 0);
            receiver.close();

            int result = 0;
            for (int i = 0; i < 100 && result >= 0; i++)
            {
                final int index = sends.add(SocketDescriptors.fd(sender), buffer.addressOffset(), 40);
                assertTrue(sends.sendAll());
                result = sends.result(index);
            }
            assertEquals(-1, result, "a reset connection fails its send");
        }
    }

    private SocketChannel connect() throws IOException
    {
        final SocketChannel channel = SocketChannel.open(server.getLocalAddress());
        channel.configureBlocking(false);
        return channel;
    }

    private static byte[] readFully(final SocketChannel channel, final int length) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        final boolean blocking = channel.isBlocking();
        channel.configureBlocking(true);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                break;
            }
        }
        channel.configureBlocking(blocking);
        return buffer.array();
    }
}
