package dev.switchboard.ring;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the route stage resolved for a group request, handed to the delivery stage outside the ring slot: the
 * devices a group message, change or typing notice is for, and the frames encoded from the group table as it stood
 * (the GroupInfo answer, the GroupEvents). A ring slot stays small; a fan-out to every device of 1,024 members does
 * not grow it. Two circular areas, claimed by the route stage in ring order and released by the delivery stage in
 * the same order, at absolute positions, so one release also frees anything an earlier failed event left behind.
 * <pre>
 *   devices: userIds[position &amp; mask], deviceIds[position &amp; mask]   wraps
 *   frames:  frames at (position &amp; mask), never wrapping: a claim that would is moved to the start
 * </pre>
 * Single writer per side: the route stage writes entries and its claim positions, the delivery stage only the
 * release positions. The ring's sequence barrier orders the route stage's writes before the delivery stage's reads.
 */
final class GroupHandoff
{
    /** Group requests whose devices and frames fit at once between the route and delivery stages. */
    static final int REQUESTS_IN_FLIGHT = 32;

    final long[] userIds;
    final int[] deviceIds;
    final UnsafeBuffer frames;
    private final int deviceMask;
    private final int frameMask;
    private final int frameCapacity;

    /** Route stage only. */
    private long devicesClaimed;
    private long framesClaimed;
    /** Written by the delivery stage, read by the route stage. */
    private final AtomicLong devicesReleased = new AtomicLong();
    private final AtomicLong framesReleased = new AtomicLong();

    /**
     * @param maxDevices      devices of the largest fan-out: most members times most devices per member.
     * @param maxFramesLength bytes of the largest request's frames.
     */
    GroupHandoff(final int maxDevices, final int maxFramesLength)
    {
        final int deviceCapacity = BitUtil.findNextPositivePowerOfTwo(maxDevices * REQUESTS_IN_FLIGHT);
        userIds = new long[deviceCapacity];
        deviceIds = new int[deviceCapacity];
        deviceMask = deviceCapacity - 1;
        frameCapacity = BitUtil.findNextPositivePowerOfTwo(RingEvent.align(maxFramesLength) * REQUESTS_IN_FLIGHT);
        frameMask = frameCapacity - 1;
        frames = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameCapacity, 64));
    }

    int deviceMask()
    {
        return deviceMask;
    }

    /**
     * Route stage: start the event's claim, with room for up to maxDevices devices and framesLength bytes of frames.
     *
     * @return false when the delivery stage has not yet released enough: refuse the request, SERVER_BUSY.
     */
    boolean begin(final GroupSlot slot, final int maxDevices, final int framesLength)
    {
        final long devicesFrom = devicesClaimed;
        if (devicesFrom + maxDevices - devicesReleased.get() > userIds.length)
        {
            return false;
        }
        long framesFrom = framesClaimed;
        final int aligned = RingEvent.align(framesLength);
        final int offset = (int)(framesFrom & frameMask);
        if (offset + aligned > frameCapacity)
        {
            framesFrom += frameCapacity - offset; // never split a frame across the end
        }
        if (framesFrom + aligned - framesReleased.get() > frameCapacity)
        {
            return false;
        }
        slot.claimed = true;
        slot.devicesFrom = devicesFrom;
        slot.deviceCount = 0;
        slot.framesOffset = (int)(framesFrom & frameMask);
        devicesClaimed = devicesFrom + maxDevices;
        framesClaimed = framesFrom + aligned;
        // released as claimed if the route step fails before end()
        slot.devicesEnd = devicesClaimed;
        slot.framesEnd = framesClaimed;
        return true;
    }

    /**
     * Route stage: add a device to the event's claim.
     */
    void add(final GroupSlot slot, final long userId, final int deviceId)
    {
        final int index = (int)((slot.devicesFrom + slot.deviceCount) & deviceMask);
        userIds[index] = userId;
        deviceIds[index] = deviceId;
        slot.deviceCount++;
    }

    /**
     * Route stage: the claim was larger than what the event used; give back the devices not added.
     */
    void end(final GroupSlot slot)
    {
        devicesClaimed = slot.devicesFrom + slot.deviceCount;
        slot.devicesEnd = devicesClaimed;
        slot.framesEnd = framesClaimed;
    }

    /**
     * Delivery stage: the event is done with; free its claim and any earlier one.
     */
    void release(final GroupSlot slot)
    {
        devicesReleased.lazySet(slot.devicesEnd);
        framesReleased.lazySet(slot.framesEnd);
    }
}
