package dev.switchboard.ring;

import dev.switchboard.codec.sbe.CallMedia;

/**
 * The hook a push gateway plugs into: a call rang a user with no device online. Called on the delivery stage's
 * thread for each such call, so an implementation only queues the push (no blocking, no I/O, no allocation) and
 * sends it from its own thread to the callee's devices with push tokens, without content.
 */
@FunctionalInterface
public interface CallPushGateway
{
    /** No gateway: nothing is pushed. */
    CallPushGateway NONE = (calleeUserId, callerUserId, callId, media) -> {};

    /**
     * @param calleeUserId the user called, none of whose devices is online.
     * @param callerUserId who called.
     * @param callId       the caller's id of the call.
     * @param media        audio or video.
     */
    void offlineCallee(long calleeUserId, long callerUserId, long callId, CallMedia media);
}
