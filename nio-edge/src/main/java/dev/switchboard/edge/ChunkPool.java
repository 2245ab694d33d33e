package dev.switchboard.edge;

import java.util.Arrays;

/**
 * Free list of equally sized {@link Chunk}s owned by one poller; not thread safe. Grows on demand, and what is released
 * stays pooled while borrows still need it: a sustained overload (a full ring stalls every connection that sends,
 * each holding a chunk) then borrows from the pool instead of allocating a direct buffer at each stall. Once a period
 * {@link #trim()} drops the free chunks above {@code maxPooled} that no borrow reached in that period, so a burst
 * does not pin memory for ever.
 */
final class ChunkPool
{
    private final int chunkLength;
    private final int maxPooled;
    private Chunk[] free;
    private int freeCount;
    /** The fewest free chunks since the last trim: those below it were not borrowed in the period. */
    private int leastFreeSinceTrim;
    private int borrowed;
    private long allocated;

    ChunkPool(final int chunkLength, final int maxPooled)
    {
        this.chunkLength = chunkLength;
        this.maxPooled = maxPooled;
        this.free = new Chunk[Math.max(16, maxPooled)];
    }

    Chunk borrow()
    {
        borrowed++;
        if (freeCount > 0)
        {
            final Chunk chunk = free[--freeCount];
            free[freeCount] = null;
            leastFreeSinceTrim = Math.min(leastFreeSinceTrim, freeCount);
            return chunk;
        }

        allocated++;
        return new Chunk(chunkLength);
    }

    void release(final Chunk chunk)
    {
        borrowed--;
        chunk.reset();
        if (freeCount == free.length)
        {
            // Only past the highest count ever free: an overload grows the list once, not per message.
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = chunk;
    }

    /**
     * Drop free chunks above {@code maxPooled} that stayed free since the last trim; their direct memory goes back
     * when the collector clears them.
     *
     * @return chunks dropped.
     */
    int trim()
    {
        final int unused = Math.min(leastFreeSinceTrim, freeCount - maxPooled);
        for (int i = 0; i < unused; i++)
        {
            free[--freeCount] = null;
        }
        leastFreeSinceTrim = freeCount;

        return Math.max(0, unused);
    }

    int chunkLength()
    {
        return chunkLength;
    }

    /** Chunks currently lent out. */
    int borrowed()
    {
        return borrowed;
    }

    /** Free chunks pooled now. */
    int pooled()
    {
        return freeCount;
    }

    /** Chunks ever allocated. */
    long allocated()
    {
        return allocated;
    }
}
