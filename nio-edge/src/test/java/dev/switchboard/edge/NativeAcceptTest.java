package dev.switchboard.edge;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeAcceptTest
{
    private ServerSocketChannel listener;
    private SocketChannel client;
    private SocketChannel accepted;
    private Selector selector;

    @AfterEach
    void close()
    {
        CloseHelper.quietCloseAll(accepted, client, listener, selector);
    }

    @Test
    void shouldBeAvailableOnLinuxWithTheLaunchersFlags()
    {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "accept4 is Linux only");
        assertTrue(NativeAccept.isAvailable(), "unavailable: " + NativeAccept.unavailableBecause());
        assertNull(NativeAccept.unavailableBecause());
    }

    @Test
    void shouldAcceptANonBlockingConnectedChannelThatInheritsNoDelay() throws Exception
    {
        final NativeAccept accept = open("127.0.0.1", true);
        assertNull(accept.accept(), "nothing pending");

        client = SocketChannel.open(listener.getLocalAddress());
        accepted = awaitAccepted(accept);

        assertFalse(accepted.isBlocking());
        assertTrue(accepted.isConnected());
        assertTrue(accepted.getOption(StandardSocketOptions.TCP_NODELAY), "inherited from the listener");
        assertEquals(client.getLocalAddress(), accepted.getRemoteAddress());
        assertEquals(client.getRemoteAddress(), accepted.getLocalAddress());
        assertNull(accept.accept(), "one connection, accepted once");
    }

    @Test
    void shouldLeaveNagleOnWhenNoDelayIsNotAskedFor() throws Exception
    {
        final NativeAccept accept = open("127.0.0.1", false);
        client = SocketChannel.open(listener.getLocalAddress());
        accepted = awaitAccepted(accept);

        assertFalse(accepted.getOption(StandardSocketOptions.TCP_NODELAY));
    }

    @Test
    void shouldGiveTheIpv4AddressOfAnIpv4ClientOnADualStackListener() throws Exception
    {
        final NativeAccept accept = open("0.0.0.0", true);
        final int port = ((InetSocketAddress)listener.getLocalAddress()).getPort();
        client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        accepted = awaitAccepted(accept);

        assertEquals(client.getLocalAddress(), accepted.getRemoteAddress());
    }

    @Test
    void shouldCarryBytesBothWaysThroughASelector() throws Exception
    {
        final NativeAccept accept = open("127.0.0.1", true);
        client = SocketChannel.open(listener.getLocalAddress());
        accepted = awaitAccepted(accept);
        selector = Selector.open();
        accepted.register(selector, SelectionKey.OP_READ);

        client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, selector.select(TimeUnit.SECONDS.toMillis(5)));
        final ByteBuffer received = ByteBuffer.allocate(16);
        assertEquals(4, accepted.read(received));
        assertEquals("ping", new String(received.array(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0, accepted.read(received.clear()), "non-blocking: nothing more to read");

        accepted.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
        final ByteBuffer reply = ByteBuffer.allocate(16);
        assertEquals(4, client.read(reply));
        assertEquals("pong", new String(reply.array(), 0, 4, StandardCharsets.US_ASCII));

        accepted.close();
        assertEquals(-1, client.read(reply.clear()), "closing the channel closes the socket");
    }

    private NativeAccept open(final String bindAddress, final boolean tcpNoDelay) throws IOException
    {
        assumeTrue(NativeAccept.isAvailable(), "accept4 unavailable: " + NativeAccept.unavailableBecause());
        listener = ServerSocketChannel.open();
        listener.configureBlocking(false);
        listener.bind(new InetSocketAddress(bindAddress, 0), 16);
        final NativeAccept accept = NativeAccept.openOrNull(listener, tcpNoDelay);
        assertNotNull(accept);
        return accept;
    }

    private static SocketChannel awaitAccepted(final NativeAccept accept) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadlineNs)
        {
            final SocketChannel channel = accept.accept();
            if (null != channel)
            {
                return channel;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no connection accepted");
    }
}
