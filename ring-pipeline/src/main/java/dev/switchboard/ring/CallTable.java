package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.journal.Journal;
import org.agrona.BufferUtil;
import org.agrona.DeadlineTimerWheel;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The calls ringing or in progress: ephemeral state of the delivery stage (its thread alone reads and writes it),
 * which is where the callee's online devices are known and the only writer to the edge. A fixed number of slots,
 * allocated at start as parallel arrays, and maps pre-sized so they never grow: no allocation per frame. A full
 * table refuses new calls with SERVER_BUSY.
 * <p>
 * A user takes part in at most one call (as caller or callee), so {@link #slotByUserId} also answers "busy". Each
 * party is a device: the caller's device, and before the answer every callee device that rings, after it the one that
 * answered. Frames for a party go to its device's current connection. Ring timeouts are on a {@link
 * DeadlineTimerWheel} polled on the housekeeping tick.
 */
final class CallTable
{
    /** Missed calls the tick may end at once: the tick's route step reserves this many message ids. */
    static final int MAX_TIMEOUTS_PER_TICK = 64;

    private static final int FREE = 0;
    private static final int RINGING = 1;
    private static final int ACTIVE = 2;
    private static final long NONE = -1;
    /** About 67 ms a slot: finer than the 100 ms tick that polls it. */
    private static final long TICK_RESOLUTION_NS = 1L << 26;
    private static final int TICKS_PER_WHEEL = 1024;
    private static final int MAX_POLLS_PER_TICK = 64;

    private final CallFrameEncoders encoders = new CallFrameEncoders();
    private final UnsafeBuffer frameScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final UnsafeBuffer missedScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final Long2LongHashMap slotByCallId;
    private final Long2LongHashMap slotByUserId;
    private final Long2LongHashMap slotByTimerId;
    private final DeadlineTimerWheel wheel;
    private final DeadlineTimerWheel.TimerHandler onTimeout = this::onTimeout;
    private final DeliveryStage stage;
    private final RingCounters counters;
    private final CallPushGateway pushGateway;
    private final long ringTimeoutNs;
    private final int maxIceCandidates;
    private final int maxDevices;

    private final long[] callIds;
    private final int[] states;
    private final CallMedia[] media;
    private final long[] callerUserIds;
    private final int[] callerDeviceIds;
    private final long[] calleeUserIds;
    /** Every device of the callee, for the missed-call record. */
    private final int[][] calleeDeviceIds;
    private final int[] calleeDeviceCounts;
    /** The callee's devices that ring (online when the offer came, not gone since). */
    private final int[][] ringingDeviceIds;
    private final int[] ringingCounts;
    private final int[] answeredDeviceIds;
    private final int[] iceCounts;
    private final long[] timerIds;
    private final int[] freeSlots;
    private int freeCount;

    /** Scratch for a journal append to all of a callee's devices. */
    private final long[] recipientUserIds;
    /** Tick step only: the next of the ids the tick's route step reserved, and how many are left. */
    private long timeoutMessageId;
    private int timeoutIdsLeft;
    private long tickTimestampMs;

    CallTable(final CallContext ctx, final DeliveryStage stage, final int maxDevices, final long startNs)
    {
        this.stage = stage;
        this.maxDevices = maxDevices;
        counters = stage.counters;
        pushGateway = ctx.pushGateway();
        ringTimeoutNs = ctx.ringTimeoutNs();
        maxIceCandidates = ctx.maxIceCandidates();
        final int capacity = ctx.capacity();
        // Sized so a full table stays under the load factor: the maps never resize.
        slotByCallId = new Long2LongHashMap(capacity * 2, 0.65f, NONE);
        slotByUserId = new Long2LongHashMap(capacity * 4, 0.65f, NONE);
        slotByTimerId = new Long2LongHashMap(capacity * 2, 0.65f, NONE);
        wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNs, TICK_RESOLUTION_NS, TICKS_PER_WHEEL);

        callIds = new long[capacity];
        states = new int[capacity];
        media = new CallMedia[capacity];
        callerUserIds = new long[capacity];
        callerDeviceIds = new int[capacity];
        calleeUserIds = new long[capacity];
        calleeDeviceIds = new int[capacity][maxDevices];
        calleeDeviceCounts = new int[capacity];
        ringingDeviceIds = new int[capacity][maxDevices];
        ringingCounts = new int[capacity];
        answeredDeviceIds = new int[capacity];
        iceCounts = new int[capacity];
        timerIds = new long[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        Arrays.fill(timerIds, DeadlineTimerWheel.NULL_DEADLINE);
        recipientUserIds = new long[maxDevices];
    }

