package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * The small table of counters that must outlive the process ({@link SwitchboardState#META_FILE}): the next user and
 * group ids, the generation of each open and whether the last one closed cleanly. It is always recovered on open, as
 * it says whether the other tables must be.
 */
final class MetaTable
{
    static final long NEXT_USER_ID = 1;
    static final long OPEN_EPOCH = 2;
    static final long CLEAN_CLOSE = 3;
    static final long NEXT_GROUP_ID = 4;
    static final int ENTRIES = 64;

    private final ChronicleMap<LongRef, LongRef> meta;
    private final LongRef key = new LongRef();
    private final LongRef value = new LongRef();

    MetaTable(final ChronicleMap<LongRef, LongRef> meta)
    {
        this.meta = meta;
    }

    /**
     * The map, for the views that keep their counters in it: {@link Accounts} and {@link Groups}.
     */
    ChronicleMap<LongRef, LongRef> map()
    {
        return meta;
    }

    /**
     * Whether the last open closed cleanly; cleared, so a crash of this open reads as unclean.
     */
    boolean readAndClearCleanClose()
    {
        key.value = CLEAN_CLOSE;
        final boolean cleanClose = null != meta.getUsing(key, value) && 1 == value.value;
        meta.put(key, value.set(0));
        return cleanClose;
    }

    /**
     * Count this open: one more than the previous open of the data folder, starting at 1.
     */
    int nextOpenEpoch()
    {
        key.value = OPEN_EPOCH;
        final long previous = null == meta.getUsing(key, value) ? 0 : value.value;
        final int epoch = (int)(previous + 1);
        meta.put(key, value.set(epoch));
        return epoch;
    }

    /**
     * Record that every other table closed cleanly, so the next open can skip recovery.
     */
    void markCleanClose()
    {
        meta.put(key.set(CLEAN_CLOSE), value.set(1));
    }
}
