package dev.switchboard.bench;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link HostileFootprint}: opens connections of one hostile kind from its own loopback source
 * address, prints {@code ready <opened>}, holds them until its standard input closes, then prints
 * {@code closed-by-server <count>} (connections that read end of stream or a reset) and exits.
 * <ul>
 *   <li>{@code idle}: connects and sends nothing, never logs in.</li>
 *   <li>{@code partial}: sends 8 bytes of a frame that declares 40, never the rest.</li>
 *   <li>{@code never-reading}: a 4 KiB receive buffer, sends 64 KiB of Pings (the edge answers each without a login)
 *   and never reads the Pongs.</li>
 * </ul>
 * Arguments: host port kind count sourceAddress.
 */
public final class HostileClients
{
    private static final int PINGS_BYTES = 64 * 1024;

    private HostileClients()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        final String kind = args[2];
        final int count = Integer.parseInt(args[3]);
        final InetSocketAddress source = new InetSocketAddress(args[4], 0);
        final ByteBuffer partial = ByteBuffer.allocateDirect(8).order(ByteOrder.BIG_ENDIAN);
        partial.putInt(40).putShort((short)0x5BE0).putShort((short)0).flip();
        final ByteBuffer pings = pings();

        final List<SocketChannel> channels = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final SocketChannel channel = SocketChannel.open();
            if ("never-reading".equals(kind))
            {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            }
            channel.bind(source);
            channel.connect(server);
            channel.configureBlocking(false);
            channels.add(channel);
            if ("partial".equals(kind))
            {
                channel.write(partial.clear());
            }
            else if ("never-reading".equals(kind))
            {
                final ByteBuffer buffer = pings.duplicate();
                // Non-blocking: what the socket will not take now is simply not sent.
                channel.write(buffer);
            }
        }
        System.out.println("ready " + channels.size());
        System.out.flush();

        while (System.in.read() >= 0)
        {
            // hold until the parent closes our input
        }

        int closedByServer = 0;
        final ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
        for (final SocketChannel channel : channels)
        {
            try
            {
                int read;
                while ((read = channel.read(sink.clear())) > 0)
                {
                    // drain what the server sent
                }
                if (read < 0)
                {
                    closedByServer++;
                }
            }
            catch (final IOException ex)
            {
                closedByServer++;
            }
            channel.close();
        }
        System.out.println("closed-by-server " + closedByServer);
    }

    private static ByteBuffer pings()
    {
        final int frameLength = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + PingEncoder.BLOCK_LENGTH;
        final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(PINGS_BYTES / frameLength * frameLength);
        final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
        final PingEncoder encoder = new PingEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        for (int offset = 0; offset < buffer.capacity(); offset += frameLength)
        {
            encoder.wrapAndApplyHeader(buffer, offset + Sofh.HEADER_LENGTH, header).timestampNs(offset);
            Sofh.write(buffer, offset, frameLength - Sofh.HEADER_LENGTH);
        }
        return byteBuffer;
    }
}