    int activeCount()
    {
        return freeSlots.length - freeCount;
    }

    /**
     * A CallOffer the route stage resolved: ring the callee's online devices, or tell the caller why not.
     */
    void offer(
        final RingEvent event,
        final long callId,
        final CallMedia callMedia,
        final DirectBuffer sdp,
        final int sdpOffset,
        final int sdpLength)
    {
        final Caller caller = event.caller;
        final Recipients recipients = event.recipients;
        if (NONE != slotByCallId.get(callId))
        {
            refuse(event, ErrorCode.CALL_ID_IN_USE);
            return;
        }
        if (NONE != slotByUserId.get(caller.userId))
        {
            refuse(event, ErrorCode.ALREADY_IN_CALL);
            return;
        }
        counters.increment(RingCounters.CALLS_OFFERED);

        final long calleeUserId = recipients.targetUserId;
        if (recipients.blocked)
        {
            // As for an offline callee, but the blocker hears nothing of it.
            reply(event, callId, CallEndReason.UNAVAILABLE);
            return;
        }
        if (NONE != slotByUserId.get(calleeUserId))
        {
            reply(event, callId, CallEndReason.BUSY);
            storeMissedCall(
                calleeUserId, recipients.deviceIds, recipients.count, recipients.messageId, event.timestampMs,
                callId, caller.userId, caller.deviceId, callMedia, CallEndReason.BUSY);
            return;
        }

        int online = 0;
        for (int i = 0; i < recipients.count; i++)
        {
            if (null != stage.delivery(calleeUserId, recipients.deviceIds[i]))
            {
                online++;
            }
        }
        if (0 == online)
        {
            reply(event, callId, CallEndReason.UNAVAILABLE);
            storeMissedCall(
                calleeUserId, recipients.deviceIds, recipients.count, recipients.messageId, event.timestampMs,
                callId, caller.userId, caller.deviceId, callMedia, CallEndReason.UNAVAILABLE);
            pushGateway.offlineCallee(calleeUserId, caller.userId, callId, callMedia);
            return;
        }
        if (0 == freeCount)
        {
            refuse(event, ErrorCode.SERVER_BUSY);
            return;
        }

        final int slot = freeSlots[--freeCount];
        callIds[slot] = callId;
        states[slot] = RINGING;
        media[slot] = callMedia;
        callerUserIds[slot] = caller.userId;
        callerDeviceIds[slot] = caller.deviceId;
        calleeUserIds[slot] = calleeUserId;
        answeredDeviceIds[slot] = 0;
        iceCounts[slot] = 0;
        final int[] all = calleeDeviceIds[slot];
        final int[] ringing = ringingDeviceIds[slot];
        int allCount = 0;
        int ringingCount = 0;
        final int length = encoders.callIncoming(
            stage.scratch, callId, event.timestampMs, caller.userId, caller.deviceId, callMedia, sdp, sdpOffset,
            sdpLength);
        for (int i = 0; i < recipients.count && allCount < maxDevices; i++)
        {
            final int deviceId = recipients.deviceIds[i];
            all[allCount++] = deviceId;
            if (sendTo(calleeUserId, deviceId, stage.scratch, 0, length))
            {
                ringing[ringingCount++] = deviceId;
            }
        }
        calleeDeviceCounts[slot] = allCount;
        ringingCounts[slot] = ringingCount;
        slotByCallId.put(callId, slot);
        slotByUserId.put(caller.userId, slot);
        slotByUserId.put(calleeUserId, slot);
        final long timerId = wheel.scheduleTimer(stage.nanoClock.nanoTime() + ringTimeoutNs);
        timerIds[slot] = timerId;
        slotByTimerId.put(timerId, slot);

        final int ringingLength = encoders.callRinging(frameScratch, callId, ringingCount);
        stage.send(event.pollerIndex, event.connectionId, frameScratch, ringingLength);
    }

