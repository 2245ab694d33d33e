package dev.switchboard.journal;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Does the journal's file system work off the append path, on its own thread: makes the next segment file ready
 * before the tail fills (new, or a retired one recycled), unmaps, retires or deletes reclaimed segments, and takes the
 * page faults of the tail's next pages and the resend log's ahead of their writer ({@link PageToucher},
 * {@link RingPageToucher}).
 * <p>
 * The journal's owner asks for the next segment with {@link #requestNext} and takes it with {@link #takePrepared}; a
 * single state word hands it over, so neither side waits. Reclaimed segments come through a one-to-one queue and are
 * handled oldest first, so a delete record never outlives the message it deletes.
 */
final class SegmentAgent implements Agent
{
    static final String ROLE_NAME = "journal-segments";

    private static final int IDLE = 0;
    private static final int REQUESTED = 1;
    private static final int PREPARING = 2;
    private static final int READY = 3;
    private static final int CANCELLED = 4;
    private static final int RELEASE_QUEUE_CAPACITY = 256;

    private final File dataDir;
    private final int segmentLength;
    private final SyncPolicy syncPolicy;
    private final AtomicCounter prepared;
    private final AtomicCounter recycled;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final OneToOneConcurrentArrayQueue<Segment> releases =
        new OneToOneConcurrentArrayQueue<>(RELEASE_QUEUE_CAPACITY);
    // written by the owner before REQUESTED is published, read by the agent after it sees it
    private int requestedIndex;
    // written by the agent before READY is published, read by the owner after it sees it
    private Segment preparedSegment;
    // the agent's alone: one retired segment kept mapped for reuse
    private Segment spare;
    private boolean wasCancelled;
    // published by the owner, the segment before any position in it: where records are written
    private final AtomicReference<Segment> writing = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    // null when touching ahead is off
    private final PageToucher toucher;
    private final int touchAheadBytes;
    private final RingPageToucher resendLogToucher;
    // set before the agent starts, closed after it stops
    private ResendLog resendLog;

    SegmentAgent(
        final File dataDir,
        final int segmentLength,
        final SyncPolicy syncPolicy,
        final int touchAhead,
        final JournalCounters counters)
    {
        this.touchAheadBytes = touchAhead;
        this.toucher = touchAhead > 0 ? new PageToucher(touchAhead) : null;
        this.resendLogToucher = touchAhead > 0 ? new RingPageToucher(touchAhead) : null;
        this.dataDir = dataDir;
        this.segmentLength = segmentLength;
        this.syncPolicy = syncPolicy;
        this.prepared = counters.segmentsPrepared;
        this.recycled = counters.segmentsRecycled;
    }

    public String roleName()
    {
        return ROLE_NAME;
    }

    public int doWork()
    {
        int workCount = 0;
        Segment segment;
        // releases first, so a segment just reclaimed can be the one recycled next
        while (null != (segment = releases.poll()))
        {
            release(segment);
            workCount++;
        }
        if (REQUESTED == state.get() && state.compareAndSet(REQUESTED, PREPARING))
        {
            Segment next = null;
            try
            {
                next = prepare(requestedIndex);
            }
            finally
            {
                if (null == next)
                {
                    // failed, and counted by the runner: the owner creates its next segment itself
                    state.set(IDLE);
                }
            }
            preparedSegment = next;
            if (!state.compareAndSet(PREPARING, READY))
            {
                // the owner created its next segment itself meanwhile
                preparedSegment = null;
                release(next);
                state.set(IDLE);
            }
            workCount++;
        }
        // not counted as work: the window is refilled with a lead that outlasts the longest park
        touchAhead();
        return workCount;
    }

    public void onClose()
    {
        Segment segment;
        while (null != (segment = releases.poll()))
        {
            segment.closeAndDelete();
        }
        if (READY == state.get() && null != preparedSegment)
        {
            preparedSegment.closeAndDelete();
            preparedSegment = null;
        }
        if (null != spare)
        {
            spare.closeAndDelete();
            spare = null;
        }
    }

    /**
     * Owner: asks for the segment with this index to be made ready. Refused while an earlier request is still being
     * wound up; the owner asks again on its next write.
     */
    boolean requestNext(final int index)
    {
        if (IDLE != state.get())
        {
            return false;
        }
        requestedIndex = index;
        state.set(REQUESTED);
        return true;
    }

    /**
     * Owner: the prepared segment for the index asked, or null when it is not ready. {@link #isIndexInUse()} then
     * says whether the agent is creating that index right now, in which case the owner must take another.
     */
    Segment takePrepared()
    {
        wasCancelled = false;
        final int current = state.get();
        if (READY == current)
        {
            return take();
        }
        if (REQUESTED == current && state.compareAndSet(REQUESTED, IDLE))
        {
            return null;
        }
        if (state.compareAndSet(PREPARING, CANCELLED))
        {
            wasCancelled = true;
            return null;
        }
        return READY == state.get() ? take() : null;
    }

    /** Owner: whether the last {@link #takePrepared()} left the asked index to the agent. */
    boolean isIndexInUse()
    {
        return wasCancelled;
    }

    /** Before the agent starts: the resend log, whose ring it touches ahead of the writer too. */
    void touchAheadOf(final ResendLog resendLog)
    {
        this.resendLog = resendLog;
    }

    /** Owner: records now go to this segment; published before any position in it. */
    void writingTo(final Segment segment)
    {
        writing.lazySet(segment);
    }

    /** Owner: records in the segment with this index now end at this offset. */
    void wrote(final int index, final int offset)
    {
        written.lazySet(RecordDescriptor.position(index, offset));
    }

    /** Owner: hands a reclaimed segment over for unmapping; false when the queue is full, to be tried again later. */
    boolean offerRelease(final Segment segment)
    {
        return releases.offer(segment);
    }

    private void touchAhead()
    {
        if (null == toucher)
        {
            return;
        }
        final long position = written.get();
        final Segment segment = writing.get();
        // the tail is never one this thread unmaps: only reclaimed segments come to it, and the tail is not reclaimed
        if (null != segment && segment.index == RecordDescriptor.segmentIndex(position))
        {
            toucher.touchAhead(segment, RecordDescriptor.offset(position));
        }
        if (null != resendLog)
        {
            resendLogToucher.touchAhead(
                resendLog.buffer(),
                ResendLogDescriptor.HEADER_LENGTH,
                resendLog.ringLength(),
                resendLog.writtenBytes());
        }
    }

    private Segment take()
    {
        final Segment segment = preparedSegment;
        preparedSegment = null;
        state.set(IDLE);
        return segment;
    }

    private Segment prepare(final int index)
    {
        final Segment segment;
        if (null != spare)
        {
            segment = spare.recycle(dataDir, index);
            spare = null;
            recycled.incrementRelease();
        }
        else
        {
            segment = Segment.prepare(dataDir, index, segmentLength);
        }
        if (null != toucher)
        {
            // the writer starts on it before this thread next wakes: its first window must be writable already
            PageToucher.touch(segment.buffer, 0, Math.min(touchAheadBytes, segment.length));
        }
        if (SyncPolicy.NONE != syncPolicy)
        {
            syncDirectory(dataDir);
        }
        prepared.incrementRelease();
        return segment;
    }

    private void release(final Segment segment)
    {
        if (null == spare && segment.length == segmentLength)
        {
            spare = segment.retire();
        }
        else
        {
            segment.closeAndDelete();
        }
    }

    /** Makes file creations, renames and deletions in the folder durable. */
    static void syncDirectory(final File dir)
    {
        try (FileChannel channel = FileChannel.open(dir.toPath(), StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
