package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ErrorCode;
import org.agrona.BufferUtil;
import org.agrona.DeadlineTimerWheel;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * What a call does: the call flows' delivery steps (offer, answer, ICE candidates, hangup), a device gone and the
 * ring timeout. It runs on the delivery stage's thread, where the callee's online devices are known and which is the
 * only writer to the edge. The calls themselves are in {@link CallSlots}; a full table refuses new calls with
 * SERVER_BUSY. Frames for a party go to its device's current connection.
 */
final class CallTable
{
    /** Missed calls the tick may end at once: the tick's route step reserves this many message ids. */
    static final int MAX_TIMEOUTS_PER_TICK = 64;

    private static final int NONE = CallSlots.NONE;
    private static final int MAX_POLLS_PER_TICK = 64;

    private final CallFrameEncoders encoders = new CallFrameEncoders();
    private final UnsafeBuffer frameScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final DeadlineTimerWheel.TimerHandler onTimeout = this::onTimeout;
    private final CallSlots slots;
    private final MissedCalls missedCalls;
    private final DeliveryStage stage;
    private final RingCounters counters;
    private final CallPushGateway pushGateway;
    private final long ringTimeoutNs;
    private final int maxIceCandidates;
    private final int maxDevices;

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
        slots = new CallSlots(ctx.capacity(), maxDevices, startNs);
        missedCalls = new MissedCalls(encoders, stage, maxDevices);
    }

    int activeCount()
    {
        return slots.activeCount();
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
        if (NONE != slots.slotOf(callId))
        {
            refuse(event, ErrorCode.CALL_ID_IN_USE);
            return;
        }
        if (NONE != slots.slotOfUser(caller.userId))
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
        if (NONE != slots.slotOfUser(calleeUserId))
        {
            reply(event, callId, CallEndReason.BUSY);
            missedCalls.store(
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
            missedCalls.store(
                calleeUserId, recipients.deviceIds, recipients.count, recipients.messageId, event.timestampMs,
                callId, caller.userId, caller.deviceId, callMedia, CallEndReason.UNAVAILABLE);
            pushGateway.offlineCallee(calleeUserId, caller.userId, callId, callMedia);
            return;
        }
        if (slots.isFull())
        {
            refuse(event, ErrorCode.SERVER_BUSY);
            return;
        }

        final int slot = slots.open(callId, callMedia, caller.userId, caller.deviceId, calleeUserId);
        final int length = encoders.callIncoming(
            stage.scratch, callId, event.timestampMs, caller.userId, caller.deviceId, callMedia, sdp, sdpOffset,
            sdpLength);
        for (int i = 0; i < recipients.count && slots.calleeDeviceCounts[slot] < maxDevices; i++)
        {
            final int deviceId = recipients.deviceIds[i];
            slots.addCalleeDevice(slot, deviceId, sendTo(calleeUserId, deviceId, stage.scratch, 0, length));
        }
        slots.ring(slot, stage.nanoClock.nanoTime() + ringTimeoutNs);

        final int ringingLength = encoders.callRinging(frameScratch, callId, slots.ringingCounts[slot]);
        stage.send(event.pollerIndex, event.connectionId, frameScratch, ringingLength);
    }

    /**
     * A CallAnswer: the first from a ringing device wins, relayed as sent to the caller; the other devices stop.
     */
    void answer(final RingEvent event, final long callId)
    {
        final Caller caller = event.caller;
        final int slot = slots.slotOf(callId);
        if (NONE == slot || CallSlots.RINGING != slots.states[slot] || caller.userId != slots.calleeUserIds[slot] ||
            !slots.isRinging(slot, caller.deviceId))
        {
            refuse(event, ErrorCode.UNKNOWN_CALL);
            return;
        }
        slots.answered(slot, caller.deviceId);
        counters.increment(RingCounters.CALLS_ANSWERED);

        final InboundFrame frame = event.frame;
        sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frame.buffer, 0, frame.buffer.capacity());
        counters.increment(RingCounters.CALL_FRAMES_RELAYED);
        final int length = encoders.callHangup(frameScratch, callId, CallEndReason.ANSWERED_ELSEWHERE);
        final int[] ringing = slots.ringingDeviceIds[slot];
        for (int i = 0, count = slots.ringingCounts[slot]; i < count; i++)
        {
            if (ringing[i] != caller.deviceId)
            {
                sendTo(slots.calleeUserIds[slot], ringing[i], frameScratch, 0, length);
            }
        }
        slots.stopRinging(slot);
    }

    /**
     * A CallIceCandidate from a party, relayed as sent to the other: to every ringing device before the answer.
     */
    void iceCandidate(final RingEvent event, final long callId)
    {
        final int slot = slots.slotOf(callId);
        final int party = NONE == slot ? 0 : slots.party(slot, event.caller.userId, event.caller.deviceId);
        if (0 == party)
        {
            refuse(event, ErrorCode.UNKNOWN_CALL);
            return;
        }
        if (slots.countIceCandidate(slot) > maxIceCandidates)
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
            sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frame.buffer, 0, frame.buffer.capacity());
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
        final int slot = slots.slotOf(callId);
        final int party = NONE == slot ? 0 : slots.party(slot, event.caller.userId, event.caller.deviceId);
        if (0 == party)
        {
            refuse(event, ErrorCode.UNKNOWN_CALL);
            return;
        }
        final long messageId = event.recipients.messageId;
        if (CallSlots.ACTIVE == slots.states[slot])
        {
            final CallEndReason ended = CallEndReason.FAILED == reason ? CallEndReason.FAILED : CallEndReason.ENDED;
            final int length = encoders.callHangup(frameScratch, callId, ended);
            if (party > 0)
            {
                sendTo(slots.calleeUserIds[slot], slots.answeredDeviceIds[slot], frameScratch, 0, length);
            }
            else
            {
                sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frameScratch, 0, length);
            }
        }
        else if (party > 0)
        {
            // The caller gave up before an answer.
            final int length = encoders.callHangup(frameScratch, callId, CallEndReason.ENDED);
            sendToCallee(slot, frameScratch, length);
            missedCalls.store(slots, slot, messageId, event.timestampMs, CallEndReason.ENDED);
        }
        else if (CallEndReason.FAILED == reason)
        {
            // A ringing device that cannot take the call (its sealed offer did not open, say) drops out alone, as if
            // it had gone offline: another device of the callee may still answer.
            slots.removeRinging(slot, event.caller.deviceId);
            if (0 != slots.ringingCounts[slot])
            {
                return;
            }
            final int length = encoders.callHangup(frameScratch, callId, CallEndReason.FAILED);
            sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frameScratch, 0, length);
            missedCalls.store(slots, slot, messageId, event.timestampMs, CallEndReason.FAILED);
        }
        else
        {
            // A ringing device declined, for all of them.
            final CallEndReason declined = CallEndReason.BUSY == reason ? CallEndReason.BUSY : CallEndReason.DECLINED;
            final int length = encoders.callHangup(frameScratch, callId, declined);
            sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frameScratch, 0, length);
            final int[] ringing = slots.ringingDeviceIds[slot];
            for (int i = 0, count = slots.ringingCounts[slot]; i < count; i++)
            {
                if (ringing[i] != event.caller.deviceId)
                {
                    sendTo(slots.calleeUserIds[slot], ringing[i], frameScratch, 0, length);
                }
            }
            missedCalls.store(slots, slot, messageId, event.timestampMs, declined);
        }
        slots.free(slot);
    }

    /**
     * A device's connection closed or it logged out: a call it takes part in fails for the other party; a ringing
     * device only stops ringing, unless it was the last.
     */
    void deviceGone(final long userId, final int deviceId)
    {
        final int slot = slots.slotOfUser(userId);
        if (NONE == slot)
        {
            return;
        }
        final long callId = slots.callIds[slot];
        final int length = encoders.callHangup(frameScratch, callId, CallEndReason.FAILED);
        if (userId == slots.callerUserIds[slot] && deviceId == slots.callerDeviceIds[slot])
        {
            if (CallSlots.ACTIVE == slots.states[slot])
            {
                sendTo(slots.calleeUserIds[slot], slots.answeredDeviceIds[slot], frameScratch, 0, length);
            }
            else
            {
                sendToCallee(slot, frameScratch, length);
            }
            slots.free(slot);
        }
        else if (userId == slots.calleeUserIds[slot])
        {
            if (CallSlots.ACTIVE == slots.states[slot])
            {
                if (deviceId == slots.answeredDeviceIds[slot])
                {
                    sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frameScratch, 0, length);
                    slots.free(slot);
                }
            }
            else if (slots.removeRinging(slot, deviceId) && 0 == slots.ringingCounts[slot])
            {
                sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frameScratch, 0, length);
                slots.free(slot);
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
            if (slots.pollTimeouts(nowNs, onTimeout, timeoutIdsLeft))
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
        final int slot = slots.expired(timerId);
        if (NONE == slot)
        {
            return true;
        }
        if (CallSlots.RINGING != slots.states[slot])
        {
            return true;
        }
        final int length = encoders.callHangup(frameScratch, slots.callIds[slot], CallEndReason.TIMEOUT);
        sendTo(slots.callerUserIds[slot], slots.callerDeviceIds[slot], frameScratch, 0, length);
        sendToCallee(slot, frameScratch, length);
        timeoutIdsLeft--;
        missedCalls.store(slots, slot, timeoutMessageId++, tickTimestampMs, CallEndReason.TIMEOUT);
        slots.free(slot);
        return true;
    }

    /**
     * To the answering device once answered, else to every device that rings.
     */
    private void sendToCallee(final int slot, final DirectBuffer buffer, final int length)
    {
        final long calleeUserId = slots.calleeUserIds[slot];
        if (CallSlots.ACTIVE == slots.states[slot])
        {
            sendTo(calleeUserId, slots.answeredDeviceIds[slot], buffer, 0, length);
            return;
        }
        final int[] ringing = slots.ringingDeviceIds[slot];
        for (int i = 0, count = slots.ringingCounts[slot]; i < count; i++)
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
}