    /**
     * A CallAnswer: the first from a ringing device wins, relayed as sent to the caller; the other devices stop.
     */
    void answer(final RingEvent event, final long callId)
    {
        final Caller caller = event.caller;
        final int slot = slotOf(callId);
        if (NONE == slot || RINGING != states[slot] || caller.userId != calleeUserIds[slot] ||
            !isRinging(slot, caller.deviceId))
        {
            refuse(event, ErrorCode.UNKNOWN_CALL);
            return;
        }
        states[slot] = ACTIVE;
        answeredDeviceIds[slot] = caller.deviceId;
        cancelTimer(slot);
        counters.increment(RingCounters.CALLS_ANSWERED);

        final InboundFrame frame = event.frame;
        sendTo(callerUserIds[slot], callerDeviceIds[slot], frame.buffer, 0, frame.buffer.capacity());
        counters.increment(RingCounters.CALL_FRAMES_RELAYED);
        final int length = encoders.callHangup(frameScratch, callId, CallEndReason.ANSWERED_ELSEWHERE);
        final int[] ringing = ringingDeviceIds[slot];
        for (int i = 0, count = ringingCounts[slot]; i < count; i++)
        {
            if (ringing[i] != caller.deviceId)
            {
                sendTo(calleeUserIds[slot], ringing[i], frameScratch, 0, length);
            }
        }
        ringingCounts[slot] = 0;
    }

    /**
     * A CallIceCandidate from a party, relayed as sent to the other: to every ringing device before the answer.
     */
    void iceCandidate(final RingEvent event, final long callId)
    {
        final int slot = slotOf(callId);
        final int party = NONE == slot ? 0 : party(slot, event.caller);
        if (0 == party)
        {
            refuse(event, ErrorCode.UNKNOWN_CALL);
            return;
        }
        if (++iceCounts[slot] > maxIceCandidates)
        {
            counters.increment(RingCounters.RATE_LIMITED);
            refuse(event, ErrorCode.RATE_LIMITED);
            return;
        }
        final InboundFrame frame = event.frame;
        if (party > 0)
        {
            sendToCallee(slot, frame.buffer, frame.buffer.capacity());
        }
        else
        {
            sendTo(callerUserIds[slot], callerDeviceIds[slot], frame.buffer, 0, frame.buffer.capacity());
        }
        counters.increment(RingCounters.CALL_FRAMES_RELAYED);
    }

    /**
     * A CallHangup from a party: the call ends; a call that never connected leaves the callee a missed-call record
     * with the id the hangup's route step took. FAILED from a ringing device drops that device only; the call fails
     * when it was the last one ringing.
     */
    void hangup(final RingEvent event, final long callId, final CallEndReason reason)
    {
        final int slot = slotOf(callId);
        final int party = NONE == slot ? 0 : party(slot, event.caller);
        if (0 == party)
        {
            refuse(event, ErrorCode.UNKNOWN_CALL);
            return;
        }
        final long messageId = event.recipients.messageId;
        if (ACTIVE == states[slot])
        {
            final CallEndReason ended = CallEndReason.FAILED == reason ? CallEndReason.FAILED : CallEndReason.ENDED;
            final int length = encoders.callHangup(frameScratch, callId, ended);
            if (party > 0)
            {
                sendTo(calleeUserIds[slot], answeredDeviceIds[slot], frameScratch, 0, length);
            }
            else
            {
                sendTo(callerUserIds[slot], callerDeviceIds[slot], frameScratch, 0, length);
            }
        }
        else if (party > 0)
        {
            // The caller gave up before an answer.
            final int length = encoders.callHangup(frameScratch, callId, CallEndReason.ENDED);
            sendToCallee(slot, frameScratch, length);
            storeMissedCall(slot, messageId, event.timestampMs, CallEndReason.ENDED);
        }
        else if (CallEndReason.FAILED == reason)
        {
            // A ringing device that cannot take the call (its sealed offer did not open, say) drops out alone, as if
            // it had gone offline: another device of the callee may still answer.
            removeRinging(slot, event.caller.deviceId);
            if (0 != ringingCounts[slot])
            {
                return;
            }
            final int length = encoders.callHangup(frameScratch, callId, CallEndReason.FAILED);
            sendTo(callerUserIds[slot], callerDeviceIds[slot], frameScratch, 0, length);
            storeMissedCall(slot, messageId, event.timestampMs, CallEndReason.FAILED);
        }
        else
        {
            // A ringing device declined, for all of them.
            final CallEndReason declined = CallEndReason.BUSY == reason ? CallEndReason.BUSY : CallEndReason.DECLINED;
            final int length = encoders.callHangup(frameScratch, callId, declined);
            sendTo(callerUserIds[slot], callerDeviceIds[slot], frameScratch, 0, length);
            final int[] ringing = ringingDeviceIds[slot];
            for (int i = 0, count = ringingCounts[slot]; i < count; i++)
            {
                if (ringing[i] != event.caller.deviceId)
                {
                    sendTo(calleeUserIds[slot], ringing[i], frameScratch, 0, length);
                }
            }
            storeMissedCall(slot, messageId, event.timestampMs, declined);
        }
        free(slot);
    }

