package dev.switchboard.edge;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process for {@link IdleConnectionFootprint}: opens idle connections in its own heap, says "ready" after
 * each batch (waiting for a line on stdin before the next, so the accept backlog never overflows), then holds
 * them until stdin closes.
 */
final class IdleClients
{
    private IdleClients()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int port = Integer.parseInt(args[0]);
        final int count = Integer.parseInt(args[1]);
        final int batch = Integer.parseInt(args[2]);
        final List<SocketChannel> channels = new ArrayList<>(count);
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < count; i++)
        {
            channels.add(SocketChannel.open(address));
            if ((i + 1) % batch == 0 || i + 1 == count)
            {
                System.out.println("ready " + (i + 1));
                System.out.flush();
                if (System.in.read() < 0)
                {
                    break;
                }
                while (System.in.available() > 0)
                {
                    System.in.read();
                }
            }
        }
        while (System.in.read() >= 0)
        {
            Thread.onSpinWait();
        }
        for (final SocketChannel channel : channels)
        {
            channel.close();
        }
    }
}
