package dev.switchboard.state;

/**
 * A reusable, mutable pair of longs used as a table key, (owner user id, other user id), so lookups do not allocate.
 */
final class LongPair
{
    long first;
    long second;

    LongPair set(final long first, final long second)
    {
        this.first = first;
        this.second = second;
        return this;
    }
}