    /**
     * A device's connection closed or it logged out: a call it takes part in fails for the other party; a ringing
     * device only stops ringing, unless it was the last.
     */
    void deviceGone(final long userId, final int deviceId)
    {
        final long found = slotByUserId.get(userId);
        if (NONE == found)
        {
            return;
        }
        final int slot = (int)found;
        final long callId = callIds[slot];
        final int length = encoders.callHangup(frameScratch, callId, CallEndReason.FAILED);
        if (userId == callerUserIds[slot] && deviceId == callerDeviceIds[slot])
        {
            if (ACTIVE == states[slot])
            {
                sendTo(calleeUserIds[slot], answeredDeviceIds[slot], frameScratch, 0, length);
            }
            else
            {
                sendToCallee(slot, frameScratch, length);
            }
            free(slot);
        }
        else if (userId == calleeUserIds[slot])
        {
            if (ACTIVE == states[slot])
            {
                if (deviceId == answeredDeviceIds[slot])
                {
                    sendTo(callerUserIds[slot], callerDeviceIds[slot], frameScratch, 0, length);
                    free(slot);
                }
            }
            else if (removeRinging(slot, deviceId) && 0 == ringingCounts[slot])
            {
                sendTo(callerUserIds[slot], callerDeviceIds[slot], frameScratch, 0, length);
                free(slot);
            }
        }
    }

    /**
     * On the housekeeping tick: end the calls that rang past the timeout, each with one of the message ids the tick's
     * route step reserved ({@link #MAX_TIMEOUTS_PER_TICK}); the rest wait for the next tick.
     */
    void onTick(final RingEvent event, final long nowNs)
    {
        if (0 == event.recipients.messageId)
        {
            return;
        }
        timeoutMessageId = event.recipients.messageId;
        timeoutIdsLeft = MAX_TIMEOUTS_PER_TICK;
        tickTimestampMs = event.timestampMs;
        for (int i = 0; i < MAX_POLLS_PER_TICK && timeoutIdsLeft > 0; i++)
        {
            wheel.poll(nowNs, onTimeout, timeoutIdsLeft);
            if (wheel.currentTickTime() > nowNs)
            {
                break;
            }
        }
    }

    private boolean onTimeout(final TimeUnit timeUnit, final long nowNs, final long timerId)
    {
        if (0 == timeoutIdsLeft)
        {
            return false; // no id left for its record: the next tick takes it
        }
        final long found = slotByTimerId.remove(timerId);
        if (NONE == found)
        {
            return true;
        }
        final int slot = (int)found;
        timerIds[slot] = DeadlineTimerWheel.NULL_DEADLINE;
        if (RINGING != states[slot])
        {
            return true;
        }
        final int length = encoders.callHangup(frameScratch, callIds[slot], CallEndReason.TIMEOUT);
        sendTo(callerUserIds[slot], callerDeviceIds[slot], frameScratch, 0, length);
        sendToCallee(slot, frameScratch, length);
        timeoutIdsLeft--;
        storeMissedCall(slot, timeoutMessageId++, tickTimestampMs, CallEndReason.TIMEOUT);
        free(slot);
        return true;
    }

    /**
     * @return 1 for the caller's device, -1 for a callee device that takes part now (ringing, or the one that
     * answered), 0 for anyone else.
     */
    private int party(final int slot, final Caller caller)
    {
        if (caller.userId == callerUserIds[slot] && caller.deviceId == callerDeviceIds[slot])
        {
            return 1;
        }
        if (caller.userId == calleeUserIds[slot] &&
            (ACTIVE == states[slot] ? caller.deviceId == answeredDeviceIds[slot] : isRinging(slot, caller.deviceId)))
        {
            return -1;
        }
        return 0;
    }

    private int slotOf(final long callId)
    {
        return (int)slotByCallId.get(callId);
    }

    private boolean isRinging(final int slot, final int deviceId)
    {
        final int[] ringing = ringingDeviceIds[slot];
        for (int i = 0, count = ringingCounts[slot]; i < count; i++)
        {
            if (ringing[i] == deviceId)
            {
                return true;
            }
        }
        return false;
    }

