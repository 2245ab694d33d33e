package dev.switchboard.edge;

import io.netty.channel.IoEvent;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * A poller cycle's socket writes in one system call: sends queued with {@link #add} go to the kernel together through
 * an io_uring submission when {@link #sendAll} is called, and their results come back before it returns. On this kind
 * of host a system call's entry costs about a microsecond and a loopback write four to seven; batched, a send costs a
 * third to two fifths less (docs/performance.md, nineteenth pass).
 * <p>
 * Every send carries {@code MSG_DONTWAIT}: a socket that cannot take the bytes answers {@code -EAGAIN} at once instead
 * of the ring waiting for it, so no send outlives {@link #sendAll} and the caller may reuse the bytes straight after,
 * exactly as after a {@code write}. Netty's io_uring handler is driven from the poller's own loop, never blocking;
 * its pipeline is not used. Owned by one poller thread; not thread safe.
 */
final class BatchedSends implements AutoCloseable
{
    /** Upper bound on sends in one submission; the results are indexed by a short. */
    static final int MAX_CAPACITY = 4096;

    private static final byte IORING_OP_SEND = 26;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EAGAIN = 11;

    private IoHandler handler;
    private IoRegistration registration;
    private final int[] results;
    private final int capacity;
    private int queued;
    private int completed;

    private BatchedSends(final int capacity)
    {
        this.capacity = capacity;
        this.results = new int[capacity];
    }

    /**
     * The ring is made by the thread that first sends: Netty registers the ring's descriptor with the kernel for the
     * thread that made it, and another thread's submission is refused.
     */
    private void open()
    {
        final IoUringIoHandlerConfig config = new IoUringIoHandlerConfig()
            .setRingSize(capacity)
            .setCqSize(2 * capacity);
        final IoHandler newHandler = IoUringIoHandler.newFactory(config).newHandler(OwnLoop.INSTANCE);
        newHandler.initialize();
        try
        {
            registration = newHandler.register(new Completions());
        }
        catch (final Exception ex)
        {
            newHandler.destroy();
            throw new IllegalStateException("io_uring registration failed", ex);
        }
        handler = newHandler;
    }

    /**
     * @param capacity sends one submission may carry, a power of two up to {@link #MAX_CAPACITY}.
     * @return batched sends, or null where io_uring is not available (not Linux, an old kernel, forbidden by a
     * seccomp profile or {@code kernel.io_uring_disabled}); the reason is in {@link #unavailableReason()}.
     */
    static BatchedSends openOrNull(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two up to " + MAX_CAPACITY + ": " + capacity);
        }
        if (!isAvailable())
        {
            return null;
        }
        return new BatchedSends(capacity);
    }

    static boolean isAvailable()
    {
        try
        {
            return IoUring.isAvailable();
        }
        catch (final LinkageError ex)
        {
            return false;
        }
    }

    /** Why {@link #isAvailable()} is false, or null. */
    static String unavailableReason()
    {
        try
        {
            final Throwable cause = IoUring.unavailabilityCause();
            return null == cause ? null : String.valueOf(cause.getMessage());
        }
        catch (final LinkageError ex)
        {
            return ex.toString();
        }
    }

    int capacity()
    {
        return capacity;
    }

    boolean isFull()
    {
        return queued == capacity;
    }

    int queued()
    {
        return queued;
    }

    /**
     * Queue a send of {@code length} bytes at native {@code address} to socket descriptor {@code fd}; the bytes must
     * stay put until {@link #sendAll} returns.
     *
     * @return the send's index, for {@link #result}.
     */
    int add(final int fd, final long address, final int length)
    {
        if (queued == capacity)
        {
            throw new IllegalStateException("batch full: " + capacity);
        }
        if (null == handler)
        {
            open();
        }
        final int index = queued++;
        final long id = registration.submit(new IoUringIoOps(
            IORING_OP_SEND, (byte)0, (short)0, fd, 0L, address, length, MSG_DONTWAIT | MSG_NOSIGNAL, (short)index,
            (short)0, (short)0, 0, 0L));
        if (id < 0)
        {
            queued--;
            throw new IllegalStateException("io_uring submission refused");
        }
        return index;
    }

    /**
     * Submit everything queued and collect every result; afterwards {@link #result} answers for each index until the
     * next {@link #add}.
     *
     * @return false when the kernel refused the submission, so nothing queued was sent and this batching is done for
     * (the caller writes those bytes itself); true when every result is in.
     */
    boolean sendAll()
    {
        final int count = queued;
        queued = 0;
        if (0 == count)
        {
            return true;
        }
        completed = 0;
        try
        {
            while (completed < count)
            {
                handler.run(OwnLoop.INSTANCE);
            }
            return true;
        }
        catch (final RuntimeException ex)
        {
            // io_uring_enter fails only when it submitted nothing.
            return false;
        }
    }

    /**
     * @return bytes the socket took (0 when it took none, as a non-blocking write), or -1 when the send failed
     * and the connection is done for.
     */
    int result(final int index)
    {
        final int res = results[index];
        if (res >= 0)
        {
            return res;
        }
        return -EAGAIN == res ? 0 : -1;
    }

    public void close()
    {
        if (null != handler)
        {
            registration.cancel();
            handler.prepareToDestroy();
            handler.destroy();
            handler = null;
        }
    }

    /** Takes each completion's result into the slot its send was given. */
    private final class Completions implements IoUringIoHandle
    {
        public void handle(final IoRegistration registration, final IoEvent event)
        {
            final IoUringIoEvent completion = (IoUringIoEvent)event;
            results[completion.data()] = completion.res();
            completed++;
        }

        public void close()
        {
        }
    }

    /** The poller's thread is the only one that touches the handler, and the handler never blocks in it. */
    private static final class OwnLoop implements ThreadAwareExecutor, IoHandlerContext
    {
        static final OwnLoop INSTANCE = new OwnLoop();

        public boolean isExecutorThread(final Thread thread)
        {
            return true;
        }

        public void execute(final Runnable command)
        {
            command.run();
        }

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
    }
}
