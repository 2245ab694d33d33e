package dev.switchboard.edge;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The acceptor's non-blocking listening socket and the selector that says when a connection is pending: its own, or
 * poller 0's when the acceptor runs on that poller's thread. Owned by the acceptor's thread.
 */
final class ListeningSocket
{
    private final ServerSocketChannel serverChannel;
    /** accept4 where the host has it; null to use the JDK's accept. */
    private final NativeAccept nativeAccept;
    /** The acceptor's own selector; null when it is woken by poller 0's. */
    private final Selector selector;
    private final SelectionKey acceptKey;
    private final int boundPort;

    /**
     * Open, bind and register the listener.
     *
     * @param wakingPoller the poller whose selector tells when a connection is pending, or null for a selector of the
     *                     acceptor's own.
     * @param acceptor     attached to the key in the poller's selector, so that poller can tell it.
     */
    ListeningSocket(final EdgeContext ctx, final EdgePoller wakingPoller, final EdgeAcceptor acceptor)
    {
        ServerSocketChannel channel = null;
        Selector acceptSelector = null;
        SelectionKey key = null;
        try
        {
            channel = ServerSocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            final int receiveBufferLength = ctx.socketReceiveBufferLength();
            if (receiveBufferLength > 0)
            {
                // Set on the listener so accepted sockets inherit it before the window is advertised.
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferLength);
            }
            channel.bind(new InetSocketAddress(ctx.bindAddress(), ctx.port()), 4096);
            boundPort = ((InetSocketAddress)channel.getLocalAddress()).getPort();
            // accept() allocates even when nothing is pending, so a selector says when to call it.
            if (null != wakingPoller)
            {
                key = wakingPoller.registerListener(channel, acceptor);
            }
            else
            {
                acceptSelector = Selector.open();
                key = channel.register(acceptSelector, SelectionKey.OP_ACCEPT);
            }
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(acceptSelector, channel);
            throw new UncheckedIOException(ex);
        }
        serverChannel = channel;
        nativeAccept = nativeAcceptOrNull(ctx, channel, acceptSelector);
        selector = acceptSelector;
        acceptKey = key;
    }

    private static NativeAccept nativeAcceptOrNull(
        final EdgeContext ctx, final ServerSocketChannel channel, final Selector acceptSelector)
    {
        try
        {
            // Null where accept4 is not available here: the edge line at start says why.
            return ctx.accept4() ? NativeAccept.openOrNull(channel, ctx.tcpNoDelay()) : null;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(acceptSelector, channel);
            throw new UncheckedIOException(ex);
        }
    }

    int boundPort()
    {
        return boundPort;
    }

    boolean isAcceptingByAccept4()
    {
        return null != nativeAccept;
    }

    /** A pending connection, or null when none is. */
    SocketChannel accept() throws IOException
    {
        return null != nativeAccept ? nativeAccept.accept() : serverChannel.accept();
    }

    /** Stop the selector reporting pending connections; they wait in the backlog. */
    void pauseAccepting()
    {
        if (acceptKey.isValid())
        {
            acceptKey.interestOps(0);
        }
    }

    void resumeAccepting()
    {
        if (acceptKey.isValid())
        {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Block in the own selector; a wake-up or a close ends it early. */
    void select(final long timeoutMs) throws IOException
    {
        selector.select(timeoutMs);
    }

    int selectNow() throws IOException
    {
        return selector.selectNow();
    }

    void clearSelectedKeys()
    {
        selector.selectedKeys().clear();
    }

    /** Wake whichever selector the listener is registered with. */
    void wakeUp()
    {
        acceptKey.selector().wakeup();
    }

    /** Close the socket so the host refuses new connections at once; the selector stays open for wake-ups. */
    void close() throws IOException
    {
        CloseHelper.quietClose(serverChannel);
        if (null != selector)
        {
            // A registered channel's socket is closed when its key is deregistered, at its selector's next select:
            // without one here, a polling acceptor (which never selects again) would leave the port listening.
            selector.selectNow();
        }
    }

    void closeAll()
    {
        CloseHelper.quietCloseAll(selector, serverChannel);
    }
}
