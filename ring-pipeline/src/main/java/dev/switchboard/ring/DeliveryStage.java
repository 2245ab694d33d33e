package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.journal.Journal;
import dev.switchboard.journal.RecordHandler;
import dev.switchboard.state.DeviceKeys;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Stage 3, journal and dispatch on one thread, because dispatch reads the journal's per-recipient queues (backlog
 * drain, window refill) and the journal has a single owner. For each event: close a kicked connection, send the
 * reply, run the flow's delivery step, close if asked; at the end of a batch, the group commit, then the SENT acks.
 * <ul>
 *   <li>SENT goes out only after the journal holds the message, at the end of the batch, after the group commit.</li>
 *   <li>Every device has a window of unacknowledged deliveries; a full window pauses it (the journal holds the
 *   rest); an ack deletes the journal copy, journals a DELIVERED receipt for the sender and refills the window.</li>
 *   <li>A device with deliveries unacknowledged past the stuck-reader timeout is disconnected ({@link
 *   DeliveryTimers}, on the tick).</li>
 * </ul>
 * The only stage that writes to the edge, so each connection sees responses in request order.
 */
final class DeliveryStage implements EventHandler<RingEvent>
{
    /** Journal record kinds. */
    static final int KIND_MESSAGE = 1;
    static final int KIND_RECEIPT = 2;
    /** A GroupEvent: acked like a message, earns no receipt. */
    static final int KIND_GROUP_EVENT = 3;
    /** A MissedCall: acked like a receipt, earns no receipt. */
    static final int KIND_MISSED_CALL = 4;

