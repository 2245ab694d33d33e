package dev.switchboard.edge;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * The operating system's descriptor behind a JDK socket channel, for sends and receives that bypass the channel
 * ({@link BatchedSends}, {@link RingReceives}). Reads {@code sun.nio.ch.SelChImpl.getFDVal()}, which the launcher's
 * {@code --add-exports java.base/sun.nio.ch} makes reachable; without it the descriptor is unknown and the edge keeps
 * to the channel's own writes. The epoll descriptor behind a Linux selector, which the ring polls so that one wait ends
 * for either, is its {@code epfd} field, reachable with {@code --add-opens java.base/sun.nio.ch}.
 */
final class SocketDescriptors
{
    static final int UNKNOWN = -1;

    private static final MethodHandle FD_VAL = fdVal();
    private static final Field EPOLL_FD = epollFd();

    private SocketDescriptors()
    {
    }

    static boolean isAvailable()
    {
        return null != FD_VAL;
    }

    /** The channel's descriptor, or {@link #UNKNOWN}. */
    static int fd(final SocketChannel channel)
    {
        if (null == FD_VAL)
        {
            return UNKNOWN;
        }
        try
        {
            return (int)FD_VAL.invoke(channel);
        }
        catch (final Throwable ex)
        {
            return UNKNOWN;
        }
    }

    /** Whether {@link #selectorFd} can answer for the JDK's default selector here. */
    static boolean isSelectorAvailable()
    {
        return null != EPOLL_FD;
    }

    /** The epoll descriptor behind the selector, or {@link #UNKNOWN}. */
    static int selectorFd(final Selector selector)
    {
        if (null == EPOLL_FD || !EPOLL_FD.getDeclaringClass().isInstance(selector))
        {
            return UNKNOWN;
        }
        try
        {
            return EPOLL_FD.getInt(selector);
        }
        catch (final IllegalAccessException ex)
        {
            return UNKNOWN;
        }
    }

    private static Field epollFd()
    {
        try
        {
            final Field field = Class.forName("sun.nio.ch.EPollSelectorImpl").getDeclaredField("epfd");
            field.setAccessible(true);
            return field;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }

    private static MethodHandle fdVal()
    {
        try
        {
            final Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
            return MethodHandles.lookup()
                .findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, SocketChannel.class));
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }
}
