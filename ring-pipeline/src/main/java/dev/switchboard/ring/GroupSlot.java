package dev.switchboard.ring;

/**
 * A ring slot's reference into the {@link GroupHandoff}: the devices the route stage resolved for a group request
 * and where it encoded the request's frames. Unclaimed for every other request.
 */
final class GroupSlot
{
    boolean claimed;
    long groupId;
    long devicesFrom;
    long devicesEnd;
    long framesEnd;
    int deviceCount;
    /** The first devices, up to this many, get the hand-on event too; the rest left or were removed. */
    int memberDeviceCount;
    int framesOffset;

    /** The answer (GroupInfo), at framesOffset; 0: answered RequestAck or an Error. */
    int infoLength;
    /** The change's GroupEvent, right after the answer; 0: none. */
    int eventLength;
    /** The server's GroupEvent handing admin on, after the first event; 0: none. */
    int handOnLength;
    long handOnMessageId;

    void reset()
    {
        claimed = false;
        groupId = 0;
        deviceCount = 0;
        memberDeviceCount = 0;
        infoLength = 0;
        eventLength = 0;
        handOnLength = 0;
        handOnMessageId = 0;
    }
}
