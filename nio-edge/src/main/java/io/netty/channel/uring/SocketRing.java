package io.netty.channel.uring;

import io.netty.channel.unix.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An io_uring submission and completion queue for a poller's socket sends and receives, driven straight from its own
 * loop: no handler, no pipeline, no objects per operation. Netty's {@code IoUringIoHandler} takes an operation object
 * for each submission and makes a method reference on each run, which a loop that must not allocate cannot afford; the
 * queues it drives are package-private, so this adapter lives in their package. It uses only the ring set-up, enqueue,
 * submit, buffer-ring registration and completion walk of the Netty version the build pins, whose native library it
 * loads.
 * <p>
 * Each operation's user data tells its completion apart: a send carries its index shifted past the low byte, which is
 * zero; any other operation carries the caller's user data, whose low byte must not be zero, and its completion goes
 * to the {@link Completions} given at construction, whenever it arrives.
 * <p>
 * The ring is made disabled and enabled by the first thread that uses it, since Netty registers the ring's descriptor
 * for the thread that enables it and the kernel then takes submissions from that thread only. Not thread safe: one
 * thread submits, completes and closes.
 */
public final class SocketRing implements AutoCloseable, CompletionCallback
{
    /** Results of a {@link #completeAll} walk, by the index each send was given. */
    public interface Results
    {
        void onResult(int index, int result);
    }

    /** Completions of operations other than sends. */
    public interface Completions
    {
        void onCompletion(long userData, int result, int flags);
    }

    /** Low byte of a send's user data; other operations' user data must have another. */
    public static final int SEND_TAG = 0;
    /** A completion flag: the kernel filled one of the provided buffers, whose id is {@link #bufferId}. */
    public static final int CQE_F_BUFFER = Native.IORING_CQE_F_BUFFER;
    /** A completion flag: a multishot operation stays armed. */
    public static final int CQE_F_MORE = Native.IORING_CQE_F_MORE;
    /** A receive's result when no provided buffer was free: nothing was read, the socket still holds the bytes. */
    public static final int RESULT_NO_BUFFERS = Native.ERRNO_NOBUFS_NEGATIVE;
    /** The result of an operation cancelled before it completed. */
    public static final int RESULT_CANCELED = Native.ERRNO_ECANCELED_NEGATIVE;

    private static final byte IORING_OP_SEND = 26;
    private static final int TIMESPEC_LENGTH = 16;
    /** The wait's timeout; its completion is not handed on. */
    private static final long TIMEOUT_USER_DATA = 0xFFL;

    private final RingBuffer ring;
    private final SubmissionQueue submissions;
    private final CompletionQueue completions;
    private final Completions others;
    private final ByteBuffer timespec;
    private final long timespecAddress;
    private Results results;
    private boolean enabled;
    private int sendsCompleted;
    private int othersCompleted;

