package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.state.Accounts;

/**
 * ContactLookup: which of these phone numbers are registered. Session: at most {@link #MAX_LOOKUP_NUMBERS} per
 * request and {@link #MAX_LOOKUPS_PER_DAY} per user per day. Route: recipient slot i holds the user of the i-th
 * number asked, or -1; each one found becomes the caller's contact. Delivery: a ContactLookupResult with those found.
 */
final class ContactLookupFlow extends Flow
{
    /** Phone numbers one ContactLookup may carry. */
    static final int MAX_LOOKUP_NUMBERS = 64;
    /** Phone numbers a user may look up per 24 hours: a contact book fits, the number space does not. */
    static final int MAX_LOOKUPS_PER_DAY = 2_000;

    private final ContactLookupDecoder sessionLookup = new ContactLookupDecoder();
    private final ContactLookupDecoder routeLookup = new ContactLookupDecoder();
    private final ContactLookupDecoder deliveryLookup = new ContactLookupDecoder();
    private final byte[] phoneBytes = new byte[256];
    private final StringBuilder phone = new StringBuilder(32);

    ContactLookupFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        event.frame.decode(sessionLookup);
        final int numbers = sessionLookup.phones().count();
        if (numbers > MAX_LOOKUP_NUMBERS)
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }
        if (!stage.lookupQuota.tryTake(session.userId, numbers, stage.nanoClock.nanoTime()))
        {
            stage.counters.increment(RingCounters.RATE_LIMITED);
            stage.refuse(event, ErrorCode.RATE_LIMITED);
        }
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        event.frame.decode(routeLookup);
        final ContactLookupDecoder.PhonesDecoder phones = routeLookup.phones();
        final Recipients recipients = event.recipients;
        int found = 0;
        while (phones.hasNext())
        {
            phones.next();
            final int length = phones.getPhone(phoneBytes, 0, phones.phoneLength());
            phone.setLength(0);
            for (int i = 0; i < length; i++)
            {
                phone.append((char)phoneBytes[i]);
            }
            final long userId = Accounts.isValidPhone(phone) ? stage.accounts.userIdOf(phone) : -1;
            recipients.add(userId < 0 ? -1 : userId, 0);
            if (userId >= 0)
            {
                found++;
                stage.addContact(event.caller.userId, userId, event.timestampMs);
            }
        }
        recipients.foundCount = found;
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(deliveryLookup);
        final int length = stage.encoders.contactLookupResult(
            stage.scratch, frame.requestId, deliveryLookup, event.recipients.userIds, event.recipients.foundCount);
        stage.send(event.pollerIndex, event.connectionId, stage.scratch, length);
    }
}
