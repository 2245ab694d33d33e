package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.collections.LongHashSet;

/**
 * The reverse index of a {@link UserPairs} table: user -> every user paired with it either way round, so that
 * finding a user's partners reads one entry (O(partners)) instead of scanning the table. Kept by the table's single
 * writer in the same calls that change the table; rebuilt from the table when it cannot be trusted (a new index file,
 * or recovery after an unclean close). A view for one thread, reusing its key and value.
 */
final class PartnerIndex
{
    private final ChronicleMap<LongRef, PartnerList> index;
    private final LongRef key = new LongRef();
    private final PartnerList list = new PartnerList();

    PartnerIndex(final ChronicleMap<LongRef, PartnerList> index)
    {
        this.index = index;
    }

    /**
     * Record that two distinct users are paired.
     *
     * @return false, and nothing recorded, if the index is full.
     */
    boolean link(final long user, final long partner)
    {
        if (!insert(user, partner))
        {
            return false;
        }
        if (!insert(partner, user))
        {
            delete(user, partner);
            return false;
        }
        return true;
    }

    /**
     * Record that two distinct users are no longer paired either way round.
     */
    void unlink(final long user, final long partner)
    {
        delete(user, partner);
        delete(partner, user);
    }

    void partnersOf(final long userId, final LongHashSet into)
    {
        if (null != index.getUsing(key.set(userId), list))
        {
            final long[] partners = list.partners;
            for (int i = 0, count = list.count; i < count; i++)
            {
                into.add(partners[i]);
            }
        }
    }

    /**
     * Forget everything and index every pair of the table again: O(pairs), at open only.
     */
    void rebuild(final ChronicleMap<LongPair, LongRef> pairs)
    {
        index.clear();
        pairs.forEachEntry((entry) ->
        {
            final LongPair pair = entry.key().get();
            if (pair.first != pair.second && !link(pair.first, pair.second))
            {
                throw new IllegalStateException("partner index full at " + index.longSize() + " users");
            }
        });
    }

    long users()
    {
        return index.longSize();
    }

    private boolean insert(final long user, final long partner)
    {
        final PartnerList list = this.list;
        if (null == index.getUsing(key.set(user), list))
        {
            list.count = 0;
        }
        if (list.indexOf(partner) >= 0)
        {
            return true;
        }
        list.add(partner);
        try
        {
            index.put(key, list);
            return true;
        }
        catch (final IllegalStateException ex)
        {
            return false; // Chronicle reports a full table this way
        }
    }

    private void delete(final long user, final long partner)
    {
        final PartnerList list = this.list;
        if (null == index.getUsing(key.set(user), list))
        {
            return;
        }
        final int at = list.indexOf(partner);
        if (at < 0)
        {
            return;
        }
        list.removeAt(at);
        if (0 == list.count)
        {
            index.remove(key);
        }
        else
        {
            index.put(key, list);
        }
    }
}
