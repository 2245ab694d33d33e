package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.collections.LongHashSet;

/**
 * A persisted set of ordered (owner, other) user pairs: who blocked whom, whose contacts are whose.
 * A view for one thread, reusing its key and value; one ring stage writes each table.
 */
public final class UserPairs
{
    private final ChronicleMap<LongPair, LongRef> pairs;
    private final LongPair key = new LongPair();
    private final LongRef value = new LongRef();

    UserPairs(final ChronicleMap<LongPair, LongRef> pairs)
    {
        this.pairs = pairs;
    }

    /**
     * Add the pair, remembering when.
     *
     * @return false if the table is full.
     */
    public boolean add(final long owner, final long other, final long nowMs)
    {
        try
        {
            pairs.put(key.set(owner, other), value.set(nowMs));
            return true;
        }
        catch (final IllegalStateException ex)
        {
            return false; // Chronicle reports a full table this way
        }
    }

    public void remove(final long owner, final long other)
    {
        pairs.remove(key.set(owner, other));
    }

    public boolean contains(final long owner, final long other)
    {
        return pairs.containsKey(key.set(owner, other));
    }

    /**
     * Every user paired with this one, either way round: a scan of the whole table, for rare events only (an
     * identity key change), never per message.
     *
     * @param userId the user.
     * @param into   receives the other users; the user itself is left out.
     */
    public void partnersOf(final long userId, final LongHashSet into)
    {
        pairs.forEachEntry((entry) ->
        {
            final LongPair pair = entry.key().get();
            if (pair.first == userId && pair.second != userId)
            {
                into.add(pair.second);
            }
            else if (pair.second == userId && pair.first != userId)
            {
                into.add(pair.first);
            }
        });
    }

    public long size()
    {
        return pairs.longSize();
    }
}
