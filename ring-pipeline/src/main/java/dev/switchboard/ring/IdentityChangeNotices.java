package dev.switchboard.ring;

import dev.switchboard.state.UserPairs;
import org.agrona.BufferUtil;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A device uploaded a new identity key over another one (a reinstall): its user's contacts are told with an
 * IdentityChanged notice, journaled and delivered like a receipt (an offline contact gets it after login) and acked
 * with DeliverAck. Route: the contacts are the users paired with the caller in the contacts table either way round
 * (it wrote to or looked them up, or they it), read from the table's partner index, which this stage keeps as the
 * table's writer: O(partners), not a scan; every device of each takes the notice, under one message id. Delivery: journal one per device, deliver to those
 * online.
 */
final class IdentityChangeNotices
{
    /** Journal record kind of a notice: acked like a receipt, earns none. */
    static final int KIND_IDENTITY_CHANGED = 4;

    private final RingContext ctx;
    private final LongHashSet partners = new LongHashSet();
    private final LinkEncoders encoders = new LinkEncoders();
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
    private UserPairs contacts;

    IdentityChangeNotices(final RingContext ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Route stage: the devices to tell, and the notice's message id.
     */
    void route(final RingEvent event, final RouteStage stage)
    {
        if (null == contacts)
        {
            contacts = ctx.state().newContacts(); // made on the route stage's thread, the table's writer
        }
        final long userId = event.caller.userId;
        partners.clear();
        contacts.partnersOf(userId, partners);
        final LongHashSet.LongIterator users = partners.iterator();
        while (users.hasNext())
        {
            stage.addAllDevices(event.recipients, users.nextValue());
        }
        if (event.recipients.count > 0)
        {
            event.recipients.messageId = stage.messageIds.next(event.timestampMs);
        }
    }

    /**
     * Delivery stage: journal and deliver the notices.
     */
    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final Recipients recipients = event.recipients;
        if (0 == recipients.count)
        {
            return;
        }
        final Caller caller = event.caller;
        final long messageId = recipients.messageId;
        final int length =
            encoders.identityChanged(scratch, messageId, event.timestampMs, caller.userId, caller.deviceId);
        for (int i = 0; i < recipients.count; i++)
        {
            if (stage.storeAndDeliver(
                recipients.userIds[i], recipients.deviceIds[i], messageId, caller.userId, caller.deviceId, 0,
                event.timestampMs, KIND_IDENTITY_CHANGED, scratch, length))
            {
                stage.counters.increment(RingCounters.IDENTITY_NOTICES);
            }
        }
    }
}
