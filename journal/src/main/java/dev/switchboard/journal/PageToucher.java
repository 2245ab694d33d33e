package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Takes the page faults of the tail's next pages on the segment agent's thread, ahead of the writer. The first write to
 * each page of a mapped segment faults: a fresh page of the file, or one the kernel's write-back cleaned and
 * write-protected since it was zeroed. On the delivery thread that is 30 to 100 us in every message's path that meets
 * one (about one message in eight at 500 bytes of journal a message), and some faults take milliseconds.
 * <p>
 * Pages are populated writable in one system call a chunk ({@link PagePopulator}), or where that is not to be had
 * touched with a compare-and-set of 0 to 0 on their first word: either way a write access that changes nothing, and
 * leaves a word the writer got to first as it is, so the agent never needs to know exactly where the writer is. It
 * stays a window ahead: when the writer is less than half the window from the last page touched, pages up to the
 * window past the writer are touched, {@value #CHUNK_PAGES} at a time with a yield between, so that the faults never
 * hold the CPU the delivery thread may share. Agent thread only.
 */
final class PageToucher
{
    static final int PAGE_SIZE = 4096;
    static final int CHUNK_PAGES = 16;

    private final int ahead;
    private Segment segment;
    private int touchedTo;

    /**
     * @param ahead bytes past the writer to keep touched ({@link JournalConfiguration#TOUCH_AHEAD_PROP_NAME}).
     */
    PageToucher(final int ahead)
    {
        this.ahead = ahead;
    }

    /**
     * @param segment   the segment the writer writes to, or null.
     * @param writtenTo how far the writer has written into it.
     * @return the pages touched.
     */
    int touchAhead(final Segment segment, final int writtenTo)
    {
        if (null == segment)
        {
            return 0;
        }
        if (segment != this.segment)
        {
            this.segment = segment;
            touchedTo = 0;
        }
        if (touchedTo - writtenTo >= ahead / 2 || touchedTo >= segment.length)
        {
            return 0;
        }
        final int from = Math.max(touchedTo, pageAfter(writtenTo));
        final int to = (int)Math.min(segment.length, (long)writtenTo + ahead);
        touchedTo = Math.max(touchedTo, to);
        return touch(segment.buffer, from, to);
    }

    /**
     * Makes every page that starts in [from, to) present and writable, {@value #CHUNK_PAGES} at a time: populated
     * where {@link PagePopulator} can, else by a compare-and-set of 0 to 0 on the page's first word. From is page
     * aligned.
     */
    static int touch(final UnsafeBuffer buffer, final int from, final int to)
    {
        int pages = 0;
        for (long chunk = from; chunk < to; chunk += CHUNK_PAGES * PAGE_SIZE)
        {
            final int chunkEnd = (int)Math.min(to, chunk + CHUNK_PAGES * PAGE_SIZE);
            final boolean isPopulated = PagePopulator.populateWrite(buffer, (int)chunk, chunkEnd);
            for (long at = chunk; at < chunkEnd; at += PAGE_SIZE)
            {
                if (!isPopulated)
                {
                    buffer.compareAndSetInt((int)at, 0, 0);
                }
                pages++;
            }
            Thread.yield();
        }
        return pages;
    }

    /** The start of the page after the one the offset is in. */
    static int pageAfter(final int offset)
    {
        return (offset & -PAGE_SIZE) + PAGE_SIZE;
    }
}
