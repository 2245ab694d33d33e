package relay;

import io.netty.channel.IoEvent;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Netty's io_uring handler driven from a loop of our own rather than a Netty event loop, the way an edge's duty cycle
 * would drive it: sends of a 40-byte frame submitted BATCH at a time through {@link IoRegistration#submit}, the
 * handler run without blocking until their completions reach our own {@link IoUringIoHandle}, the receiving socket
 * drained in the same loop. Prints the thread's CPU a frame.
 * <p>
 * java --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
 * -cp target/classes:CLASSPATH relay.OwnLoopSends BATCH FRAMES
 */
public final class OwnLoopSends
{
    private static final byte IORING_OP_SEND = 26;
    private static final int FRAME_LENGTH = 40;

    private static int completions;
    private static int lastResult;

    public static void main(final String[] args) throws Exception
    {
        final int batch = Integer.parseInt(args[0]);
        final int frames = Integer.parseInt(args[1]);
        final Thread loopThread = Thread.currentThread();
        final ThreadAwareExecutor executor = new ThreadAwareExecutor()
        {
            public boolean isExecutorThread(final Thread thread)
            {
                return thread == loopThread;
            }

            public void execute(final Runnable command)
            {
                command.run();
            }
        };
        final IoHandler handler = IoUringIoHandler.newFactory().newHandler(executor);
        handler.initialize();
        final IoHandlerContext noBlocking = new IoHandlerContext()
        {
            public boolean canBlock()
            {
                return false;
            }

            public long delayNanos(final long currentTimeNanos)
            {
                return 0;
            }

            public long deadlineNanos()
            {
                return -1;
            }
        };

        final ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        final SocketChannel sender = SocketChannel.open(server.getLocalAddress());
        final SocketChannel receiver = server.accept();
        receiver.configureBlocking(false);
        final IoRegistration registration = handler.register(new IoUringIoHandle()
        {
            public void handle(final IoRegistration registration, final IoEvent event)
            {
                completions++;
                lastResult = ((IoUringIoEvent)event).res();
            }

            public void close()
            {
            }
        });

        final int fd = intField(sender, "fdVal");
        final ByteBuffer frame = ByteBuffer.allocateDirect(FRAME_LENGTH);
        final long frameAddress = longField(frame, Buffer.class, "address");
        final ByteBuffer drain = ByteBuffer.allocateDirect(1 << 20);
        long received = 0;
        final long cpuStartNs = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (int sent = 0; sent < frames; sent += batch)
        {
            for (int i = 0; i < batch; i++)
            {
                registration.submit(new IoUringIoOps(
                    IORING_OP_SEND, (byte)0, (short)0, fd, 0L, frameAddress, FRAME_LENGTH, 0, (short)i, (short)0,
                    (short)0, 0, 0L));
            }
            final int expected = completions + batch;
            while (completions < expected)
            {
                handler.run(noBlocking);
            }
            drain.clear();
            received += Math.max(0, receiver.read(drain));
        }
        final long cpuNs = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStartNs;
        System.out.printf("%d a submission: %d completions (last %d bytes), %d bytes received, %.2f us of CPU a frame%n",
            batch, completions, lastResult, received, cpuNs / 1e3 / frames);
    }

    private static int intField(final Object owner, final String name) throws ReflectiveOperationException
    {
        final Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.getInt(owner);
    }

    private static long longField(final Object owner, final Class<?> declaring, final String name)
        throws ReflectiveOperationException
    {
        final Field field = declaring.getDeclaredField(name);
        field.setAccessible(true);
        return field.getLong(owner);
    }
}
