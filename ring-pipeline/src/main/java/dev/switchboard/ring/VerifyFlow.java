package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.VerifyDecoder;
import dev.switchboard.state.Accounts;

/**
 * Verify, before login: the code proves the phone number; the account is created if new and the device added with
 * its login key. Answered with the user and device ids.
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
        final int deviceId = stage.devices.addDevice(userId, key, registrationId);
        if (deviceId <= 0)
        {
            stage.refuse(event, ErrorCode.DEVICE_LIMIT);
            return;
        }
        stage.counters.increment(RingCounters.REGISTRATIONS);
        event.reply.length = stage.encoders.verifyAck(event.reply.buffer, frame.requestId, userId, deviceId);
    }
}
