package io.netty.channel.uring;

import java.nio.ByteBuffer;

/**
 * An io_uring submission and completion queue for socket sends, driven straight from a caller's loop: no handler, no
 * pipeline, no objects per send. Netty's {@code IoUringIoHandler} takes an operation object for each submission and
 * makes a method reference on each run, which a loop that must not allocate cannot afford; the queues it drives are
 * package-private, so this adapter lives in their package. It uses only the ring set-up, enqueue, submit and completion
 * walk of the Netty version the build pins, whose native library it loads.
 * <p>
 * The ring is made disabled and enabled by the first thread that sends, since Netty registers the ring's descriptor
 * for the thread that enables it. Not thread safe: one thread sends, completes and closes.
 */
public final class SendRing implements AutoCloseable, CompletionCallback
{
    /** Results of a {@link #completeAll} walk, by the index each send was given. */
    public interface Results
    {
        void onResult(int index, int result);
    }

    private static final byte IORING_OP_SEND = 26;

    private final RingBuffer ring;
    private final SubmissionQueue submissions;
    private final CompletionQueue completions;
    private Results results;
    private boolean enabled;
    private int completed;

    /**
     * @param entries submission queue entries, a power of two; the completion queue has twice as many.
     * @throws UnsatisfiedLinkError when io_uring is not available here ({@link #isAvailable()}).
     */
    public SendRing(final int entries)
    {
        IoUring.ensureAvailability();
        ring = Native.createRingBuffer(entries, 2 * entries, Native.setupFlags(false));
        submissions = ring.ioUringSubmissionQueue();
        completions = ring.ioUringCompletionQueue();
    }

    public static boolean isAvailable()
    {
        return IoUring.isAvailable();
    }

    /** Why io_uring is not available here, or null. */
    public static Throwable unavailabilityCause()
    {
        return IoUring.unavailabilityCause();
    }

    /**
     * Queue a send of {@code length} bytes at native {@code address} to descriptor {@code fd}; the bytes must stay put
     * until {@link #completeAll} has reported it.
     */
    public void send(final int fd, final long address, final int length, final int msgFlags, final int index)
    {
        if (!enabled)
        {
            ring.enable();
            enabled = true;
        }
        submissions.enqueueSqe(
            IORING_OP_SEND, (byte)0, (short)0, fd, 0L, address, length, msgFlags, index, (short)0, (short)0, 0, 0L);
    }

    /**
     * Submit what is queued and report the result of each of the {@code count} sends queued since the last walk;
     * returns once all are in (at once for sends that cannot wait, such as {@code MSG_DONTWAIT} ones).
     *
     * @throws java.io.UncheckedIOException when the kernel refuses the submission, in which case it took none of it.
     */
    public void completeAll(final int count, final Results results)
    {
        this.results = results;
        completed = 0;
        submissions.submit();
        completions.process(this);
        while (completed < count)
        {
            submissions.submitAndGet();
            completions.process(this);
        }
        this.results = null;
    }

    /** {@inheritDoc} */
    public boolean handle(final int res, final int flags, final long udata, final ByteBuffer extraCqeData)
    {
        completed++;
        results.onResult((int)udata, res);
        return true;
    }

    public void close()
    {
        ring.close();
    }
}
