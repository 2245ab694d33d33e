package dev.switchboard.edge;

import com.sun.jna.Native;
import org.agrona.SystemUtil;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * The C library's socket calls through JNA's direct mapping, and the JDK's own socket channel around a descriptor
 * they made: what {@link NativeAccept} and {@link NativeConnect} share. Linux only, and only where JNA binds the C
 * library and the JDK's {@code sun.nio.ch} is open to this code (the launcher's {@code --add-opens}).
 */
final class NativeSockets
{
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ECONNABORTED = 103;
    static final int EINPROGRESS = 115;

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
        else
        {
            try
            {
                final Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
                final Class<?> channelImpl = Class.forName("sun.nio.ch.SocketChannelImpl");
                final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(channelImpl, MethodHandles.lookup());
                newFd = lookup.findStatic(ioUtil, "newFD", MethodType.methodType(FileDescriptor.class, int.class));
                // The constructor the JDK's own accept uses: (provider, family, descriptor, remote address).
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

    private NativeSockets()
    {
    }

    /** Why the JDK's own calls must be used instead, or null when these are available. */
    static String unavailableBecause()
    {
        return UNAVAILABLE_BECAUSE;
    }

    /**
     * The JDK's socket channel, non-blocking and taken as connected to {@code remoteAddress}, around a non-blocking
     * descriptor; closes the descriptor if that fails.
     */
    static SocketChannel wrap(
        final SelectorProvider provider, final ProtocolFamily family, final int fd, final SocketAddress remoteAddress)
        throws IOException
    {
        final SocketChannel channel;
        try
        {
            channel = (SocketChannel)NEW_CHANNEL.invokeExact(
                provider, family, (FileDescriptor)NEW_FD.invokeExact(fd), remoteAddress);
        }
        catch (final Throwable ex)
        {
            Binding.close(fd);
            throw ex instanceof IOException ? (IOException)ex : new IOException("wrapping a socket", ex);
        }
        try
        {
            // The descriptor is non-blocking already; this sets the channel's own flag, one F_GETFL.
            channel.configureBlocking(false);
        }
        catch (final IOException ex)
        {
            channel.close();
            throw ex;
        }
        return channel;
    }

    /** As the JDK words a failed call: the C library's text for the error, "Too many open files" and so on. */
    static IOException errnoException(final String call, final int errno)
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
     * The direct-mapped calls (static natives: no proxy, no boxing); errno is read with {@link Native#getLastError()}
     * rather than thrown, since an empty accept queue ends every batch of accepts.
     */
    static final class Binding
    {
        static
        {
            Native.register(Binding.class, "c");
        }

        private Binding()
        {
        }

        static void bind()
        {
            // Loading the class registers the natives, or fails with a LinkageError.
        }

        static native int accept4(int fd, byte[] address, int[] addressLength, int flags);

        static native int socket(int domain, int type, int protocol);

        static native int bind(int fd, byte[] address, int addressLength);

        static native int connect(int fd, byte[] address, int addressLength);

        static native int setsockopt(int fd, int level, int name, int[] value, int valueLength);

        static native int close(int fd);

        static native String strerror(int errno);
    }
}