    /**
     * @param entries submission queue entries, a power of two; the completion queue has twice as many.
     * @param others where completions of operations other than sends go.
     * @throws UnsatisfiedLinkError when io_uring is not available here ({@link #isAvailable()}).
     */
    public SocketRing(final int entries, final Completions others)
    {
        IoUring.ensureAvailability();
        this.others = others;
        ring = Native.createRingBuffer(entries, 2 * entries, Native.setupFlags(false));
        submissions = ring.ioUringSubmissionQueue();
        completions = ring.ioUringCompletionQueue();
        timespec = ByteBuffer.allocateDirect(TIMESPEC_LENGTH).order(ByteOrder.nativeOrder());
        timespecAddress = Buffer.memoryAddress(timespec);
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

    /** Whether this kernel takes provided buffer rings, which {@link ProvidedBuffers} need. */
    public static boolean isBufferRingAvailable()
    {
        return IoUring.isAvailable() && IoUring.isRegisterBufferRingSupported();
    }

    /** Enable the ring for the calling thread, which from then on is the only one that may use it. */
    public void enable()
    {
        if (!enabled)
        {
            ring.enable();
            enabled = true;
        }
    }

    int fd()
    {
        return ring.fd();
    }

    /**
     * Queue a send of {@code length} bytes at native {@code address} to descriptor {@code fd}; the bytes must stay put
     * until {@link #completeAll} has reported it.
     */
    public void send(final int fd, final long address, final int length, final int msgFlags, final int index)
    {
        enable();
        submissions.enqueueSqe(
            IORING_OP_SEND, (byte)0, (short)0, fd, 0L, address, length, msgFlags, ((long)index << 8) | SEND_TAG,
            (short)0, (short)0, 0, 0L);
    }

    /**
     * Queue one receive from {@code fd} into a buffer the kernel picks from {@code buffers} when bytes arrive; it
     * completes once, with the bytes' count and the buffer's id in its flags, 0 at end of stream, or an error.
     */
    public void receive(final int fd, final ProvidedBuffers buffers, final long userData)
    {
        enable();
        submissions.enqueueSqe(
            Native.IORING_OP_RECV, (byte)Native.IOSQE_BUFFER_SELECT, (short)0, fd, 0L, 0L, 0, 0, checked(userData),
            buffers.groupId(), (short)0, 0, 0L);
    }

    /** Queue a multishot poll for input on {@code fd}: a completion each time it becomes readable. */
    public void pollInput(final int fd, final long userData)
    {
        enable();
        submissions.enqueueSqe(
            Native.IORING_OP_POLL_ADD, (byte)0, (short)0, fd, 0L, 0L, Native.IORING_POLL_ADD_MULTI, Native.POLLIN,
            checked(userData), (short)0, (short)0, 0, 0L);
    }

    /** Queue the cancellation of the operation that carries {@code targetUserData}. */
    public void cancel(final long targetUserData, final long userData)
    {
        enable();
        submissions.addCancel(targetUserData, checked(userData));
    }

    /**
     * Submit what is queued and report the result of each of the {@code count} sends queued since the last walk;
     * returns once all are in (at once for sends that cannot wait, such as {@code MSG_DONTWAIT} ones). Other
     * completions met on the way go to the {@link Completions}.
     *
     * @throws java.io.UncheckedIOException when the kernel refuses the submission, in which case it took none of it.
     */
    public void completeAll(final int count, final Results results)
    {
        this.results = results;
        sendsCompleted = 0;
        submissions.submit();
        completions.process(this);
        while (sendsCompleted < count)
        {
            submissions.submitAndGet();
            completions.process(this);
        }
        this.results = null;
    }

    /**
     * Submit what is queued and hand on the completions that are in, after waiting for at least one when
     * {@code timeoutNs} is positive, at most that long; a wait ends with the first completion of any kind.
     *
     * @return completions handed on, the wait's own timeout not counted.
     */
    public int submitAndComplete(final long timeoutNs)
    {
        enable();
        final int before = othersCompleted;
        if (timeoutNs > 0 && !completions.hasCompletions())
        {
            timespec.putLong(0, timeoutNs / 1_000_000_000L).putLong(8, timeoutNs % 1_000_000_000L);
            // A timeout counting one completion: it ends with the first other completion, so none outlives the wait.
            submissions.addTimeout(timespecAddress, TIMEOUT_USER_DATA);
            submissions.submitAndGet();
        }
        else
        {
            submissions.submitAndGetNow();
        }
        completions.process(this);
        return othersCompleted - before;
    }

    /** {@inheritDoc} */
    public boolean handle(final int res, final int flags, final long udata, final ByteBuffer extraCqeData)
    {
        if ((udata & 0xFF) == SEND_TAG)
        {
            sendsCompleted++;
            results.onResult((int)(udata >>> 8), res);
        }
        else if (TIMEOUT_USER_DATA != udata)
        {
            othersCompleted++;
            others.onCompletion(udata, res, flags);
        }
        return true;
    }

    /** The id of the provided buffer a completion with {@link #CQE_F_BUFFER} filled. */
    public static int bufferId(final int flags)
    {
        return flags >>> 16;
    }

    private static long checked(final long userData)
    {
        if ((userData & 0xFF) == SEND_TAG || TIMEOUT_USER_DATA == userData)
        {
            throw new IllegalArgumentException("user data taken by sends or the wait: " + userData);
        }
        return userData;
    }

    public void close()
    {
        ring.close();
    }
}
