package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.state.DeviceKeys;

/**
 * LoginProof, before login: the device's signature over the nonce of its {@link LoginStartFlow} challenge.
 * Session: verify, bind the device to this connection (closing an older connection of the same device) and mark it
 * online. Delivery: open its delivery window, answer LoginAck with its backlog count and start draining the backlog.
 */
final class LoginProofFlow extends Flow
{
    private final LoginProofDecoder loginProof = new LoginProofDecoder();
    private final LoginVerifier loginVerifier = new LoginVerifier();
    private final byte[] loginKey = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
    private final byte[] signature = new byte[255];

    LoginProofFlow()
    {
        super(BEFORE_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        event.frame.decode(loginProof);
        final int signatureLength = loginProof.signatureLength();
        loginProof.getSignature(signature, 0, signatureLength);
        if (Session.STATE_CHALLENGED != session.state ||
            !stage.devices.loginKey(session.userId, session.deviceId, loginKey) ||
            !loginVerifier.verify(loginKey, session.nonce, signature, signatureLength))
        {
            session.state = Session.STATE_NEW;
            session.nonce = null;
            stage.counters.increment(RingCounters.LOGIN_FAILURES);
            stage.reject(event, session, ErrorCode.LOGIN_FAILED);
            return;
        }

        session.state = Session.STATE_AUTHENTICATED;
        session.nonce = null;
        final long deviceKey = DeviceKeys.pack(session.userId, session.deviceId);
        final long previousConnectionId = stage.connectionByDevice.put(deviceKey, session.connectionId);
        if (SessionStage.NO_CONNECTION != previousConnectionId)
        {
            // The device logged in again elsewhere: the older connection is closed so one device has one stream.
            final Session previous = stage.sessionByConnection.get(previousConnectionId);
            if (null != previous)
            {
                previous.state = Session.STATE_NEW;
                event.reply.kick(previous.pollerIndex, previous.connectionId);
            }
        }
        stage.presence.online(
            session.userId, session.deviceId, session.pollerIndex, session.connectionId, event.timestampMs);
        stage.counters.increment(RingCounters.LOGINS);
        event.caller.set(session.userId, session.deviceId);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final Caller caller = event.caller;
        final DeviceDelivery delivery =
            new DeviceDelivery(caller.userId, caller.deviceId, event.pollerIndex, event.connectionId);
        delivery.lastProgressNs = stage.nanoClock.nanoTime();
        if (null == stage.deliveryByDevice.put(DeviceKeys.pack(caller.userId, caller.deviceId), delivery))
        {
            stage.presenceFeed.deviceOnline(caller.userId);
        }

        final int length = stage.encoders.loginAck(
            stage.scratch,
            event.frame.requestId,
            caller.userId,
            caller.deviceId,
            event.timestampMs,
            stage.journal.count(caller.userId, caller.deviceId));
        stage.send(event.pollerIndex, event.connectionId, stage.scratch, length);
        stage.drain(delivery);
    }
}
