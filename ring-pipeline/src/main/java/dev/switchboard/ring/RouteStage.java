package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.state.Accounts;
import dev.switchboard.state.DeviceKeys;
import dev.switchboard.state.Devices;
import dev.switchboard.state.UserPairs;

/**
 * Stage 2: runs each flow's route step, which resolves who a message, receipt or notice is for (every device of a
 * user, or one device) and gives every journal-bound event its server message id, in ring order. Reads accounts,
 * devices and blocks; sole writer of contacts.
 */
final class RouteStage implements EventHandler<RingEvent>
{
    /** Slots of each on-heap pair cache (1 MiB each): the hot pairs of a busy server's Sends. */
    static final int KNOWN_PAIRS = 1 << 16;

    final FrameEncoders encoders = new FrameEncoders();
    /** Scratch for a user's device ids. */
    final int[] deviceIds = new int[DeviceKeys.MAX_DEVICE_ID + 1];
    final Accounts accounts;
    final Devices devices;
    final MessageIds messageIds;
    private final Flows flows;
    private final UserPairs blocks;
    private final UserPairs contacts;
    /** Pairs known to be contacts: contacts are only ever added, and only here. */
    private final PairSet knownContacts = new PairSet(KNOWN_PAIRS);
    /** (owner, other) pairs known not to be blocked; a Block's route step forgets its pair. */
    private final PairSet knownUnblocked = new PairSet(KNOWN_PAIRS);
    final RingCounters counters;
    final GroupRouter groups;

    RouteStage(
        final RingContext ctx, final Flows flows, final long highestMessageIdInUse, final GroupHandoff groupHandoff)
    {
        this.flows = flows;
        accounts = ctx.state().newAccounts();
        devices = ctx.state().newDevices();
        blocks = ctx.state().newBlocks();
        contacts = ctx.state().newContacts();
        messageIds = new MessageIds(highestMessageIdInUse);
        counters = ctx.counters();
        groups = new GroupRouter(
            this, ctx.state().newGroups(), ctx.state().context().maxDevicesPerAccount(), groupHandoff);
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        flows.byId(event.flowId).route(event, this);
    }

    /**
     * The caller wrote to or looked up a user: the user becomes its contact (for privacy settings).
     */
    void addContact(final long userId, final long contactUserId, final long nowMs)
    {
        if (knownContacts.contains(userId, contactUserId))
        {
            return;
        }
        if (contacts.contains(userId, contactUserId) || contacts.add(userId, contactUserId, nowMs))
        {
            knownContacts.add(userId, contactUserId);
        }
    }

    /**
     * Whether the owner blocked the other user. Blocks are written by the session stage, earlier in the ring than
     * this one, so a pair read here as not blocked stays so until a later Block's route step forgets it.
     */
    boolean isBlocked(final long ownerUserId, final long otherUserId)
    {
        if (knownUnblocked.contains(ownerUserId, otherUserId))
        {
            return false;
        }
        final boolean blocked = blocks.contains(ownerUserId, otherUserId);
        if (!blocked)
        {
            knownUnblocked.add(ownerUserId, otherUserId);
        }
        return blocked;
    }

    /**
     * The owner blocked or unblocked the other user (the session stage changed the table): forget what was known.
     */
    void blockChanged(final long ownerUserId, final long otherUserId)
    {
        knownUnblocked.remove(ownerUserId, otherUserId);
    }

    /**
     * Add every device of a user (device id 0) or the one device named as recipients; refuse the request if none
     * exists. Devices first: a user with a device exists, so the common case costs no account lookup.
     *
     * @return true when at least one recipient was added.
     */
    boolean resolve(final RingEvent event, final long userId, final int deviceId)
    {
        if (0 == deviceId)
        {
            if (addAllDevices(event.recipients, userId) > 0)
            {
                return true;
            }
        }
        else if (deviceId <= DeviceKeys.MAX_DEVICE_ID && devices.exists(userId, deviceId))
        {
            event.recipients.add(userId, deviceId);
            return true;
        }

        refuse(event, accounts.exists(userId) ? ErrorCode.UNKNOWN_DEVICE : ErrorCode.UNKNOWN_USER);
        return false;
    }

    /**
     * @return how many devices the user has, all now recipients.
     */
    int addAllDevices(final Recipients recipients, final long userId)
    {
        final int count = devices.deviceIds(userId, deviceIds);
        for (int i = 0; i < count; i++)
        {
            recipients.add(userId, deviceIds[i]);
        }
        return count;
    }

    /**
     * The request names a recipient that does not exist: an Error, and nothing for the delivery stage to do.
     */
    void refuse(final RingEvent event, final ErrorCode code)
    {
        counters.increment(RingCounters.UNKNOWN_RECIPIENTS);
        event.endFlow();
        event.recipients.count = 0;
        event.reply.error(encoders, event.frame, code);
    }
}
