package dev.switchboard.edge;

import io.netty.channel.uring.SendRing;

/**
 * A poller cycle's socket writes in one system call: sends queued with {@link #add} go to the kernel together through
 * an io_uring submission when {@link #sendAll} is called, and their results come back before it returns. On this kind
 * of host a system call's entry costs about a microsecond and a loopback write four to seven; batched, a send costs a
 * third to two fifths less (docs/performance.md, nineteenth pass).
 * <p>
 * Every send carries {@code MSG_DONTWAIT}: a socket that cannot take the bytes answers {@code -EAGAIN} at once instead
 * of the ring waiting for it, so no send outlives {@link #sendAll} and the caller may reuse the bytes straight after,
 * exactly as after a {@code write}. The ring ({@link SendRing}) is driven from the poller's own loop and allocates
 * nothing per send. Owned by one poller thread; not thread safe.
 */
final class BatchedSends implements AutoCloseable, SendRing.Results
{
    /** Upper bound on sends in one submission. */
    static final int MAX_CAPACITY = 4096;

    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EAGAIN = 11;

    private final SendRing ring;
    private final int[] results;
    private int queued;

    private BatchedSends(final int capacity)
    {
        this.results = new int[capacity];
        this.ring = new SendRing(capacity);
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
            return SendRing.isAvailable();
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
            final Throwable cause = SendRing.unavailabilityCause();
            return null == cause ? null : String.valueOf(cause.getMessage());
        }
        catch (final LinkageError ex)
        {
            return ex.toString();
        }
    }

    int capacity()
    {
        return results.length;
    }

    boolean isFull()
    {
        return queued == results.length;
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
        if (isFull())
        {
            throw new IllegalStateException("batch full: " + results.length);
        }
        final int index = queued++;
        ring.send(fd, address, length, MSG_DONTWAIT | MSG_NOSIGNAL, index);
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
        try
        {
            ring.completeAll(count, this);
            return true;
        }
        catch (final RuntimeException ex)
        {
            // io_uring_enter fails only when it submitted nothing.
            return false;
        }
    }

    /** {@inheritDoc} */
    public void onResult(final int index, final int result)
    {
        results[index] = result;
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
        ring.close();
    }
}
