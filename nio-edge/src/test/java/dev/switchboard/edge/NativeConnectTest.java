package dev.switchboard.edge;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class NativeConnectTest
{
    private NativeConnect connector;

    @BeforeEach
    void open()
    {
        connector = NativeConnect.openOrNull();
        assertNotNull(connector, NativeConnect.unavailableBecause());
    }

    @Test
    void shouldWriteTheFirstFrameAtOnceOnANonBlockingNoDelaySocket() throws IOException
    {
        try (ServerSocketChannel listener = listen(InetAddress.getLoopbackAddress());
            SocketChannel channel = connector.connect((InetSocketAddress)listener.getLocalAddress(), null))
        {
            assertFalse(channel.isBlocking());
            assertTrue(channel.isConnected());
            assertTrue(channel.getOption(StandardSocketOptions.TCP_NODELAY));
            assertEquals(listener.getLocalAddress(), channel.getRemoteAddress());

            final ByteBuffer hello = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(5, channel.write(hello), "on loopback the handshake is done when connect returns");
            try (SocketChannel accepted = listener.accept())
            {
                final ByteBuffer in = ByteBuffer.allocate(16);
                while (in.position() < 5)
                {
                    accepted.read(in);
                }
                assertEquals("hello", new String(in.array(), 0, 5, StandardCharsets.US_ASCII));
                accepted.write(ByteBuffer.wrap(new byte[]{ 42 }));
                final ByteBuffer reply = ByteBuffer.allocate(1);
                while (reply.position() < 1)
                {
                    channel.read(reply);
                }
                assertEquals(42, reply.get(0));
            }
        }
    }

    @Test
    void shouldBindToTheSourceAddressAsked() throws IOException
    {
        final InetAddress source = InetAddress.getByName("127.0.0.2");
        try (ServerSocketChannel listener = listen(InetAddress.getByName("127.0.0.1"));
            SocketChannel channel = connector.connect((InetSocketAddress)listener.getLocalAddress(), source);
            SocketChannel accepted = listener.accept())
        {
            assertEquals(source, ((InetSocketAddress)channel.getLocalAddress()).getAddress());
            assertEquals(source, ((InetSocketAddress)accepted.getRemoteAddress()).getAddress());
        }
    }

    @Test
    void shouldConnectOverIpv6() throws IOException
    {
        final InetAddress loopback6 = InetAddress.getByName("::1");
        final ServerSocketChannel listener6;
        try
        {
            listener6 = listen(loopback6);
        }
        catch (final IOException ex)
        {
            Assumptions.abort("no IPv6 loopback on this host: " + ex.getMessage());
            return;
        }
        try (ServerSocketChannel listener = listener6;
            SocketChannel channel = connector.connect((InetSocketAddress)listener.getLocalAddress(), null);
            SocketChannel accepted = listener.accept())
        {
            assertEquals(loopback6, ((InetSocketAddress)accepted.getRemoteAddress()).getAddress());
            assertEquals(1, channel.write(ByteBuffer.wrap(new byte[]{ 7 })));
        }
    }

    @Test
    void shouldReportARefusedConnectAsAnError() throws IOException
    {
        final InetSocketAddress closed;
        try (ServerSocketChannel listener = listen(InetAddress.getLoopbackAddress()))
        {
            closed = (InetSocketAddress)listener.getLocalAddress();
        }
        // On loopback the refusal comes back within connect itself, or at the first write or read.
        assertThrows(IOException.class, () ->
        {
            try (SocketChannel channel = connector.connect(closed, null))
            {
                channel.write(ByteBuffer.wrap(new byte[]{ 1 }));
                channel.read(ByteBuffer.allocate(1));
            }
        });
    }

    private static ServerSocketChannel listen(final InetAddress address) throws IOException
    {
        final ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(address, 0));
        return listener;
    }
}
