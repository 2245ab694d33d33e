package dev.switchboard.ring;

import org.agrona.collections.Hashing;

/**
 * A fixed-size, direct-mapped set of (user, user) pairs on the heap, in front of an off-heap table: a pair found here
 * costs two array reads instead of a Chronicle Map lookup with its segment lock. A newer pair that maps to the same
 * slot replaces the older one, so it only remembers; the table stays the truth. User ids are positive, so 0 marks an
 * empty slot. Owned by one stage's thread; no allocation after construction.
 */
final class PairSet
{
    private final long[] firsts;
    private final long[] seconds;
    private final int mask;

    /**
     * @param capacity slots, a power of two.
     */
    PairSet(final int capacity)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        firsts = new long[capacity];
        seconds = new long[capacity];
        mask = capacity - 1;
    }

    boolean contains(final long first, final long second)
    {
        final int slot = slot(first, second);
        return 0 != first && firsts[slot] == first && seconds[slot] == second;
    }

    void add(final long first, final long second)
    {
        final int slot = slot(first, second);
        firsts[slot] = first;
        seconds[slot] = second;
    }

    void remove(final long first, final long second)
    {
        final int slot = slot(first, second);
        if (firsts[slot] == first && seconds[slot] == second)
        {
            firsts[slot] = 0;
            seconds[slot] = 0;
        }
    }

    private int slot(final long first, final long second)
    {
        return Hashing.hash(first * 31 + second, mask);
    }
}
