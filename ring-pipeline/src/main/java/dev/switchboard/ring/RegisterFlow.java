package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.RegisterDecoder;
import dev.switchboard.state.Accounts;

/**
 * Register, before login: send a one-time code to the phone number, rate limited per number and source address.
 */
final class RegisterFlow extends Flow
{
    private final RegisterDecoder register = new RegisterDecoder();

    RegisterFlow()
    {
        super(BEFORE_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(register);
        final String phone = register.phone();
        if (!Accounts.isValidPhone(phone))
        {
            stage.reject(event, session, ErrorCode.INVALID_PHONE);
            return;
        }
        if (VerificationCodes.OK != stage.codes.issue(phone, session.remoteAddress, stage.nanoClock.nanoTime()))
        {
            stage.counters.increment(RingCounters.RATE_LIMITED);
            stage.reject(event, session, ErrorCode.RATE_LIMITED);
            return;
        }
        event.reply.length = stage.encoders.registerAck(event.reply.buffer, frame.requestId, stage.codes.ttlSeconds());
    }
}
