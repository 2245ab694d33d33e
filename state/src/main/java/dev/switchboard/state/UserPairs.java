package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.collections.LongHashSet;

/**
 * A persisted set of ordered (owner, other) user pairs: who blocked whom, whose contacts are whose.
 * A view for one thread, reusing its key and value; one ring stage writes each table, and with it the table's
 * {@link PartnerIndex} when it has one.
 */
public final class UserPairs
{
    private final ChronicleMap<LongPair, LongRef> pairs;
    private final PartnerIndex index;
    private final LongPair key = new LongPair();
    private final LongRef value = new LongRef();

    UserPairs(final ChronicleMap<LongPair, LongRef> pairs, final PartnerIndex index)
    {
        this.pairs = pairs;
        this.index = index;
    }

    /**
     * Add the pair, remembering when.
     *
     * @return false, and nothing added, if the table or its index is full.
     */
    public boolean add(final long owner, final long other, final long nowMs)
    {
        final boolean wasPaired = null != index && owner != other &&
            (pairs.containsKey(key.set(owner, other)) || pairs.containsKey(key.set(other, owner)));
        try
        {
            pairs.put(key.set(owner, other), value.set(nowMs));
        }
        catch (final IllegalStateException ex)
        {
            return false; // Chronicle reports a full table this way
        }
        if (null != index && owner != other && !wasPaired && !index.link(owner, other))
        {
            pairs.remove(key.set(owner, other));
            return false;
        }
        return true;
    }

    public void remove(final long owner, final long other)
    {
        final boolean unpairs = null != index && owner != other &&
            pairs.containsKey(key.set(owner, other)) && !pairs.containsKey(key.set(other, owner));
        pairs.remove(key.set(owner, other));
        if (unpairs)
        {
            index.unlink(owner, other);
        }
    }

    public boolean contains(final long owner, final long other)
    {
        return pairs.containsKey(key.set(owner, other));
    }

    /**
     * Every user paired with this one, either way round: one read of the table's partner index, O(partners); a scan
     * of the whole table when it has none. For rare events (an identity key change), never per message.
     *
     * @param userId the user.
     * @param into   receives the other users; the user itself is left out.
     */
    public void partnersOf(final long userId, final LongHashSet into)
    {
        if (null != index)
        {
            index.partnersOf(userId, into);
        }
        else
        {
            scanPartnersOf(userId, into);
        }
    }

    /**
     * What {@link #partnersOf} answers, found by a scan of the whole table whatever the index holds: O(pairs).
     *
     * @param userId the user.
     * @param into   receives the other users; the user itself is left out.
     */
    public void scanPartnersOf(final long userId, final LongHashSet into)
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

    PartnerIndex index()
    {
        return index;
    }

    public long size()
    {
        return pairs.longSize();
    }
}
