package dev.switchboard.edge;

import com.sun.jna.Native;
import dev.switchboard.edge.NativeSockets.Binding;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

import static dev.switchboard.edge.NativeSockets.AF_INET;
import static dev.switchboard.edge.NativeSockets.AF_INET6;
import static dev.switchboard.edge.NativeSockets.EAGAIN;
import static dev.switchboard.edge.NativeSockets.ECONNABORTED;
import static dev.switchboard.edge.NativeSockets.EINTR;
import static dev.switchboard.edge.NativeSockets.IPPROTO_TCP;
import static dev.switchboard.edge.NativeSockets.SOCK_CLOEXEC;
import static dev.switchboard.edge.NativeSockets.SOCK_NONBLOCK;
import static dev.switchboard.edge.NativeSockets.TCP_NODELAY;

/**
 * Accepts with one {@code accept4(2)} that makes the socket non-blocking, then wraps the descriptor in the JDK's own
 * socket channel, so the pollers see the same channel as ever. {@code ServerSocketChannel.accept()} followed by
 * {@code configureBlocking(false)} and {@code TCP_NODELAY} takes eight system calls a connection on Linux (accept,
 * three {@code fcntl}, two {@code getsockname}, {@code setsockopt}); this takes four (accept4, the two
 * {@code getsockname} of the JDK's channel, one {@code fcntl}), at about a microsecond each on a virtual host
 * where a login costs the server about 95 us. {@code TCP_NODELAY} is set once on the listener instead: on Linux an
 * accepted socket inherits it.
 * <p>
 * Linux only, and only where JNA binds the C library and the JDK's {@code sun.nio.ch} is open to this code (the
 * launcher's {@code --add-opens}); elsewhere {@link #openOrNull} gives null and the acceptor keeps to the JDK's accept,
 * as it does when {@code switchboard.edge.accept4} is false.
 * Owned by the acceptor's thread; not thread safe.
 */
final class NativeAccept
{
    /** struct sockaddr_in6, the larger of the two families a TCP listener accepts. */
    private static final int SOCKADDR_LENGTH = 28;

    private final int listenerFd;
    private final SelectorProvider provider;
    private final byte[] address = new byte[SOCKADDR_LENGTH];
    private final int[] addressLength = new int[1];
    private final int[] optionValue = new int[1];

    private NativeAccept(final int listenerFd, final SelectorProvider provider)
    {
        this.listenerFd = listenerFd;
        this.provider = provider;
    }

    /**
     * @param listener   a bound, listening, non-blocking channel; accepted sockets inherit its options.
     * @param tcpNoDelay whether accepted sockets send without Nagle's delay; set on the listener here.
     * @return the native acceptor for the listener, or null where it is not available ({@link #unavailableBecause()}),
     * so the JDK's accept is used.
     * @throws IOException if the listener refuses {@code TCP_NODELAY}.
     */
    static NativeAccept openOrNull(final ServerSocketChannel listener, final boolean tcpNoDelay) throws IOException
    {
        if (!isAvailable())
        {
            return null;
        }
        final NativeAccept accept = new NativeAccept(SocketDescriptors.fd(listener), listener.provider());
        if (tcpNoDelay)
        {
            accept.setListenerNoDelay();
        }

        return accept;
    }

    static boolean isAvailable()
    {
        return null == NativeSockets.unavailableBecause() && SocketDescriptors.isAvailable();
    }

    /** Why the JDK's accept is used instead, or null when accept4 is available. */
    static String unavailableBecause()
    {
        if (null != NativeSockets.unavailableBecause())
        {
            return "accept4 " + NativeSockets.unavailableBecause();
        }
        return SocketDescriptors.isAvailable() ? null :
            "socket descriptors are not reachable: the JVM needs --add-exports java.base/sun.nio.ch=ALL-UNNAMED";
    }

    /**
     * The next pending connection as a non-blocking channel, or null when none is pending.
     *
     * @throws IOException as {@code accept(2)} fails, for example out of descriptors (EMFILE); the connection stays
     *                     pending.
     */
    SocketChannel accept() throws IOException
    {
        int fd;
        do
        {
            addressLength[0] = SOCKADDR_LENGTH;
            fd = Binding.accept4(listenerFd, address, addressLength, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0)
            {
                break;
            }
            final int errno = Native.getLastError();
            if (EAGAIN == errno)
            {
                return null;
            }
            if (EINTR != errno && ECONNABORTED != errno)
            {
                throw NativeSockets.errnoException("accept4", errno);
            }
        }
        while (true);

        return wrap(fd);
    }

    private SocketChannel wrap(final int fd) throws IOException
    {
        // sa_family_t is 16 bits in the host's byte order; the port after it is in the network's.
        final int family = ByteOrder.LITTLE_ENDIAN == ByteOrder.nativeOrder() ?
            (address[0] & 0xFF) | (address[1] & 0xFF) << 8 : (address[0] & 0xFF) << 8 | (address[1] & 0xFF);
        final ProtocolFamily protocolFamily =
            AF_INET6 == family ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        final InetSocketAddress remoteAddress;
        try
        {
            remoteAddress = remoteAddress(family);
        }
        catch (final IOException ex)
        {
            Binding.close(fd);
            throw ex;
        }
        return NativeSockets.wrap(provider, protocolFamily, fd, remoteAddress);
    }

    private InetSocketAddress remoteAddress(final int family) throws IOException
    {
        final int port = (address[2] & 0xFF) << 8 | (address[3] & 0xFF);
        final byte[] host;
        if (AF_INET == family)
        {
            host = new byte[4];
            System.arraycopy(address, 4, host, 0, 4);
        }
        else if (AF_INET6 == family)
        {
            host = new byte[16];
            System.arraycopy(address, 8, host, 0, 16);
        }
        else
        {
            throw new IOException("accepted an address of family " + family);
        }

        // An IPv4-mapped IPv6 address comes back as the IPv4 address, as from the JDK's own accept.
        return new InetSocketAddress(InetAddress.getByAddress(host), port);
    }

    private void setListenerNoDelay() throws IOException
    {
        optionValue[0] = 1;
        if (0 != Binding.setsockopt(listenerFd, IPPROTO_TCP, TCP_NODELAY, optionValue, Integer.BYTES))
        {
            throw NativeSockets.errnoException("TCP_NODELAY on the listener", Native.getLastError());
        }
    }
}
