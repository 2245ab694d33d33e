package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link PageToucher} for a mapped ring the writer goes round and round (the resend log): the pages ahead of it hold
 * live entries, which the write-back has cleaned since the writer last passed, so its next write to each faults. A
 * populate makes them writable as they are; where there is none, the compare-and-set of 0 to 0 on a page's first word
 * fails there and changes nothing, but on x86 a failed {@code lock cmpxchg} still writes the old value back: the page
 * is made writable and dirty all the same. Elsewhere it may be a read only, and then touches nothing. Positions are bytes written since the ring's start, never wrapped, so
 * the window goes on across the wrap. Agent thread only.
 */
final class RingPageToucher
{
    private final int window;
    private long touchedTo;

    /**
     * @param window bytes past the writer to keep touched ({@link JournalConfiguration#TOUCH_AHEAD_PROP_NAME}).
     */
    RingPageToucher(final int window)
    {
        this.window = window;
    }

    /**
     * @param buffer     the mapping.
     * @param ringStart  where the ring starts in it.
     * @param ringLength the ring's length.
     * @param writtenTo  bytes written into the ring since it started, unwrapped.
     * @return the pages touched.
     */
    int touchAhead(final UnsafeBuffer buffer, final int ringStart, final int ringLength, final long writtenTo)
    {
        final long ahead = Math.min(window, ringLength);
        if (touchedTo - writtenTo >= ahead / 2)
        {
            return 0;
        }
        final long to = writtenTo + ahead;
        long from = Math.max(touchedTo, writtenTo);
        touchedTo = to;
        int pages = 0;
        while (from < to)
        {
            // each run goes at most to the ring's end, the next from its start
            final int start = ringStart + (int)(from % ringLength);
            final long run = Math.min(to - from, ringStart + ringLength - start);
            pages += PageToucher.touch(buffer, PageToucher.pageAfter(start), (int)(start + run));
            from += run;
        }
        return pages;
    }
}
