package dev.switchboard.state;

/**
 * A reusable, mutable long used as a table key or value so lookups do not box.
 */
final class LongRef
{
    static final int LENGTH = 8;

    long value;

    LongRef()
    {
    }

    LongRef(final long value)
    {
        this.value = value;
    }

    LongRef set(final long value)
    {
        this.value = value;
        return this;
    }
}
