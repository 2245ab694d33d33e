package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.VerifyDecoder;
import dev.switchboard.state.Accounts;
import dev.switchboard.state.Devices;

/**
 * Verify, before login: the code proves the phone number; the account is created if new. A login key the account
 * has already is that device again (its registration id replaced); any other becomes the primary device
 * ({@link Devices#PRIMARY_DEVICE_ID}), in place of the old primary's key if there was one, as after a reinstall: the
 * old key no longer logs in and its connection is closed; linked devices stay (only the primary adds them, with a
 * link code). Answered with the user and device ids.
 */
final class VerifyFlow extends Flow
{
    private final VerifyDecoder verify = new VerifyDecoder();

    VerifyFlow()
    {
        super(BEFORE_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(verify);
        final int registrationId = (int)verify.registrationId();
        final String phone = verify.phone();
        final String code = verify.code();
        final int keyLength = verify.loginKeyLength();
        if (!Accounts.isValidPhone(phone))
        {
            stage.reject(event, session, ErrorCode.INVALID_PHONE);
            return;
        }
        if (LoginVerifier.PUBLIC_KEY_LENGTH != keyLength)
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }
        final byte[] key = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
        verify.getLoginKey(key, 0, keyLength);
        if (!LoginVerifier.isValidPublicKey(key))
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }

        switch (stage.codes.verify(phone, code, stage.nanoClock.nanoTime()))
        {
            case VerificationCodes.OK:
                break;

            case VerificationCodes.EXPIRED:
                stage.refuse(event, ErrorCode.CODE_EXPIRED);
                return;

            case VerificationCodes.TOO_MANY_ATTEMPTS:
                stage.refuse(event, ErrorCode.TOO_MANY_ATTEMPTS);
                return;

            default:
                stage.refuse(event, ErrorCode.CODE_INVALID);
                return;
        }

        final long userId = stage.accounts.create(phone);
        if (userId < 0)
        {
            stage.refuse(event, ErrorCode.STATE_FULL);
            return;
        }
        int deviceId = stage.devices.deviceWithKey(userId, key);
        if (deviceId > 0)
        {
            stage.devices.addDevice(userId, key, registrationId); // the same device: only its registration id changes
        }
        else
        {
            deviceId = Devices.PRIMARY_DEVICE_ID;
            final int result = stage.devices.setPrimary(userId, key, registrationId);
            if (Devices.INVALID_ARGUMENT == result)
            {
                stage.refuse(event, ErrorCode.STATE_FULL);
                return;
            }
            if (Devices.PRIMARY_REPLACED == result)
            {
                // the number verified on a new install: the old primary's connection is logged out and closed
                event.caller.set(userId, deviceId);
                DeviceQueues.logOut(stage, event, userId, deviceId);
            }
        }
        stage.counters.increment(RingCounters.REGISTRATIONS);
        event.reply.length = stage.encoders.verifyAck(event.reply.buffer, frame.requestId, userId, deviceId);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        if (event.reply.kick)
        {
            stage.deviceGone(event.caller.userId, event.caller.deviceId, event.reply.kickConnectionId);
        }
    }
}
