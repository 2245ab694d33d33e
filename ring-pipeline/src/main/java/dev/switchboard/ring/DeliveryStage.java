package dev.switchboard.ring;

import com.lmax.disruptor.EventHandler;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.DeliverAckDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.TypingDecoder;
import dev.switchboard.journal.Journal;
import dev.switchboard.journal.RecordHandler;
import dev.switchboard.state.DeviceKeys;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * Stages 3 and 4: journals every message and receipt, then dispatches. They share a thread because dispatch reads
 * the journal's per-recipient queues (backlog drain, window refill) and the journal has a single owner.
 * <ul>
 *   <li>SENT goes out only after the journal holds the message, at the end of the batch, after the group commit.</li>
 *   <li>Every device has a window of unacknowledged deliveries; a full window pauses it (the journal holds the
 *   rest); an ack deletes the journal copy, journals a DELIVERED receipt for the sender and refills the window.</li>
 *   <li>A device whose window stays full past the stuck-reader timeout is disconnected.</li>
 * </ul>
 * The only stage that writes to the edge, so each connection sees responses in request order.
 */
final class DeliveryStage implements EventHandler<RingEvent>
{
    static final int KIND_MESSAGE = 1;
    static final int KIND_RECEIPT = 2;

    private static final long EXPIRY_INTERVAL_NS = TimeUnit.MINUTES.toNanos(1);

