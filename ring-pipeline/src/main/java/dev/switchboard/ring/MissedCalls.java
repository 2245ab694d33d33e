package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.journal.Journal;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The missed-call record a call that never connected leaves its callee: journaled for every device of the callee,
 * like a receipt, so an offline device gets it at its next login, and delivered at once to those online. Delivery
 * stage only.
 */
final class MissedCalls
{
    private final CallFrameEncoders encoders;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    /** The callee's user id once for each device: a journal append takes a recipient list. */
    private final long[] recipientUserIds;
    private final DeliveryStage stage;

    MissedCalls(final CallFrameEncoders encoders, final DeliveryStage stage, final int maxDevices)
    {
        this.encoders = encoders;
        this.stage = stage;
        recipientUserIds = new long[maxDevices];
    }

    /**
     * The record of the call in {@code slot}, under {@code messageId}: one of the ids its route step took.
     */
    void store(
        final CallSlots slots, final int slot, final long messageId, final long timestampMs, final CallEndReason reason)
    {
        store(
            slots.calleeUserIds[slot], slots.calleeDeviceIds[slot], slots.calleeDeviceCounts[slot], messageId,
            timestampMs, slots.callIds[slot], slots.callerUserIds[slot], slots.callerDeviceIds[slot],
            slots.media[slot], reason);
    }

    /**
     * The record of a call refused before it took a slot (the callee busy or offline).
     */
    void store(
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
            scratch, messageId, timestampMs, callId, callerUserId, callerDeviceId, callMedia, reason);
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
            scratch,
            0,
            length);
        if (Journal.OK != result)
        {
            stage.counters.increment(RingCounters.QUEUE_FULL);
            return;
        }
        stage.counters.increment(RingCounters.CALLS_MISSED);
        for (int i = 0; i < count; i++)
        {
            stage.deliverLive(calleeUserId, deviceIds[i], messageId, scratch, length);
        }
    }
}
