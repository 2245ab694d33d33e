package dev.switchboard.edge;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A pooled direct buffer lent to a connection only while it holds a partial frame or unwritten output.
 * Bytes in {@code [readPosition, writePosition)} are pending; chunks chain through {@link #next}.
 */
final class Chunk
{
    final ByteBuffer byteBuffer;
    final UnsafeBuffer buffer;
    int readPosition;
    int writePosition;
    Chunk next;

    Chunk(final int capacity)
    {
        byteBuffer = BufferUtil.allocateDirectAligned(capacity, 64);
        buffer = new UnsafeBuffer(byteBuffer);
    }

    int capacity()
    {
        return buffer.capacity();
    }

    int pending()
    {
        return writePosition - readPosition;
    }

    int space()
    {
        return buffer.capacity() - writePosition;
    }

    void reset()
    {
        readPosition = 0;
        writePosition = 0;
        next = null;
    }
}
