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
}
