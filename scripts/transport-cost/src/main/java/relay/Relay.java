package relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;

/**
 * The smallest relay with a message server's shape: for each 40-byte frame read from connection k, the frame goes to
 * connection k^1 (the delivery) and back to k (the acknowledgement). One thread, three transports: a plain NIO
 * selector loop written like the server's edge ({@code nio}), Netty over NIO ({@code netty-nio}) and Netty over
 * io_uring ({@code uring}), so the CPU a frame costs can be set against the transport alone.
 */
public final class Relay
{
    static final int FRAME_LENGTH = 40;
    static final int MAX_CONNECTIONS = 4096;

    public static void main(final String[] args) throws Exception
    {
        final String transport = args[0];
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        switch (transport)
        {
            case "nio" -> runSelectorLoop(address);
            case "netty-nio" -> runNetty(address, NioIoHandler.newFactory(), NioServerSocketChannel.class);
            case "uring" ->
            {
                if (!IoUring.isAvailable())
                {
                    throw new IllegalStateException("io_uring unavailable", IoUring.unavailabilityCause());
                }
                runNetty(address, IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class);
            }
            default -> throw new IllegalArgumentException("transport: nio, netty-nio or uring");
        }
    }

    private static void runNetty(
        final InetSocketAddress address,
        final IoHandlerFactory ioHandlerFactory,
        final Class<? extends ServerChannel> serverChannel) throws InterruptedException
    {
        final Channel[] channels = new Channel[MAX_CONNECTIONS];
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandlerFactory);
        new ServerBootstrap().group(group)
            .channel(serverChannel)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                private int accepted;

                protected void initChannel(final SocketChannel channel)
                {
                    final int index = accepted++;
                    channels[index] = channel;
                    channel.pipeline().addLast(
                        new FixedLengthFrameDecoder(FRAME_LENGTH), new RelayHandler(channels, index));
                }
            })
            .bind(address).sync();
        Thread.currentThread().join();
    }

    /** Relays each frame to the partner connection and acknowledges it; flushes once per read. */
    private static final class RelayHandler extends ChannelInboundHandlerAdapter
    {
        private final Channel[] channels;
        private final int index;

        RelayHandler(final Channel[] channels, final int index)
        {
            this.channels = channels;
            this.index = index;
        }

        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            final Channel partner = channels[index ^ 1];
            partner.writeAndFlush(frame.retainedDuplicate(), partner.voidPromise());
            ctx.write(frame, ctx.voidPromise());
        }

        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            ctx.flush();
        }
    }

    private static void runSelectorLoop(final InetSocketAddress address) throws IOException
    {
        final Selector selector = Selector.open();
        final ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(address);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        final java.nio.channels.SocketChannel[] channels = new java.nio.channels.SocketChannel[MAX_CONNECTIONS];
        final ByteBuffer[] inbound = new ByteBuffer[MAX_CONNECTIONS];
        final ByteBuffer outbound = ByteBuffer.allocateDirect(FRAME_LENGTH);
        int accepted = 0;
        while (true)
        {
            selector.select();
            for (final SelectionKey key : selector.selectedKeys())
            {
                if (key.isAcceptable())
                {
                    final java.nio.channels.SocketChannel channel = server.accept();
                    if (null != channel)
                    {
                        channel.configureBlocking(false);
                        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        channels[accepted] = channel;
                        inbound[accepted] = ByteBuffer.allocateDirect(64 * 1024);
                        channel.register(selector, SelectionKey.OP_READ, accepted);
                        accepted++;
                    }
                    continue;
                }
                final int index = (Integer)key.attachment();
                final ByteBuffer buffer = inbound[index];
                if (channels[index].read(buffer) < 0)
                {
                    key.cancel();
                    continue;
                }
                buffer.flip();
                while (buffer.remaining() >= FRAME_LENGTH)
                {
                    final int frameStart = buffer.position();
                    outbound.clear().put(0, buffer, frameStart, FRAME_LENGTH).limit(FRAME_LENGTH);
                    channels[index ^ 1].write(outbound);
                    channels[index].write(outbound.position(0));
                    buffer.position(frameStart + FRAME_LENGTH);
                }
                buffer.compact();
            }
            selector.selectedKeys().clear();
        }
    }
}
