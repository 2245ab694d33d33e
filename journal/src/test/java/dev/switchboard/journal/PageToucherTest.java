package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;

import static dev.switchboard.journal.PageToucher.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PageToucherTest
{
    private static final int SEGMENT_LENGTH = 8 * 1024 * 1024;
    private static final int AHEAD = JournalConfiguration.TOUCH_AHEAD_DEFAULT;

    @TempDir
    File dir;

    @Test
    void shouldChangeNothingItTouchesNotEvenAWordTheWriterGotToFirst()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(16 * PAGE_SIZE));
        buffer.putInt(3 * PAGE_SIZE, 0x5eed);
        buffer.putInt(3 * PAGE_SIZE + 4, 7);
        buffer.putLong(9 * PAGE_SIZE, -1L);

        assertEquals(16, PageToucher.touch(buffer, 0, 16 * PAGE_SIZE));

        assertEquals(0x5eed, buffer.getInt(3 * PAGE_SIZE));
        assertEquals(7, buffer.getInt(3 * PAGE_SIZE + 4));
        assertEquals(-1L, buffer.getLong(9 * PAGE_SIZE));
        long sum = 0;
        for (int i = 0; i < buffer.capacity(); i += 8)
        {
            sum += buffer.getLong(i);
        }
        assertEquals(0x5eed + (7L << 32) - 1L, sum, "every other byte still zero");
    }

    @Test
    void shouldStayAWindowAheadOfTheWriterAndRefillOnlyWhenHalfOfItIsUsed()
    {
        final Segment segment = Segment.create(dir, 0, SEGMENT_LENGTH, 0);
        try
        {
            final PageToucher toucher = new PageToucher(AHEAD);
            assertEquals(0, toucher.touchAhead(null, 0));

            // from the page after the writer's to a window past it
            assertEquals(AHEAD / PAGE_SIZE, toucher.touchAhead(segment, 100));
            assertEquals(0, toucher.touchAhead(segment, 100 + AHEAD / 2 - 1), "more than half the window left");

            final int writtenTo = 100 + AHEAD / 2 + PAGE_SIZE;
            assertEquals((writtenTo - 100) / PAGE_SIZE, toucher.touchAhead(segment, writtenTo), "only the new pages");

            // never past the segment's end, and nothing more once there
            final int nearEnd = SEGMENT_LENGTH - 10 * PAGE_SIZE - 1;
            assertEquals(10, toucher.touchAhead(segment, nearEnd));
            assertEquals(0, toucher.touchAhead(segment, SEGMENT_LENGTH - 1));
        }
        finally
        {
            segment.closeAndDelete();
        }
    }

    @Test
    void shouldStartAfreshOnTheNextSegment()
    {
        final Segment first = Segment.create(dir, 0, SEGMENT_LENGTH, 0);
        final Segment second = Segment.create(dir, 1, SEGMENT_LENGTH, 0);
        try
        {
            final PageToucher toucher = new PageToucher(AHEAD);
            assertEquals(AHEAD / PAGE_SIZE, toucher.touchAhead(first, 4 * 1024 * 1024 + 100));
            assertEquals(AHEAD / PAGE_SIZE, toucher.touchAhead(second, 64), "a new tail is touched from its start");
        }
        finally
        {
            first.closeAndDelete();
            second.closeAndDelete();
        }
    }
}
