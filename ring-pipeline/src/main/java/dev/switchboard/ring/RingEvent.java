package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;

/**
 * One pre-allocated slot of the ring: what the edge published (the kind and the connection), the flow the session
 * stage picked for it, and the parts the flow's steps read and write: the inbound {@link InboundFrame}, the
 * authenticated {@link Caller}, the resolved {@link Recipients} and the {@link Reply}. The next publish resets it.
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
    /** The {@link LoginVerifierAgent} verified (or refused) a login proof. */
    static final int KIND_LOGIN_VERDICT = 6;

    int kind;
    int pollerIndex;
    long connectionId;
    long remoteAddress;
    /** Congestion events: the output is backed up (true) or drained (false). */
    boolean congested;
    /** Login verdicts: the check, taken back by the session stage. */
    LoginCheck loginCheck;
    /** Server time, stamped once by the session stage. */
    long timestampMs;
    /** A link the session step of a linking flow hands to its delivery step. */
    DeviceLink link;
    /** A KeyBundleUpload replaced the device's identity key: its contacts are told. */
    boolean identityChanged;
    /** What each stage does with the event, as the {@link Flow#id} in {@link Flows}; none until the session stage picks. */
    int flowId = Flow.NONE_ID;

    final InboundFrame frame;
    final Caller caller = new Caller();
    final Recipients recipients = new Recipients();
    /** A group request's devices and frames, held in the {@link GroupHandoff}. */
    final GroupSlot group = new GroupSlot();
    final Reply reply;

    RingEvent(final int inlineFrameLength, final int replyCapacity)
    {
        frame = new InboundFrame(inlineFrameLength);
        reply = new Reply(replyCapacity);
    }

    static int align(final int length)
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
        loginCheck = null;
        link = null;
        identityChanged = false;
        timestampMs = 0;
        flowId = Flow.NONE_ID;
        frame.reset();
        caller.set(0, 0);
        recipients.reset();
        group.reset();
        reply.reset();
    }

    void follow(final Flow flow)
    {
        flowId = flow.id;
    }

    /** Later steps of the flow are skipped: the request was refused, or a step finished it early. */
    void endFlow()
    {
        flowId = Flow.NONE_ID;
    }

    /**
     * A stage threw: a request is answered INTERNAL_ERROR and later stages leave it alone (what is owed is still sent
     * and a borrowed buffer returned); a control event keeps its flow, so a closed connection is still cleaned up.
     */
    void fail(final FrameEncoders encoders)
    {
        if (KIND_FRAME == kind)
        {
            reply.error(encoders, frame, ErrorCode.INTERNAL_ERROR);
            endFlow();
        }
        recipients.count = 0;
    }
}
