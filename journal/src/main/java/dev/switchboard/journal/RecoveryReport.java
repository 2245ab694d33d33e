package dev.switchboard.journal;

/**
 * What {@link Journal#open} found while rebuilding the index from the segment files.
 */
public final class RecoveryReport
{
    int segments;
    int invalidSegments;
    int unusedSegments;
    long messageRecords;
    long deleteRecords;
    long liveEntries;
    long expiredRecords;
    long supersededCopies;
    long orphanDeletes;
    long corruptRegions;
    long corruptBytes;
    long tornTailBytes;
    long maxMessageId;
    long durationNs;
    long resendEntries;
    long resendTornSlots;
    boolean resendLogReset;
    int heldSends;

    /** Segment files scanned. */
    public int segments()
    {
        return segments;
    }

    /** Segment files too short or unreadable to hold records, removed. */
    public int invalidSegments()
    {
        return invalidSegments;
    }

    /** Segment files made ready ahead of need and never written, removed; not a sign of damage. */
    public int unusedSegments()
    {
        return unusedSegments;
    }

    /** Message records read with a good checksum, live or not. */
    public long messageRecords()
    {
        return messageRecords;
    }

    /** Delete records read with a good checksum. */
    public long deleteRecords()
    {
        return deleteRecords;
    }

    /** Undelivered (recipient, message) entries in the rebuilt index. */
    public long liveEntries()
    {
        return liveEntries;
    }

    /** Message records dropped because they outlived the time to live. */
    public long expiredRecords()
    {
        return expiredRecords;
    }

    /** Older copies of records moved forward by compaction, replaced by the newer copy. */
    public long supersededCopies()
    {
        return supersededCopies;
    }

    /** Delete records whose message was already gone (reclaimed or expired). */
    public long orphanDeletes()
    {
        return orphanDeletes;
    }

    /** Stretches of non-zero bytes between good records that failed their checks, skipped. */
    public long corruptRegions()
    {
        return corruptRegions;
    }

    /** Bytes in those stretches. */
    public long corruptBytes()
    {
        return corruptBytes;
    }

    /** Bytes of an unfinished record at the end of the newest segment, zeroed. */
    public long tornTailBytes()
    {
        return tornTailBytes;
    }

    /** Highest message id seen. */
    public long maxMessageId()
    {
        return maxMessageId;
    }

    /** Time taken to recover, in nanoseconds. */
    public long durationNs()
    {
        return durationNs;
    }

    /** Remembered sends recovered from the resend log (each send once, matched or past the window). */
    public long resendEntries()
    {
        return resendEntries;
    }

    /** Resend log slots holding a partly written or damaged entry, ignored. */
    public long resendTornSlots()
    {
        return resendTornSlots;
    }

    /** Whether the resend log file was unreadable (short, or a bad header) and replaced by an empty one. */
    public boolean resendLogReset()
    {
        return resendLogReset;
    }

    /** Sends still held undelivered that the resend log would not match, remembered in memory from the records. */
    public int heldSends()
    {
        return heldSends;
    }

    /** Whether anything was skipped or truncated. */
    public boolean isClean()
    {
        return 0 == invalidSegments && 0 == corruptRegions && 0 == tornTailBytes;
    }

    public String toString()
    {
        return "RecoveryReport{" +
            "segments=" + segments +
            ", invalidSegments=" + invalidSegments +
            ", unusedSegments=" + unusedSegments +
            ", messageRecords=" + messageRecords +
            ", deleteRecords=" + deleteRecords +
            ", liveEntries=" + liveEntries +
            ", expiredRecords=" + expiredRecords +
            ", supersededCopies=" + supersededCopies +
            ", orphanDeletes=" + orphanDeletes +
            ", corruptRegions=" + corruptRegions +
            ", corruptBytes=" + corruptBytes +
            ", tornTailBytes=" + tornTailBytes +
            ", maxMessageId=" + maxMessageId +
            ", resendEntries=" + resendEntries +
            ", resendTornSlots=" + resendTornSlots +
            ", resendLogReset=" + resendLogReset +
            ", heldSends=" + heldSends +
            ", durationNs=" + durationNs +
            '}';
    }
}