    private final SendDecoder send = new SendDecoder();
    private final DeliverAckDecoder deliverAck = new DeliverAckDecoder();
    private final ReadMarkDecoder readMark = new ReadMarkDecoder();
    private final TypingDecoder typing = new TypingDecoder();
    private final ContactLookupDecoder contactLookup = new ContactLookupDecoder();
    private final FrameEncoders encoders = new FrameEncoders();
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer ackScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));

    private final Long2ObjectHashMap<DeviceDelivery> deliveryByDevice = new Long2ObjectHashMap<>();
    private final PresenceFeed presenceFeed;
    private final PendingSentAcks pendingSentAcks;
    private final Journal journal;
    private final OutboundFrames outbound;
    private final LargeFrameBufferPool largeFrames;
    private final NanoClock nanoClock;
    private final RingCounters counters;
    private final int window;
    private final long stuckReaderTimeoutNs;
    private long nextExpiryNs;

    private final RecordHandler drainHandler = this::onDrainRecord;
    private DeviceDelivery draining;
    private boolean drainBlocked;

    private final RecordHandler ackHandler = this::onAckedRecord;
    private long ackedMessageId;
    private boolean ackFound;
    private int ackedKind;
    private long ackedSenderUserId;
    private int ackedSenderDeviceId;

    DeliveryStage(final RingContext ctx, final LargeFrameBufferPool largeFrames)
    {
        journal = ctx.journal();
        presenceFeed = new PresenceFeed(ctx.state(), ctx.outbound(), ctx.counters());
        outbound = ctx.outbound();
        nanoClock = ctx.nanoClock();
        counters = ctx.counters();
        window = ctx.deliveryWindow();
        stuckReaderTimeoutNs = ctx.stuckReaderTimeoutNs();
        this.largeFrames = largeFrames;
        scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(align(ctx.maxFrameLength() + 256), 64));
        pendingSentAcks = new PendingSentAcks(ctx.ringSize());
        nextExpiryNs = nanoClock.nanoTime() + EXPIRY_INTERVAL_NS;

        // The journal's resend log survives a restart; messages still held are recognised whatever their age.
        journal.rememberStoredSends(KIND_MESSAGE);
    }

    private static int align(final int length)
    {
        return (length + 63) & ~63;
    }

    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            if (event.kick)
            {
                outbound.close(event.kickPollerIndex, event.kickConnectionId);
            }
            if (event.responseLength > 0)
            {
                send(event.pollerIndex, event.connectionId, event.response, event.responseLength);
            }

            switch (event.action)
            {
                case RingEvent.ACTION_LOGGED_IN:
                    onLoggedIn(event);
                    break;

                case RingEvent.ACTION_SEND:
                    onSend(event);
                    break;

                case RingEvent.ACTION_DELIVER_ACK:
                    onDeliverAck(event);
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
                    presenceFeed.subscribe(event);
                    break;

                case RingEvent.ACTION_PRESENCE_UNSUBSCRIBE:
                    presenceFeed.unsubscribe(event);
                    break;

                case RingEvent.ACTION_LOGOUT:
                    deviceGone(event.userId, event.deviceId, event.connectionId, event.timestampMs);
                    break;

                default:
                    break;
            }

            if (RingEvent.KIND_CLOSED == event.kind)
            {
                presenceFeed.connectionClosed(event.connectionId);
                if (0 != event.userId)
                {
                    deviceGone(event.userId, event.deviceId, event.connectionId, event.timestampMs);
                }
            }
            else if (RingEvent.KIND_TICK == event.kind)
            {
                onTick();
            }
            else if (RingEvent.KIND_CONGESTION == event.kind && 0 != event.userId)
            {
                onCongestion(event);
            }

            if (event.closeAfterResponse)
            {
                outbound.close(event.pollerIndex, event.connectionId);
            }
        }
        finally
        {
            if (null != event.largeFrame)
            {
                largeFrames.release(event.largeFrame);
                event.largeFrame = null;
            }
        }

        if (endOfBatch)
        {
            journal.sync();
            flushSentAcks();
        }
    }

    private void onLoggedIn(final RingEvent event)
    {
        final long deviceKey = DeviceKeys.pack(event.userId, event.deviceId);
        final DeviceDelivery delivery =
            new DeviceDelivery(event.userId, event.deviceId, event.pollerIndex, event.connectionId);
        delivery.lastProgressNs = nanoClock.nanoTime();
        if (null == deliveryByDevice.put(deviceKey, delivery))
        {
            presenceFeed.deviceOnline(event.userId);
        }

        final int length = encoders.loginAck(
            scratch,
            event.requestId,
            event.userId,
            event.deviceId,
            event.timestampMs,
            journal.count(event.userId, event.deviceId));
        send(event.pollerIndex, event.connectionId, scratch, length);
        drain(delivery);
    }

    private void onSend(final RingEvent event)
    {
        send.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final long clientMsgId = send.clientMsgId();

        final long originalId = journal.findResend(event.userId, event.deviceId, clientMsgId, event.timestampMs);
        if (0 != originalId)
        {
            counters.increment(RingCounters.MESSAGES_DEDUPED);
            holdSentAck(event.pollerIndex, event.connectionId, clientMsgId, originalId, event.timestampMs);
            return;
        }

        if (event.blocked)
        {
            // The recipient blocked the sender: one tick, as for any message, and nothing stored or delivered.
            counters.increment(RingCounters.MESSAGES_BLOCKED);
            journal.rememberSend(event.userId, event.deviceId, clientMsgId, event.messageId, event.timestampMs);
            holdSentAck(event.pollerIndex, event.connectionId, clientMsgId, event.messageId, event.timestampMs);
            return;
        }

        final int payloadLength = send.payloadLength();
        final int payloadOffset = send.limit() + SendDecoder.payloadHeaderLength();
        final int frameLength = encoders.deliver(
            scratch,
            event.messageId,
            event.timestampMs,
            event.userId,
            event.deviceId,
            0,
            event.frame,
            payloadOffset,
            payloadLength);

        final int result = journal.appendToAll(
            event.recipientUserIds,
            event.recipientDeviceIds,
            event.recipientCount,
            event.messageId,
            event.userId,
            event.deviceId,
            clientMsgId,
            event.timestampMs,
            KIND_MESSAGE,
            scratch,
            0,
            frameLength);

        if (Journal.OK != result)
        {
            // Nothing stored (for any device, or one would miss what the others get): no tick, and no dedupe entry,
            // so the client's resend is tried afresh.
            counters.increment(RingCounters.QUEUE_FULL);
            final ErrorCode code = Journal.QUEUE_FULL == result ? ErrorCode.QUEUE_FULL : ErrorCode.INTERNAL_ERROR;
            final int length = encoders.error(ackScratch, clientMsgId, event.templateId, code);
            send(event.pollerIndex, event.connectionId, ackScratch, length);
            return;
        }

        counters.increment(RingCounters.MESSAGES_STORED);
        journal.rememberSend(event.userId, event.deviceId, clientMsgId, event.messageId, event.timestampMs);
        holdSentAck(event.pollerIndex, event.connectionId, clientMsgId, event.messageId, event.timestampMs);
        for (int i = 0; i < event.recipientCount; i++)
        {
            deliverLive(event.recipientUserIds[i], event.recipientDeviceIds[i], event.messageId, scratch, frameLength);
        }
    }

    /**
     * A device's connection closed or it logged out: stop delivering to it, and tell subscribers when its user has no
     * device online any more.
     */
    private void deviceGone(final long userId, final int deviceId, final long connectionId, final long nowMs)
    {
        final long deviceKey = DeviceKeys.pack(userId, deviceId);
        final DeviceDelivery delivery = deliveryByDevice.get(deviceKey);
        if (null == delivery || delivery.connectionId != connectionId)
        {
            return;
        }
        deliveryByDevice.remove(deviceKey);
        presenceFeed.deviceOffline(userId);
    }

    private void onTyping(final RingEvent event)
    {
        typing.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final int length = encoders.typingUpdate(scratch, event.userId, event.deviceId, typing.state());
        for (int i = 0; i < event.recipientCount; i++)
        {
            final DeviceDelivery delivery =
                deliveryByDevice.get(DeviceKeys.pack(event.recipientUserIds[i], event.recipientDeviceIds[i]));
            if (null != delivery && !delivery.paused)
            {
                send(delivery.pollerIndex, delivery.connectionId, scratch, length);
            }
        }
    }

    private void onContactLookup(final RingEvent event)
    {
        contactLookup.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final int length = encoders.contactLookupResult(
            scratch, event.requestId, contactLookup, event.recipientUserIds, event.resultCount);
        send(event.pollerIndex, event.connectionId, scratch, length);
    }

    private void onDeliverAck(final RingEvent event)
    {
        deliverAck.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final long messageId = deliverAck.messageId();

        ackedMessageId = messageId;
        ackFound = false;
        journal.read(event.userId, event.deviceId, messageId - 1, 1, ackHandler);
        if (!ackFound || !journal.delete(event.userId, event.deviceId, messageId))
        {
            counters.increment(RingCounters.UNKNOWN_ACKS);
            return;
        }
        counters.increment(RingCounters.ACKS);

        final DeviceDelivery delivery = deliveryByDevice.get(DeviceKeys.pack(event.userId, event.deviceId));
        if (null != delivery && delivery.connectionId == event.connectionId && messageId <= delivery.cursor)
        {
            delivery.inFlight = Math.max(0, delivery.inFlight - 1);
            delivery.lastProgressNs = nanoClock.nanoTime();
        }

        if (KIND_MESSAGE == ackedKind && 0 != ackedSenderUserId)
        {
            storeReceipt(
                event, ackedSenderUserId, ackedSenderDeviceId, messageId, ReceiptType.DELIVERED);
        }

        if (null != delivery && delivery.behind)
        {
            drain(delivery);
        }
    }

    private void onReadMark(final RingEvent event)
    {
        readMark.wrap(event.frame, RingEvent.BODY_OFFSET, event.blockLength, event.version);
        final long originalMessageId = readMark.messageId();
        for (int i = 0; i < event.recipientCount; i++)
        {
            storeReceipt(
                event, event.recipientUserIds[i], event.recipientDeviceIds[i], originalMessageId, ReceiptType.READ);
        }
    }

    private void storeReceipt(
        final RingEvent event,
        final long toUserId,
        final int toDeviceId,
        final long originalMessageId,
        final ReceiptType type)
    {
        final int length = encoders.receipt(
            scratch, event.messageId, originalMessageId, event.userId, event.deviceId, type, event.timestampMs);
        final int result = journal.append(
            toUserId,
            toDeviceId,
            event.messageId,
            event.userId,
            event.deviceId,
            originalMessageId,
            event.timestampMs,
            KIND_RECEIPT,
            scratch,
            0,
            length);
        if (result < 0)
        {
            counters.increment(RingCounters.QUEUE_FULL);
            return;
        }
        counters.increment(RingCounters.RECEIPTS_STORED);
        deliverLive(toUserId, toDeviceId, event.messageId, scratch, length);
    }

    private void deliverLive(
        final long userId, final int deviceId, final long messageId, final DirectBuffer frame, final int length)
    {
        final DeviceDelivery delivery = deliveryByDevice.get(DeviceKeys.pack(userId, deviceId));
        if (null == delivery)
        {
            return; // offline: the journal holds it for the next login
        }
        if (delivery.behind || delivery.paused || delivery.inFlight >= window ||
            !outbound.send(delivery.pollerIndex, delivery.connectionId, frame, 0, length))
        {
            delivery.behind = true;
            return;
        }
        sent(delivery, messageId);
    }

    private void onCongestion(final RingEvent event)
    {
        final DeviceDelivery delivery = deliveryByDevice.get(DeviceKeys.pack(event.userId, event.deviceId));
        if (null != delivery && delivery.connectionId == event.connectionId)
        {
            delivery.paused = event.congested;
            if (!delivery.paused && delivery.behind)
            {
                drain(delivery);
            }
        }
    }

    private void drain(final DeviceDelivery delivery)
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
        return true;
    }

    private void sent(final DeviceDelivery delivery, final long messageId)
    {
        if (0 == delivery.inFlight)
        {
            delivery.lastProgressNs = nanoClock.nanoTime();
        }
        delivery.cursor = messageId;
        delivery.inFlight++;
        counters.increment(RingCounters.DELIVERIES);
    }

    private boolean onAckedRecord(
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
        if (messageId == ackedMessageId)
        {
            ackFound = true;
            ackedKind = kind;
            ackedSenderUserId = senderUserId;
            ackedSenderDeviceId = senderDeviceId;
        }
        return false;
    }

    private void onTick()
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - nextExpiryNs >= 0)
        {
            nextExpiryNs = nowNs + EXPIRY_INTERVAL_NS;
            counters.add(RingCounters.RECORDS_EXPIRED, journal.expire());
        }

        for (final DeviceDelivery delivery : deliveryByDevice.values())
        {
            if (delivery.inFlight > 0 && nowNs - delivery.lastProgressNs > stuckReaderTimeoutNs)
            {
                counters.increment(RingCounters.STUCK_READERS_CLOSED);
                outbound.close(delivery.pollerIndex, delivery.connectionId);
                delivery.lastProgressNs = nowNs; // one close request per timeout, not one per tick
            }
            else if (delivery.behind && delivery.inFlight < window)
            {
                drain(delivery); // resume after the outbound queue was full
            }
        }
    }

    /**
     * Send the batch's SENT acks; keep, in order, those the edge's queue could not take, for the next flush.
     */
    private void flushSentAcks()
    {
        final PendingSentAcks acks = pendingSentAcks;
        int kept = 0;
        for (int i = 0, size = acks.size(); i < size; i++)
        {
            final int length = encoders.sentAck(ackScratch, acks.clientMsgId(i), acks.messageId(i), acks.timestampMs(i));
            if (!outbound.send(acks.pollerIndex(i), acks.connectionId(i), ackScratch, 0, length))
            {
                counters.increment(RingCounters.OUTBOUND_FULL);
                acks.move(i, kept++);
            }
        }
        acks.truncate(kept);
    }

    /**
     * Hold a SENT ack for the end of the batch. If the edge has refused so many that no room is left, the connection
     * is closed instead: its client reconnects and resends, and resend dedupe answers with the stored id.
     */
    private void holdSentAck(
        final int pollerIndex, final long connectionId, final long clientMsgId, final long messageId, final long nowMs)
    {
        if (pendingSentAcks.isFull())
        {
            journal.sync(); // the acks held so far may go out only once their messages are committed
            flushSentAcks();
        }
        if (pendingSentAcks.isFull())
        {
            counters.increment(RingCounters.OUTBOUND_FULL);
            outbound.close(pollerIndex, connectionId);
            return;
        }
        pendingSentAcks.add(pollerIndex, connectionId, clientMsgId, messageId, nowMs);
    }

    private void send(final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int length)
    {
        if (!outbound.send(pollerIndex, connectionId, buffer, 0, length))
        {
            counters.increment(RingCounters.OUTBOUND_FULL);
        }
    }
}
