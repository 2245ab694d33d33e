package dev.switchboard.edge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ChunkPoolTest
{
    private static final int KEEP = 4;

    private final ChunkPool pool = new ChunkPool(64, KEEP);

    @Test
    void shouldReuseWhatAnOverloadReleasedInsteadOfAllocatingAgain()
    {
        borrowAndReleaseAll(1000);
        assertEquals(1000, pool.allocated());
        assertEquals(1000, pool.pooled());

        borrowAndReleaseAll(1000);
        assertEquals(1000, pool.allocated(), "the second stall of a thousand connections allocates nothing");
        assertEquals(0, pool.borrowed());
    }

    @Test
    void shouldTrimOnlyWhatStayedFreeForAWholePeriod()
    {
        borrowAndReleaseAll(1000);
        assertEquals(0, pool.trim(), "every free chunk was borrowed in the period");
        assertEquals(1000, pool.pooled());

        borrowAndReleaseAll(10);
        assertEquals(990, pool.trim(), "all but the ten borrowed since the last trim are above the keep and unused");
        assertEquals(10, pool.pooled());

        assertEquals(10 - KEEP, pool.trim(), "a period with no borrows leaves the keep");
        assertEquals(KEEP, pool.pooled());
        assertEquals(0, pool.trim());
        assertEquals(KEEP, pool.pooled());
    }

    @Test
    void shouldLendAReleasedChunkEmpty()
    {
        final Chunk chunk = pool.borrow();
        chunk.writePosition = 10;
        chunk.readPosition = 3;
        pool.release(chunk);

        final Chunk again = pool.borrow();
        assertSame(chunk, again);
        assertEquals(0, again.pending());
        assertEquals(64, again.space());
    }

    private void borrowAndReleaseAll(final int count)
    {
        final List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            chunks.add(pool.borrow());
        }
        for (final Chunk chunk : chunks)
        {
            pool.release(chunk);
        }
    }
}