    private boolean removeRinging(final int slot, final int deviceId)
    {
        final int[] ringing = ringingDeviceIds[slot];
        final int count = ringingCounts[slot];
        for (int i = 0; i < count; i++)
        {
            if (ringing[i] == deviceId)
            {
                ringing[i] = ringing[count - 1];
                ringingCounts[slot] = count - 1;
                return true;
            }
        }
        return false;
    }

    /**
     * To the answering device once answered, else to every device that rings.
     */
    private void sendToCallee(final int slot, final DirectBuffer buffer, final int length)
    {
        final long calleeUserId = calleeUserIds[slot];
        if (ACTIVE == states[slot])
        {
            sendTo(calleeUserId, answeredDeviceIds[slot], buffer, 0, length);
            return;
        }
        final int[] ringing = ringingDeviceIds[slot];
        for (int i = 0, count = ringingCounts[slot]; i < count; i++)
        {
            sendTo(calleeUserId, ringing[i], buffer, 0, length);
        }
    }

    /**
     * A frame for a device's current connection, not windowed (signaling is live or useless).
     *
     * @return false when the device is offline.
     */
    private boolean sendTo(
        final long userId, final int deviceId, final DirectBuffer buffer, final int offset, final int length)
    {
        final DeviceDelivery delivery = stage.delivery(userId, deviceId);
        if (null == delivery)
        {
            return false;
        }
        stage.send(delivery.pollerIndex, delivery.connectionId, buffer, offset, length);
        return true;
    }

    private void reply(final RingEvent event, final long callId, final CallEndReason reason)
    {
        final int length = encoders.callHangup(frameScratch, callId, reason);
        stage.send(event.pollerIndex, event.connectionId, frameScratch, length);
    }

    private void refuse(final RingEvent event, final ErrorCode code)
    {
        counters.increment(RingCounters.CALLS_REFUSED);
        final int length = stage.encoders.error(stage.ackScratch, event.frame.requestId, event.frame.templateId, code);
        stage.send(event.pollerIndex, event.connectionId, stage.ackScratch, length);
    }

    private void storeMissedCall(
        final int slot, final long messageId, final long timestampMs, final CallEndReason reason)
    {
        storeMissedCall(
            calleeUserIds[slot], calleeDeviceIds[slot], calleeDeviceCounts[slot], messageId, timestampMs,
            callIds[slot], callerUserIds[slot], callerDeviceIds[slot], media[slot], reason);
    }

    /**
     * Journal a MissedCall for every device of the callee, like a receipt, and deliver it to those online.
     */
    private void storeMissedCall(
        final long calleeUserId,
        final int[] deviceIds,
        final int deviceCount,
        final long messageId,
        final long timestampMs,
        final long callId,
        final long callerUserId,
        final int callerDeviceId,
        final CallMedia callMedia,
        final CallEndReason reason)
    {
        final int count = Math.min(deviceCount, recipientUserIds.length);
        if (0 == count || 0 == messageId)
        {
            return;
        }
        for (int i = 0; i < count; i++)
        {
            recipientUserIds[i] = calleeUserId;
        }
        final int length = encoders.missedCall(
            missedScratch, messageId, timestampMs, callId, callerUserId, callerDeviceId, callMedia, reason);
        final int result = stage.journal.appendToAll(
            recipientUserIds,
            deviceIds,
            count,
            messageId,
            callerUserId,
            callerDeviceId,
            callId,
            timestampMs,
            DeliveryStage.KIND_MISSED_CALL,
            missedScratch,
            0,
            length);
        if (Journal.OK != result)
        {
            counters.increment(RingCounters.QUEUE_FULL);
            return;
        }
        counters.increment(RingCounters.CALLS_MISSED);
        for (int i = 0; i < count; i++)
        {
            stage.deliverLive(calleeUserId, deviceIds[i], messageId, missedScratch, length);
        }
    }

    private void cancelTimer(final int slot)
    {
        final long timerId = timerIds[slot];
        if (DeadlineTimerWheel.NULL_DEADLINE != timerId)
        {
            wheel.cancelTimer(timerId);
            slotByTimerId.remove(timerId);
            timerIds[slot] = DeadlineTimerWheel.NULL_DEADLINE;
        }
    }

    private void free(final int slot)
    {
        cancelTimer(slot);
        slotByCallId.remove(callIds[slot]);
        slotByUserId.remove(callerUserIds[slot]);
        slotByUserId.remove(calleeUserIds[slot]);
        states[slot] = FREE;
        media[slot] = null;
        callIds[slot] = 0;
        ringingCounts[slot] = 0;
        calleeDeviceCounts[slot] = 0;
        freeSlots[freeCount++] = slot;
    }
}
