package dev.switchboard.ring;

/**
 * Server message ids: strictly increasing in ring order, so they are increasing per recipient in journal order,
 * and unique across restarts: seeded above the journal's highest id and never below the clock shifted left 16 bits
 * (room for 65,536 ids a millisecond before the sequence runs ahead of the clock).
 */
final class MessageIds
{
    static final int CLOCK_SHIFT = 16;

    private long lastId;

    MessageIds(final long highestIdInUse)
    {
        lastId = highestIdInUse;
    }

    long next(final long nowMs)
    {
        final long clockFloor = nowMs << CLOCK_SHIFT;
        lastId = Math.max(lastId + 1, clockFloor);
        return lastId;
    }

    /**
     * Take a block of ids at once, for records a later stage may write without a route step of its own (missed
     * calls whose ring timeout fires on the housekeeping tick).
     *
     * @return the first of {@code count} consecutive ids.
     */
    long reserve(final long nowMs, final int count)
    {
        final long first = next(nowMs);
        lastId = first + count - 1;
        return first;
    }
}
