package dev.switchboard.ring;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;

/**
 * Who watches whose presence, per connection: subscriptions live as long as the subscriber's connection.
 * Delivery stage only. Allocates when a subscription is made, never when an update is pushed.
 */
final class PresenceSubscriptions
{
    static final int MAX_PER_CONNECTION = 1024;

    static final class Subscriber
    {
        final long connectionId;
        final int pollerIndex;
        final long userId;
        final LongHashSet targets = new LongHashSet();

        Subscriber(final long connectionId, final int pollerIndex, final long userId)
        {
            this.connectionId = connectionId;
            this.pollerIndex = pollerIndex;
            this.userId = userId;
        }
    }

    private final Long2ObjectHashMap<ArrayList<Subscriber>> subscribersByTarget = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Subscriber> subscriberByConnection = new Long2ObjectHashMap<>();

    /**
     * @return false when the connection already watches as many users as it may.
     */
    boolean subscribe(final long connectionId, final int pollerIndex, final long userId, final long targetUserId)
    {
        Subscriber subscriber = subscriberByConnection.get(connectionId);
        if (null == subscriber)
        {
            subscriber = new Subscriber(connectionId, pollerIndex, userId);
            subscriberByConnection.put(connectionId, subscriber);
        }
        if (subscriber.targets.contains(targetUserId))
        {
            return true;
        }
        if (subscriber.targets.size() >= MAX_PER_CONNECTION)
        {
            return false;
        }
        subscriber.targets.add(targetUserId);
        ArrayList<Subscriber> subscribers = subscribersByTarget.get(targetUserId);
        if (null == subscribers)
        {
            subscribers = new ArrayList<>(2);
            subscribersByTarget.put(targetUserId, subscribers);
        }
        subscribers.add(subscriber);
        return true;
    }

    void unsubscribe(final long connectionId, final long targetUserId)
    {
        final Subscriber subscriber = subscriberByConnection.get(connectionId);
        if (null != subscriber && subscriber.targets.remove(targetUserId))
        {
            removeFromTarget(subscriber, targetUserId);
        }
    }

    void removeConnection(final long connectionId)
    {
        final Subscriber subscriber = subscriberByConnection.remove(connectionId);
        if (null != subscriber)
        {
            final LongHashSet.LongIterator targets = subscriber.targets.iterator();
            while (targets.hasNext())
            {
                removeFromTarget(subscriber, targets.nextValue());
            }
        }
    }

    /**
     * @return the subscribers of a user, or null if none; do not modify.
     */
    ArrayList<Subscriber> subscribersOf(final long targetUserId)
    {
        return subscribersByTarget.get(targetUserId);
    }

    private void removeFromTarget(final Subscriber subscriber, final long targetUserId)
    {
        final ArrayList<Subscriber> subscribers = subscribersByTarget.get(targetUserId);
        if (null != subscribers)
        {
            subscribers.remove(subscriber);
            if (subscribers.isEmpty())
            {
                subscribersByTarget.remove(targetUserId);
            }
        }
    }
}
