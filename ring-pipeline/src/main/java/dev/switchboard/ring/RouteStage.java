package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.TypingDecoder;
import dev.switchboard.state.Accounts;
import dev.switchboard.state.DeviceKeys;
import dev.switchboard.state.Devices;
import dev.switchboard.state.UserPairs;

/**
 * Stage 2: resolves who a message or receipt is for (every device of a user, or one device) and gives every
 * journal-bound event its server message id, in ring order. Reads accounts and devices, writes nothing shared.
 */
final class RouteStage implements EventHandler<RingEvent>
{
    private final SendDecoder send = new SendDecoder();
    private final ReadMarkDecoder readMark = new ReadMarkDecoder();
    private final TypingDecoder typing = new TypingDecoder();
    private final ContactLookupDecoder contactLookup = new ContactLookupDecoder();
    private final PresenceSubscribeDecoder presenceSubscribe = new PresenceSubscribeDecoder();
    private final PresenceUnsubscribeDecoder presenceUnsubscribe = new PresenceUnsubscribeDecoder();
    private final byte[] phoneBytes = new byte[256];
    private final StringBuilder phone = new StringBuilder(32);
    private final FrameEncoders encoders = new FrameEncoders();
    private final int[] deviceIds = new int[DeviceKeys.MAX_DEVICE_ID + 1];
    private final Accounts accounts;
    private final Devices devices;
    private final UserPairs blocks;
    private final UserPairs contacts;
    private final MessageIds messageIds;
    private final RingCounters counters;

    RouteStage(final RingContext ctx, final long highestMessageIdInUse)
    {
        accounts = ctx.state().newAccounts();
        devices = ctx.state().newDevices();
        blocks = ctx.state().newBlocks();
        contacts = ctx.state().newContacts();
        messageIds = new MessageIds(highestMessageIdInUse);
        counters = ctx.counters();
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        switch (event.action)
        {
            case RingEvent.ACTION_SEND:
                onSend(event);
                break;

            case RingEvent.ACTION_DELIVER_ACK:
                // The id a DELIVERED receipt will take if the acked record turns out to be a message.
                event.messageId = messageIds.next(event.timestampMs);
                break;

            case RingEvent.ACTION_READ_MARK:
                onReadMark(event);
                break;

            case RingEvent.ACTION_TYPING:
                onTyping(event);
                break;

            case RingEvent.ACTION_CONTACT_LOOKUP:
                onContactLookup(event);
                break;

            case RingEvent.ACTION_PRESENCE_SUBSCRIBE:
                presenceSubscribe.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
                onPresenceSubscribe(event, presenceSubscribe.userId());
                break;

            case RingEvent.ACTION_PRESENCE_UNSUBSCRIBE:
                presenceUnsubscribe.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
                event.targetUserId = presenceUnsubscribe.userId();
                break;

            default:
                break;
        }
    }

    private void onSend(final RingEvent event)
    {
        send.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final long toUserId = send.to().userId();
        if (resolve(event, toUserId, send.to().deviceId()))
        {
            event.messageId = messageIds.next(event.timestampMs);
            if (blocks.contains(toUserId, event.userId))
            {
                event.blocked = true; // one tick for the sender, nothing for the blocker
            }
            else if (!contacts.contains(event.userId, toUserId))
            {
                contacts.add(event.userId, toUserId, event.timestampMs);
            }
        }
    }

    private void onTyping(final RingEvent event)
    {
        typing.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final long toUserId = typing.to().userId();
        final int toDeviceId = typing.to().deviceId();
        // Typing is never answered: unknown recipients and blockers are dropped silently.
        if (!accounts.exists(toUserId) || blocks.contains(toUserId, event.userId))
        {
            event.action = RingEvent.ACTION_NONE;
            return;
        }
        if (0 == toDeviceId)
        {
            final int count = devices.deviceIds(toUserId, deviceIds);
            for (int i = 0; i < count; i++)
            {
                event.addRecipient(toUserId, deviceIds[i]);
            }
        }
        else if (toDeviceId <= DeviceKeys.MAX_DEVICE_ID)
        {
            event.addRecipient(toUserId, toDeviceId);
        }
    }

    /**
     * Recipient slot i holds the user of the i-th number asked, or -1; each one found becomes the asker's contact.
     */
    private void onContactLookup(final RingEvent event)
    {
        contactLookup.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final ContactLookupDecoder.PhonesDecoder phones = contactLookup.phones();
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
            final long userId = Accounts.isValidPhone(phone) ? accounts.userIdOf(phone) : -1;
            event.addRecipient(userId < 0 ? -1 : userId, 0);
            if (userId >= 0)
            {
                found++;
                if (!contacts.contains(event.userId, userId))
                {
                    contacts.add(event.userId, userId, event.timestampMs);
                }
            }
        }
        event.resultCount = found;
    }

    private void onPresenceSubscribe(final RingEvent event, final long targetUserId)
    {
        if (!accounts.exists(targetUserId))
        {
            refuse(event, ErrorCode.UNKNOWN_USER);
            return;
        }
        event.targetUserId = targetUserId;
        // A blocker's presence is hidden from the blocked, who cannot tell it from a privacy setting.
        event.blocked = blocks.contains(targetUserId, event.userId);
    }

    private void onReadMark(final RingEvent event)
    {
        readMark.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        if (resolve(event, readMark.sender().userId(), readMark.sender().deviceId()))
        {
            event.messageId = messageIds.next(event.timestampMs);
        }
    }

    /**
     * Devices first: a user with a device exists, so the common case costs no account lookup.
     */
    private boolean resolve(final RingEvent event, final long userId, final int deviceId)
    {
        if (0 == deviceId)
        {
            final int count = devices.deviceIds(userId, deviceIds);
            for (int i = 0; i < count; i++)
            {
                event.addRecipient(userId, deviceIds[i]);
            }
            if (count > 0)
            {
                return true;
            }
        }
        else if (deviceId <= DeviceKeys.MAX_DEVICE_ID && devices.exists(userId, deviceId))
        {
            event.addRecipient(userId, deviceId);
            return true;
        }

        refuse(event, accounts.exists(userId) ? ErrorCode.UNKNOWN_DEVICE : ErrorCode.UNKNOWN_USER);
        return false;
    }

    private void refuse(final RingEvent event, final ErrorCode code)
    {
        counters.increment(RingCounters.UNKNOWN_RECIPIENTS);
        event.action = RingEvent.ACTION_NONE;
        event.recipientCount = 0;
        event.responseLength = encoders.error(event.response, event.requestId, event.templateId, code);
    }
}
