package dev.switchboard.bench;

import com.sun.jna.Native;
import org.agrona.SystemUtil;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * Opens the load generator's connections with the C library's {@code socket} and {@code connect}, then wraps the
 * descriptor in the JDK's own socket channel, already taken as connected. The JDK's way ({@code SocketChannel.open},
 * {@code configureBlocking(false)}, {@code TCP_NODELAY}, {@code connect}, an {@code OP_CONNECT} registration, then
 * {@code finishConnect} and an interest change once the selector reports it) costs a storm's load generator a poll, an
 * {@code fcntl}, an epoll change and a wake-up a connection more. The first frame is written at once: on loopback the
 * handshake is done by the time {@code connect} returns; elsewhere the frame waits in the output until the socket is
 * writable, and a refused connect shows as the first write's or read's error.
 * <p>
 * Linux only, and only where JNA binds the C library and the JDK's {@code sun.nio.ch} is open to this code (the
 * launcher's {@code --add-opens}); elsewhere {@link #openOrNull()} gives null and the JDK's way is used, as with
 * {@code -Dswitchboard.bench.connect=jdk}. Owned by one load poller's thread; not thread safe.
 */
final class NativeConnect
{
    static final String PROP_NAME = "switchboard.bench.connect";

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int EINTR = 4;
    private static final int EINPROGRESS = 115;
    private static final int SOCKADDR_IN_LENGTH = 16;
    private static final int SOCKADDR_IN6_LENGTH = 28;

    private static final MethodHandle NEW_FD;
    private static final MethodHandle NEW_CHANNEL;
    private static final String UNAVAILABLE_BECAUSE;

    static
    {
        MethodHandle newFd = null;
        MethodHandle newChannel = null;
        String unavailableBecause = null;
        if (!SystemUtil.isLinux())
        {
            unavailableBecause = "only on Linux";
        }
        else if ("jdk".equals(System.getProperty(PROP_NAME)))
        {
            unavailableBecause = PROP_NAME + "=jdk";
        }
        else
        {
            try
            {
                final Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
                final Class<?> channelImpl = Class.forName("sun.nio.ch.SocketChannelImpl");
                final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(channelImpl, MethodHandles.lookup());
                newFd = lookup.findStatic(ioUtil, "newFD", MethodType.methodType(FileDescriptor.class, int.class));
                final MethodType connected = MethodType.methodType(
                    void.class, SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, SocketAddress.class);
                newChannel = lookup.findConstructor(channelImpl, connected)
                    .asType(connected.changeReturnType(SocketChannel.class));
                Binding.bind();
            }
            catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
            {
                newFd = null;
                newChannel = null;
                unavailableBecause = "not bound (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() + ")";
            }
        }
        NEW_FD = newFd;
        NEW_CHANNEL = newChannel;
        UNAVAILABLE_BECAUSE = unavailableBecause;
    }

    private final SelectorProvider provider = SelectorProvider.provider();
    private final byte[] address = new byte[SOCKADDR_IN6_LENGTH];
    private final int[] optionValue = { 1 };

    private NativeConnect()
    {
    }

    /**
     * A connector, or null where the JDK's way must be used.
     */
    static NativeConnect openOrNull()
    {
        return null == UNAVAILABLE_BECAUSE ? new NativeConnect() : null;
    }

    /**
     * How the load generator connects, for the results.
     */
    static String description()
    {
        return null == UNAVAILABLE_BECAUSE ? "socket and connect through JNA, the first frame written at once" :
            "the JDK's SocketChannel (" + UNAVAILABLE_BECAUSE + ")";
    }

    /**
     * A non-blocking channel with {@code TCP_NODELAY}, bound to {@code source} unless that is null, whose connect to
     * {@code server} is under way or done.
     */
    SocketChannel connect(final InetSocketAddress server, final InetAddress source) throws IOException
    {
        final boolean ipv4 = server.getAddress() instanceof Inet4Address;
        final int family = ipv4 ? AF_INET : AF_INET6;
        final int fd = Binding.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw errnoException("socket", Native.getLastError());
        }
        try
        {
            if (0 != Binding.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, optionValue, Integer.BYTES))
            {
                throw errnoException("TCP_NODELAY", Native.getLastError());
            }
            if (null != source)
            {
                final int length = sockaddr(family, source, 0);
                if (0 != Binding.bind(fd, address, length))
                {
                    throw errnoException("bind " + source.getHostAddress(), Native.getLastError());
                }
            }
            final int length = sockaddr(family, server.getAddress(), server.getPort());
            int result;
            while ((result = Binding.connect(fd, address, length)) != 0)
            {
                final int errno = Native.getLastError();
                if (EINPROGRESS == errno)
                {
                    break;
                }
                if (EINTR != errno)
                {
                    throw errnoException("connect " + server, errno);
                }
            }

            final SocketChannel channel = (SocketChannel)NEW_CHANNEL.invokeExact(
                provider,
                (ProtocolFamily)(ipv4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6),
                (FileDescriptor)NEW_FD.invokeExact(fd),
                (SocketAddress)server);
            // The descriptor is non-blocking already; this sets the channel's own flag.
            channel.configureBlocking(false);
            return channel;
        }
        catch (final Throwable ex)
        {
            Binding.close(fd);
            throw ex instanceof IOException ? (IOException)ex : new IOException("connecting " + server, ex);
        }
    }

    private int sockaddr(final int family, final InetAddress host, final int port) throws IOException
    {
        final byte[] raw = host.getAddress();
        java.util.Arrays.fill(address, (byte)0);
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
                throw new IOException("an IPv6 source for an IPv4 server: " + host);
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

    private static IOException errnoException(final String call, final int errno)
    {
        String text;
        try
        {
            text = Binding.strerror(errno);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            text = null;
        }
        return new IOException(call + ": " + (null == text ? "errno " + errno : text + " (errno " + errno + ")"));
    }

    /**
     * The direct-mapped calls (static natives: no proxy, no boxing); errno is read with {@link Native#getLastError()}.
     */
    private static final class Binding
    {
        static
        {
            Native.register(Binding.class, "c");
        }

        static void bind()
        {
            // Loading the class registers the natives, or fails with a LinkageError.
        }

        static native int socket(int domain, int type, int protocol);

        static native int setsockopt(int fd, int level, int name, int[] value, int valueLength);

        static native int bind(int fd, byte[] address, int addressLength);

        static native int connect(int fd, byte[] address, int addressLength);

        static native int close(int fd);

        static native String strerror(int errno);
    }
}
