package dev.switchboard.edge;

import com.sun.jna.Native;
import dev.switchboard.edge.NativeSockets.Binding;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;

import static dev.switchboard.edge.NativeSockets.AF_INET;
import static dev.switchboard.edge.NativeSockets.AF_INET6;
import static dev.switchboard.edge.NativeSockets.EINPROGRESS;
import static dev.switchboard.edge.NativeSockets.EINTR;
import static dev.switchboard.edge.NativeSockets.IPPROTO_TCP;
import static dev.switchboard.edge.NativeSockets.SOCK_CLOEXEC;
import static dev.switchboard.edge.NativeSockets.SOCK_NONBLOCK;
import static dev.switchboard.edge.NativeSockets.SOCK_STREAM;
import static dev.switchboard.edge.NativeSockets.TCP_NODELAY;

/**
 * Opens client connections with the C library's {@code socket} and {@code connect}, then wraps the descriptor in the
 * JDK's own socket channel, already taken as connected, as {@link NativeAccept} does for accepted ones. The JDK's way
 * ({@code SocketChannel.open}, {@code configureBlocking(false)}, {@code TCP_NODELAY}, {@code connect}, an
 * {@code OP_CONNECT} registration, then {@code finishConnect} and an interest change once the selector reports it)
 * costs a poll, an {@code fcntl}, an epoll change and a wake-up a connection more: what a load generator opening
 * thousands a second pays. Write the first frame at once: on loopback the handshake is done by the time
 * {@code connect} returns; elsewhere the frame waits in the output until the socket is writable, and a refused
 * connect shows as the first write's or read's error.
 * <p>
 * Linux only, and only where JNA binds the C library and the JDK's {@code sun.nio.ch} is open to this code (the
 * launcher's {@code --add-opens}); elsewhere {@link #openOrNull()} gives null. Not thread safe.
 */
public final class NativeConnect
{
    private static final int SOCKADDR_IN_LENGTH = 16;
    private static final int SOCKADDR_IN6_LENGTH = 28;

    private final SelectorProvider provider = SelectorProvider.provider();
    private final byte[] address = new byte[SOCKADDR_IN6_LENGTH];
    private final int[] optionValue = { 1 };

    private NativeConnect()
    {
    }

    /**
     * A connector, or null where the JDK's way must be used ({@link #unavailableBecause()}).
     */
    public static NativeConnect openOrNull()
    {
        return null == unavailableBecause() ? new NativeConnect() : null;
    }

    /** Why the JDK's way must be used, or null when this is available. */
    public static String unavailableBecause()
    {
        if (null != NativeSockets.unavailableBecause())
        {
            return "socket and connect " + NativeSockets.unavailableBecause();
        }
        return null;
    }

    /**
     * A non-blocking channel with {@code TCP_NODELAY}, bound to {@code source} unless that is null, whose connect to
     * {@code server} is under way or done.
     *
     * @throws IOException as {@code socket}, {@code bind} or {@code connect} fail, in the C library's words.
     */
    public SocketChannel connect(final InetSocketAddress server, final InetAddress source) throws IOException
    {
        final boolean ipv4 = server.getAddress() instanceof Inet4Address;
        final int family = ipv4 ? AF_INET : AF_INET6;
        final int fd = Binding.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw NativeSockets.errnoException("socket", Native.getLastError());
        }
        try
        {
            if (0 != Binding.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, optionValue, Integer.BYTES))
            {
                throw NativeSockets.errnoException("TCP_NODELAY", Native.getLastError());
            }
            if (null != source && 0 != Binding.bind(fd, address, sockaddr(family, source, 0)))
            {
                throw NativeSockets.errnoException("bind " + source.getHostAddress(), Native.getLastError());
            }
            final int length = sockaddr(family, server.getAddress(), server.getPort());
            while (0 != Binding.connect(fd, address, length))
            {
                final int errno = Native.getLastError();
                if (EINPROGRESS == errno)
                {
                    break;
                }
                if (EINTR != errno)
                {
                    throw NativeSockets.errnoException("connect " + server, errno);
                }
            }
        }
        catch (final IOException ex)
        {
            Binding.close(fd);
            throw ex;
        }

        return NativeSockets.wrap(
            provider, ipv4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6, fd, server);
    }

    /** Fill {@link #address} with a sockaddr_in or sockaddr_in6; returns its length. */
    private int sockaddr(final int family, final InetAddress host, final int port) throws IOException
    {
        final byte[] raw = host.getAddress();
        Arrays.fill(address, (byte)0);
        // sa_family_t is 16 bits in the host's byte order; the port after it is in the network's.
        if (ByteOrder.LITTLE_ENDIAN == ByteOrder.nativeOrder())
        {
            address[0] = (byte)family;
            address[1] = (byte)(family >>> 8);
        }
        else
        {
            address[0] = (byte)(family >>> 8);
            address[1] = (byte)family;
        }
        address[2] = (byte)(port >>> 8);
        address[3] = (byte)port;
        if (AF_INET == family)
        {
            if (raw.length != 4)
            {
                throw new IOException("an IPv6 address for an IPv4 socket: " + host);
            }
            System.arraycopy(raw, 0, address, 4, 4);
            return SOCKADDR_IN_LENGTH;
        }
        if (raw.length == 4)
        {
            // An IPv4 address on an IPv6 socket: the mapped form ::ffff:a.b.c.d.
            address[18] = (byte)0xFF;
            address[19] = (byte)0xFF;
            System.arraycopy(raw, 0, address, 20, 4);
        }
        else
        {
            System.arraycopy(raw, 0, address, 8, 16);
        }
        return SOCKADDR_IN6_LENGTH;
    }
}