    final FrameEncoders encoders = new FrameEncoders();
    /** Scratch for one outgoing frame as large as the largest inbound one. */
    final UnsafeBuffer scratch;
    /** Scratch for a small frame (ack, error) encoded while {@link #scratch} is in use. */
    final UnsafeBuffer ackScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));

    final Long2ObjectHashMap<DeviceDelivery> deliveryByDevice = new Long2ObjectHashMap<>();
    final PresenceFeed presenceFeed;
    final Journal journal;
    final OutboundFrames outbound;
    final NanoClock nanoClock;
    final RingCounters counters;
    final int window;
    final DeliveryTimers timers;
    final GroupFanOut groupFanOut;
    final CallTable calls;
    private final Flows flows;
    private final GroupHandoff groupHandoff;
    private final SentAcks sentAcks;
    private final LargeFrameBufferPool largeFrames;
    private final OfflineDeliveryListener offlineDeliveryListener;

    private final RecordHandler drainHandler = this::onDrainRecord;
    private DeviceDelivery draining;
    private boolean drainBlocked;

    DeliveryStage(
        final RingContext ctx,
        final Flows flows,
        final LargeFrameBufferPool largeFrames,
        final GroupHandoff groupHandoff,
        final int maxGroupDevices)
    {
        this.flows = flows;
        this.groupHandoff = groupHandoff;
        groupFanOut = new GroupFanOut(this, groupHandoff, maxGroupDevices);
        journal = ctx.journal();
        offlineDeliveryListener = ctx.offlineDeliveryListener();
        presenceFeed = new PresenceFeed(ctx.state(), ctx.outbound(), ctx.counters());
        outbound = ctx.outbound();
        nanoClock = ctx.nanoClock();
        counters = ctx.counters();
        window = ctx.deliveryWindow();
        timers = new DeliveryTimers(nanoClock.nanoTime(), ctx.stuckReaderTimeoutNs(), counters, outbound);
        this.largeFrames = largeFrames;
        scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RingEvent.align(ctx.maxFrameLength() + 256), 64));
        sentAcks = new SentAcks(ctx.ringSize(), journal, outbound, encoders, counters);

        // The journal's resend log survives a restart; messages still held are recognised whatever their age.
        journal.rememberStoredSends(KIND_MESSAGE);
        calls = new CallTable(ctx.calls(), this, ctx.state().context().maxDevicesPerAccount(), nanoClock.nanoTime());
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            final Reply reply = event.reply;
            if (reply.kick)
            {
                outbound.close(reply.kickPollerIndex, reply.kickConnectionId);
            }
            if (reply.length > 0)
            {
                send(event.pollerIndex, event.connectionId, reply.buffer, reply.length);
            }
            flows.byId(event.flowId).deliver(event, this);
            if (reply.closeAfterSend)
            {
                outbound.close(event.pollerIndex, event.connectionId);
            }
        }
        finally
        {
            final InboundFrame frame = event.frame;
            if (null != frame.largeBuffer)
            {
                largeFrames.release(frame.largeBuffer);
                frame.largeBuffer = null;
            }
            if (event.group.claimed)
            {
                groupHandoff.release(event.group);
            }
        }

        if (endOfBatch)
        {
            journal.sync();
            sentAcks.flush();
        }
    }

    DeviceDelivery delivery(final long userId, final int deviceId)
    {
        return deliveryByDevice.get(DeviceKeys.pack(userId, deviceId));
    }

    /**
     * A device's connection closed or it logged out: stop delivering to it, and tell subscribers when its user has no
     * device online any more.
     */
    void deviceGone(final long userId, final int deviceId, final long connectionId)
    {
        final long deviceKey = DeviceKeys.pack(userId, deviceId);
        final DeviceDelivery delivery = deliveryByDevice.get(deviceKey);
        if (null == delivery || delivery.connectionId != connectionId)
        {
            return;
        }
        deliveryByDevice.remove(deviceKey);
        timers.deviceGone(delivery);
        calls.deviceGone(userId, deviceId);
        presenceFeed.deviceOffline(userId);
    }

    /**
     * Journal a receipt (DELIVERED or READ) from the caller for the sender's device, and deliver it if online.
     */
    void storeReceipt(
        final RingEvent event,
        final long toUserId,
        final int toDeviceId,
        final long originalMessageId,
        final ReceiptType type)
    {
        final Caller caller = event.caller;
        final long messageId = event.recipients.messageId;
        final int length = encoders.receipt(
            scratch, messageId, originalMessageId, caller.userId, caller.deviceId, type, event.timestampMs);
        if (storeAndDeliver(
            toUserId, toDeviceId, messageId, caller.userId, caller.deviceId, originalMessageId, event.timestampMs,
            KIND_RECEIPT, scratch, length))
        {
            counters.increment(RingCounters.RECEIPTS_STORED);
        }
    }

    /**
     * Journal one record for one device and send it now if the device is online; a full queue is counted and the
     * record dropped.
     *
     * @return whether the journal took the record.
     */
    boolean storeAndDeliver(
        final long toUserId,
        final int toDeviceId,
        final long messageId,
        final long fromUserId,
        final int fromDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer frame,
        final int length)
    {
        final int result = journal.append(
            toUserId, toDeviceId, messageId, fromUserId, fromDeviceId, correlationId, timestampMs, kind, frame, 0,
            length);
        if (Journal.OK != result)
        {
            counters.increment(RingCounters.QUEUE_FULL);
            return false;
        }
        // A receipt is wanted soon, not now: the edge may hold it for the device's next frame to take along.
        final boolean receipt = KIND_RECEIPT == kind;
        if (deliverLive(toUserId, toDeviceId, messageId, frame, 0, length, receipt) && receipt)
        {
            counters.increment(RingCounters.RECEIPT_DELIVERIES);
        }
        return true;
    }

    /**
     * A Send or SendGroup is stored, acknowledged and handed to its online devices: how long since the edge published
     * it ({@link RingCounters#sendToDeliverTime()}), on the real clock, when service times are on.
     */
    void recordSendToDeliverTime(final InboundFrame frame)
    {
        if (0 != frame.publishedNs)
        {
            counters.sendToDeliverTime().recordValue(Math.max(0, System.nanoTime() - frame.publishedNs));
        }
    }

    /**
     * Send a journaled record to its device now if it is online and its window has room; else the journal keeps it
     * for the drain.
     *
     * @return whether it was handed to the device now.
     */
    boolean deliverLive(
        final long userId, final int deviceId, final long messageId, final DirectBuffer frame, final int length)
    {
        return deliverLive(userId, deviceId, messageId, frame, 0, length);
    }

    /**
     * As {@link #deliverLive(long, int, long, DirectBuffer, int)} for a frame at an offset.
     *
     * @return whether it was handed to the device now.
     */
    boolean deliverLive(
        final long userId,
        final int deviceId,
        final long messageId,
        final DirectBuffer frame,
        final int offset,
        final int length)
    {
        return deliverLive(userId, deviceId, messageId, frame, offset, length, false);
    }

    private boolean deliverLive(
        final long userId,
        final int deviceId,
        final long messageId,
        final DirectBuffer frame,
        final int offset,
        final int length,
        final boolean mayWait)
    {
        final DeviceDelivery delivery = delivery(userId, deviceId);
        if (null == delivery)
        {
            // Offline: the journal holds it for the next login; a push may wake the device.
            offlineDeliveryListener.onOfflineDelivery(userId, deviceId);
            return false;
        }
        if (delivery.behind || delivery.paused || delivery.inFlight >= window)
        {
            delivery.behind = true;
            return false;
        }
        final boolean taken = mayWait ?
            outbound.sendHeld(delivery.pollerIndex, delivery.connectionId, frame, offset, length) :
            outbound.send(delivery.pollerIndex, delivery.connectionId, frame, offset, length);
        if (!taken)
        {
            delivery.behind = true;
            timers.outboundBlocked(delivery);
            return false;
        }
        sent(delivery, messageId);
        return true;
    }

    /**
     * Fill the device's window from its journal queue, after its cursor.
     */
    void drain(final DeviceDelivery delivery)
    {
        final int room = window - delivery.inFlight;
        if (room <= 0 || delivery.paused)
        {
            return;
        }
        draining = delivery;
        drainBlocked = false;
        final int handed = journal.read(delivery.userId, delivery.deviceId, delivery.cursor, room, drainHandler);
        delivery.behind = drainBlocked || handed == room;
        if (drainBlocked)
        {
            timers.outboundBlocked(delivery);
        }
        draining = null;
    }

    private boolean onDrainRecord(
        final long recipientUserId,
        final int recipientDeviceId,
        final long messageId,
        final long senderUserId,
        final int senderDeviceId,
        final long correlationId,
        final long timestampMs,
        final int kind,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final DeviceDelivery delivery = draining;
        if (!outbound.send(delivery.pollerIndex, delivery.connectionId, buffer, offset, length))
        {
            drainBlocked = true;
            return false;
        }
        sent(delivery, messageId);
        if (KIND_RECEIPT == kind)
        {
            counters.increment(RingCounters.RECEIPT_DELIVERIES);
        }
        return true;
    }

    private void sent(final DeviceDelivery delivery, final long messageId)
    {
        if (0 == delivery.inFlight)
        {
            delivery.lastProgressNs = nanoClock.nanoTime();
            timers.windowOpened(delivery, delivery.lastProgressNs);
        }
        delivery.cursor = messageId;
        delivery.inFlight++;
        counters.increment(RingCounters.DELIVERIES);
    }

    /**
     * Answer a resend the journal remembers (a Send or SendGroup with a clientMsgId already stored): SENT again with
     * the original id, nothing stored or delivered.
     *
     * @return true if the request was a resend, answered.
     */
    boolean answerResend(final RingEvent event, final long clientMsgId)
    {
        final Caller caller = event.caller;
        final long originalId =
            journal.resendDedupe().find(caller.userId, caller.deviceId, clientMsgId, event.timestampMs);
        if (0 == originalId)
        {
            return false;
        }
        counters.increment(RingCounters.MESSAGES_DEDUPED);
        sentAcks.hold(event.pollerIndex, event.connectionId, clientMsgId, originalId, event.timestampMs);
        return true;
    }

    /**
     * A message was stored (or dropped for a blocker): remember it for resends and hold its SENT ack.
     */
    void sent(final RingEvent event, final long clientMsgId, final long messageId)
    {
        journal.resendDedupe().remember(
            event.caller.userId, event.caller.deviceId, clientMsgId, messageId, event.timestampMs);
        sentAcks.hold(event.pollerIndex, event.connectionId, clientMsgId, messageId, event.timestampMs);
    }

    /**
     * A frame for a connection; counted, not retried, when the edge's queue is full.
     */
    void send(final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int length)
    {
        send(pollerIndex, connectionId, buffer, 0, length);
    }

    /**
     * As {@link #send(int, long, DirectBuffer, int)} for a frame at an offset.
     */
    void send(
        final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!outbound.send(pollerIndex, connectionId, buffer, offset, length))
        {
            counters.increment(RingCounters.OUTBOUND_FULL);
        }
    }
}
