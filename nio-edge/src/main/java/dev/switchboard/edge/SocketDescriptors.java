package dev.switchboard.edge;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;

/**
 * The operating system's descriptor behind a JDK socket channel, for sends that bypass the channel
 * ({@link BatchedSends}) and accepts that bypass the listener's ({@link NativeAccept}). Reads
 * {@code sun.nio.ch.SelChImpl.getFDVal()}, which the launcher's {@code --add-exports java.base/sun.nio.ch} makes
 * reachable; without it the descriptor is unknown and the edge keeps to the channel's own calls.
 */
final class SocketDescriptors
{
    static final int UNKNOWN = -1;

    private static final MethodHandle FD_VAL = fdVal();

    private SocketDescriptors()
    {
    }

    static boolean isAvailable()
    {
        return null != FD_VAL;
    }

    /** The channel's descriptor, or {@link #UNKNOWN}. */
    static int fd(final SelectableChannel channel)
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

    private static MethodHandle fdVal()
    {
        try
        {
            final Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
            return MethodHandles.lookup()
                .findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, SelectableChannel.class));
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }
}
