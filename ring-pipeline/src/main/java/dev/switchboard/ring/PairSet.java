package dev.switchboard.ring;

import org.agrona.collections.Hashing;

/**
 * A fixed-size set of (user, user) pairs on the heap, in front of an off-heap table: a pair found here costs a few
 * array reads instead of a Chronicle Map lookup with its segment lock. Two-way set associative: each pair maps to a
 * bucket of two slots, so two hot pairs that hash alike both stay (direct-mapped, about 3% of 2,000 hot pairs shared
 * a slot with another and went to the table on every message). A new pair takes the bucket's first slot and moves the
 * older one to the second, displacing what was there; so it only remembers, and the table stays the truth. User ids
 * are positive, so 0 marks an empty slot. Owned by one stage's thread; no allocation after construction.
 */
final class PairSet
{
    private static final int WAYS = 2;

    private final long[] firsts;
    private final long[] seconds;
    private final int bucketMask;

    /**
     * @param capacity slots, a power of two of at least {@value #WAYS}.
     */
    PairSet(final int capacity)
    {
        if (Integer.bitCount(capacity) != 1 || capacity < WAYS)
        {
            throw new IllegalArgumentException("capacity must be a power of two of at least " + WAYS + ": " + capacity);
        }
        firsts = new long[capacity];
        seconds = new long[capacity];
        bucketMask = capacity / WAYS - 1;
    }

    boolean contains(final long first, final long second)
    {
        final int slot = bucket(first, second);
        return 0 != first &&
            ((firsts[slot] == first && seconds[slot] == second) ||
            (firsts[slot + 1] == first && seconds[slot + 1] == second));
    }

    void add(final long first, final long second)
    {
        final int slot = bucket(first, second);
        if ((firsts[slot] == first && seconds[slot] == second) ||
            (firsts[slot + 1] == first && seconds[slot + 1] == second))
        {
            return;
        }
        firsts[slot + 1] = firsts[slot];
        seconds[slot + 1] = seconds[slot];
        firsts[slot] = first;
        seconds[slot] = second;
    }

    void remove(final long first, final long second)
    {
        final int slot = bucket(first, second);
        for (int i = slot; i < slot + WAYS; i++)
        {
            if (firsts[i] == first && seconds[i] == second)
            {
                firsts[i] = 0;
                seconds[i] = 0;
            }
        }
    }

    /** The index of the bucket's first slot. */
    private int bucket(final long first, final long second)
    {
        return Hashing.hash(first * 31 + second, bucketMask) * WAYS;
    }
}
