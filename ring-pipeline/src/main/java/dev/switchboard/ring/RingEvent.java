package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pre-allocated slot of the ring. The edge fills the inbound part; each stage reads what earlier stages wrote
 * and adds its own part; the delivery stage, last, sends the response and resets nothing: the next publish does.
 */
final class RingEvent
{
    /** A validated frame from a connection. */
    static final int KIND_FRAME = 1;
    /** A connection was accepted. */
    static final int KIND_OPENED = 2;
    /** A connection is gone; every opened connection gets exactly one. */
    static final int KIND_CLOSED = 3;
    /** Periodic housekeeping: expiry, stuck readers, code expiry. */
    static final int KIND_TICK = 4;
    /** A connection's unwritten output crossed the edge's high-water mark, or drained below it. */
    static final int KIND_CONGESTION = 5;

    /** Nothing for later stages to do beyond sending the response, if any. */
    static final int ACTION_NONE = 0;
    /** The session stage authenticated the device: start delivering its backlog. */
    static final int ACTION_LOGGED_IN = 1;
    /** A 1:1 message to journal and deliver. */
    static final int ACTION_SEND = 2;
    /** The device acknowledged a Deliver or Receipt. */
    static final int ACTION_DELIVER_ACK = 3;
    /** The device read a message: a READ receipt for its sender. */
    static final int ACTION_READ_MARK = 4;
    /** Composing or paused, relayed to the recipient's online devices only. */
    static final int ACTION_TYPING = 5;
    /** Which of these phone numbers are registered. */
    static final int ACTION_CONTACT_LOOKUP = 6;
    /** Answer with the target's presence now and on every change. */
    static final int ACTION_PRESENCE_SUBSCRIBE = 7;
    /** Stop presence updates for the target. */
    static final int ACTION_PRESENCE_UNSUBSCRIBE = 8;
    /** The device logged out: it is offline and its deliveries stop. */
    static final int ACTION_LOGOUT = 9;

    /** Where a frame's message body starts: after the framing header and the SBE message header. */
    static final int BODY_OFFSET = Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;

    /** Most devices have few; a group fan-out grows these arrays once, on the route stage's thread. */
    static final int INITIAL_RECIPIENTS = 8;

    int kind;
    int pollerIndex;
    long connectionId;
    long remoteAddress;
    boolean congested;

    final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    final UnsafeBuffer inlineFrame;
    UnsafeBuffer largeFrame;

    int templateId;
    /** Block length and schema version of the frame's message, read once by the session stage. */
    int blockLength;
    int version;
    long requestId;
    int action;
    long userId;
    int deviceId;
    long timestampMs;

    long messageId;
    /** The recipient blocked the sender: acknowledge, but deliver nothing. */
    boolean blocked;
    /** The user a presence request is about. */
    long targetUserId;
    /** How many of the recipient entries are results (contact lookup: found users). */
    int resultCount;
    long[] recipientUserIds = new long[INITIAL_RECIPIENTS];
    int[] recipientDeviceIds = new int[INITIAL_RECIPIENTS];
    int recipientCount;

    final UnsafeBuffer response;
    int responseLength;
    boolean closeAfterResponse;
    boolean kick;
    long kickConnectionId;
    int kickPollerIndex;

    RingEvent(final int inlineFrameLength, final int responseCapacity)
    {
        inlineFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(align(inlineFrameLength), 64));
        response = new UnsafeBuffer(BufferUtil.allocateDirectAligned(align(responseCapacity), 64));
    }

    private static int align(final int length)
    {
        return (length + 63) & ~63;
    }

    void reset(final int kind, final int pollerIndex, final long connectionId)
    {
        this.kind = kind;
        this.pollerIndex = pollerIndex;
        this.connectionId = connectionId;
        remoteAddress = 0;
        congested = false;
        templateId = 0;
        blockLength = 0;
        version = 0;
        requestId = 0;
        action = ACTION_NONE;
        userId = 0;
        deviceId = 0;
        timestampMs = 0;
        messageId = 0;
        blocked = false;
        targetUserId = 0;
        resultCount = 0;
        recipientCount = 0;
        responseLength = 0;
        closeAfterResponse = false;
        kick = false;
        kickConnectionId = 0;
        kickPollerIndex = 0;
    }

    void addRecipient(final long userId, final int deviceId)
    {
        if (recipientCount == recipientUserIds.length)
        {
            recipientUserIds = java.util.Arrays.copyOf(recipientUserIds, recipientCount * 2);
            recipientDeviceIds = java.util.Arrays.copyOf(recipientDeviceIds, recipientCount * 2);
        }
        recipientUserIds[recipientCount] = userId;
        recipientDeviceIds[recipientCount] = deviceId;
        recipientCount++;
    }
}
