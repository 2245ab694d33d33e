package dev.switchboard.edge;

/**
 * Free list of equally sized {@link Chunk}s owned by one poller; not thread safe.
 * Grows on demand and keeps at most {@code maxPooled} free chunks so a burst does not pin memory for ever.
 */
final class ChunkPool
{
    private final int chunkLength;
    private final Chunk[] free;
    private int freeCount;
    private int borrowed;
    private long allocated;

    ChunkPool(final int chunkLength, final int maxPooled)
    {
        this.chunkLength = chunkLength;
        this.free = new Chunk[maxPooled];
    }

    Chunk borrow()
    {
        borrowed++;
        if (freeCount > 0)
        {
            final Chunk chunk = free[--freeCount];
            free[freeCount] = null;
            return chunk;
        }

        allocated++;
        return new Chunk(chunkLength);
    }

    void release(final Chunk chunk)
    {
        borrowed--;
        chunk.reset();
        if (freeCount < free.length)
        {
            free[freeCount++] = chunk;
        }
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

    /** Chunks ever allocated. */
    long allocated()
    {
        return allocated;
    }
}
