package dev.switchboard.client;

import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;

/**
 * A call this user did not take, as the server journaled it: delivered once (the client acknowledges it and drops
 * repeats), after login when it happened while the user was offline.
 *
 * @param messageId    the server's id of the record.
 * @param timestampMs  when the call ended, server time.
 * @param callId       the caller's id of the call.
 * @param fromUserId   the caller.
 * @param fromDeviceId the caller's device.
 * @param media        audio or video.
 * @param reason       TIMEOUT (nobody answered), ENDED (the caller gave up), DECLINED, BUSY or UNAVAILABLE (no
 *                     device was online).
 */
public record MissedCall(
    long messageId,
    long timestampMs,
    long callId,
    long fromUserId,
    int fromDeviceId,
    CallMedia media,
    CallEndReason reason)
{
}
