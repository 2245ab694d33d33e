package dev.switchboard.state;

import java.util.Arrays;

/**
 * The users paired with one user in a {@link UserPairs} table, either way round: the value of its
 * {@link PartnerIndex}, a reusable holder that grows (rarely) to the longest list it has read. Stored as
 * {@code count x partner (int64 LE)}, its size implying the count.
 */
public final class PartnerList
{
    private static final int INITIAL_CAPACITY = 64;

    int count;
    long[] partners = new long[INITIAL_CAPACITY];

    int indexOf(final long partner)
    {
        for (int i = 0; i < count; i++)
        {
            if (partners[i] == partner)
            {
                return i;
            }
        }
        return -1;
    }

    void add(final long partner)
    {
        ensureCapacity(count + 1);
        partners[count++] = partner;
    }

    void removeAt(final int index)
    {
        // order does not matter: the last fills the gap
        partners[index] = partners[--count];
    }

    void ensureCapacity(final int capacity)
    {
        if (capacity > partners.length)
        {
            partners = Arrays.copyOf(partners, Math.max(capacity, partners.length * 2));
        }
    }
}
