package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeDecoder;
import dev.switchboard.state.Presence;
import dev.switchboard.state.Privacy;
import dev.switchboard.state.SwitchboardState;
import dev.switchboard.state.UserPairs;
import org.agrona.BufferUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;

/**
 * Pushes presence to subscribers when a user's first device comes online or last device goes offline, as each
 * viewer may see it under the user's privacy settings and blocks. Owned by the delivery stage, on its thread: it
 * is the only writer to the edge, and it sees logins and closes in ring order.
 */
final class PresenceFeed
{
    private final PresenceSubscriptions subscriptions = new PresenceSubscriptions();
    private final Long2LongHashMap onlineDevicesByUser = new Long2LongHashMap(0);
    private final FrameEncoders encoders = new FrameEncoders();
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final Presence presence;
    private final Privacy privacy;
    private final UserPairs contacts;
    private final UserPairs blocks;
    private final OutboundFrames outbound;
    private final RingCounters counters;

    PresenceFeed(final SwitchboardState state, final OutboundFrames outbound, final RingCounters counters)
    {
        presence = state.newPresence();
        privacy = state.newPrivacy();
        contacts = state.newContacts();
        blocks = state.newBlocks();
        this.outbound = outbound;
        this.counters = counters;
    }

    void deviceOnline(final long userId)
    {
        final long onlineDevices = onlineDevicesByUser.get(userId) + 1;
        onlineDevicesByUser.put(userId, onlineDevices);
        if (1 == onlineDevices)
        {
            push(userId, true);
        }
    }

    void deviceOffline(final long userId)
    {
        final long onlineDevices = onlineDevicesByUser.get(userId) - 1;
        if (onlineDevices <= 0)
        {
            onlineDevicesByUser.remove(userId);
            push(userId, false);
        }
        else
        {
            onlineDevicesByUser.put(userId, onlineDevices);
        }
    }

    /**
     * Answer with the target's presence now and, unless the target blocked the subscriber, on every change.
     */
    void subscribe(final RingEvent event)
    {
        final long userId = event.caller.userId;
        final long targetUserId = event.recipients.targetUserId;
        final boolean blocked = event.recipients.blocked;
        if (!blocked && !subscriptions.subscribe(event.connectionId, event.pollerIndex, userId, targetUserId))
        {
            send(event.pollerIndex, event.connectionId, encoders.error(
                frame, event.frame.requestId, PresenceSubscribeDecoder.TEMPLATE_ID, ErrorCode.STATE_FULL));
            return;
        }
        final boolean online = onlineDevicesByUser.get(targetUserId) > 0;
        send(event.pollerIndex, event.connectionId, presenceFrame(targetUserId, userId, online, blocked));
    }

    void unsubscribe(final RingEvent event)
    {
        subscriptions.unsubscribe(event.connectionId, event.recipients.targetUserId);
        send(event.pollerIndex, event.connectionId, encoders.requestAck(
            frame, event.frame.requestId, PresenceUnsubscribeDecoder.TEMPLATE_ID));
    }

    void connectionClosed(final long connectionId)
    {
        subscriptions.removeConnection(connectionId);
    }

    private void push(final long userId, final boolean online)
    {
        final ArrayList<PresenceSubscriptions.Subscriber> subscribers = subscriptions.subscribersOf(userId);
        if (null == subscribers)
        {
            return;
        }
        for (int i = 0, size = subscribers.size(); i < size; i++)
        {
            final PresenceSubscriptions.Subscriber subscriber = subscribers.get(i);
            final int length = presenceFrame(userId, subscriber.userId, online, false);
            send(subscriber.pollerIndex, subscriber.connectionId, length);
        }
    }

    /**
     * What a viewer may see of a user's presence under the user's privacy settings and blocks.
     */
    private int presenceFrame(final long userId, final long viewerUserId, final boolean online, final boolean blocked)
    {
        final boolean hiddenByBlock = blocked || blocks.contains(userId, viewerUserId);
        final boolean onlineVisible = !hiddenByBlock && visible(privacy.onlineVisibility(userId), userId, viewerUserId);
        final boolean lastSeenVisible =
            !hiddenByBlock && visible(privacy.lastSeenVisibility(userId), userId, viewerUserId);
        final PresenceState state = onlineVisible ?
            (online ? PresenceState.ONLINE : PresenceState.OFFLINE) : PresenceState.HIDDEN;
        return encoders.presenceUpdate(frame, userId, state, lastSeenVisible ? presence.lastSeenMs(userId) : 0);
    }

    private boolean visible(final int visibility, final long userId, final long viewerUserId)
    {
        switch (visibility)
        {
            case Privacy.EVERYONE:
                return true;
            case Privacy.CONTACTS:
                return userId == viewerUserId || contacts.contains(userId, viewerUserId);
            default:
                return userId == viewerUserId;
        }
    }

    private void send(final int pollerIndex, final long connectionId, final int length)
    {
        if (!outbound.send(pollerIndex, connectionId, frame, 0, length))
        {
            counters.increment(RingCounters.OUTBOUND_FULL);
        }
    }
}
