package dev.switchboard.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static dev.switchboard.journal.PageToucher.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RingPageToucherTest
{
    private static final int RING_START = 64;

    @Test
    void shouldLeaveLiveEntriesAsTheyAre()
    {
        final int ringLength = 64 * PAGE_SIZE - RING_START;
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(RING_START + ringLength));
        for (int i = 0; i < buffer.capacity(); i += 8)
        {
            buffer.putLong(i, i + 1L);
        }

        final RingPageToucher toucher = new RingPageToucher(JournalConfiguration.TOUCH_AHEAD_DEFAULT);
        assertEquals(63, toucher.touchAhead(buffer, RING_START, ringLength, 0), "every page but the first");

        for (int i = 0; i < buffer.capacity(); i += 8)
        {
            assertEquals(i + 1L, buffer.getLong(i));
        }
    }

    @Test
    void shouldGoOnAcrossTheWrapAndRefillOnlyWhenHalfIsUsed()
    {
        final int ringLength = 16 * PAGE_SIZE - RING_START; // pages start at 4096 .. 15 * 4096
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(RING_START + ringLength));
        final RingPageToucher toucher = new RingPageToucher(JournalConfiguration.TOUCH_AHEAD_DEFAULT);

        // the window is the whole ring here: from the writer round to where it is
        final long writtenTo = 10L * ringLength + 12 * PAGE_SIZE; // at offset 64 + 12 * 4096, on its tenth round
        assertEquals(15, toucher.touchAhead(buffer, RING_START, ringLength, writtenTo), "every page start in the ring");
        assertEquals(0, toucher.touchAhead(buffer, RING_START, ringLength, writtenTo + ringLength / 2 - 1));

        // more than half used: on from where it stopped, pages 13 to 15, then across the wrap pages 1 to 4
        assertEquals(7, toucher.touchAhead(buffer, RING_START, ringLength, writtenTo + ringLength / 2 + 1));
    }
}
