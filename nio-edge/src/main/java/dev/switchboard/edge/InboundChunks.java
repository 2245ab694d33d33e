package dev.switchboard.edge;

/**
 * The two inbound pools: a small chunk holds most partial frames, a frame-sized one only a frame declared longer.
 */
final class InboundChunks
{
    private final ChunkPool smallPool;
    private final ChunkPool largePool;

    InboundChunks(final int smallChunkLength, final int maxFrameLength, final int maxPooledChunks)
    {
        smallPool = new ChunkPool(smallChunkLength, maxPooledChunks);
        largePool = new ChunkPool(maxFrameLength, maxPooledChunks);
    }

    Chunk borrow(final int length)
    {
        return length <= smallPool.chunkLength() ? smallPool.borrow() : largePool.borrow();
    }

    void release(final Chunk chunk)
    {
        if (chunk.capacity() == smallPool.chunkLength())
        {
            smallPool.release(chunk);
        }
        else
        {
            largePool.release(chunk);
        }
    }

    /** Drop what stayed free above each pool's keep since the last trim ({@link ChunkPool#trim()}). */
    int trim()
    {
        return smallPool.trim() + largePool.trim();
    }

    int borrowed()
    {
        return smallPool.borrowed() + largePool.borrowed();
    }
}
