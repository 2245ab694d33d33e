package dev.switchboard.journal;

/**
 * When appended records are forced from the page cache to the device.
 */
public enum SyncPolicy
{
    /** Never fsync: records live in the page cache and survive a process crash, not a power loss. */
    NONE,
    /** One fsync per batch, when the ring calls {@link Journal#sync()} at the end of a batch. */
    BATCH,
    /** Every append and delete is forced before it returns. */
    ALWAYS
}
