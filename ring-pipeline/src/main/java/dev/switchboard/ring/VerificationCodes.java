package dev.switchboard.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One-time registration codes: issued through a {@link CodeSender}, expiring, with a bounded number of attempts,
 * rate limited per phone number and per source address. Session stage only.
 */
final class VerificationCodes
{
    static final int OK = 0;
    static final int RATE_LIMITED = 1;
    static final int NO_CODE = 2;
    static final int WRONG_CODE = 3;
    static final int EXPIRED = 4;
    static final int TOO_MANY_ATTEMPTS = 5;

    private static final long ADDRESS_WINDOW_NS = TimeUnit.HOURS.toNanos(1);

    private static final class PendingCode
    {
        final byte[] code;
        final long issuedNs;
        final long expiresNs;
        int attempts;

        PendingCode(final byte[] code, final long issuedNs, final long expiresNs)
        {
            this.code = code;
            this.issuedNs = issuedNs;
            this.expiresNs = expiresNs;
        }
    }

    private final Map<String, PendingCode> codeByPhone = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final CodeSender codeSender;
    private final long ttlNs;
    private final int maxAttempts;
    private final long intervalPerPhoneNs;
    private final FixedWindowQuota codesByAddress;

    VerificationCodes(
        final CodeSender codeSender,
        final long ttlNs,
        final int maxAttempts,
        final long intervalPerPhoneNs,
        final int codesPerAddressPerHour)
    {
        this.codeSender = codeSender;
        this.ttlNs = ttlNs;
        this.maxAttempts = maxAttempts;
        this.intervalPerPhoneNs = intervalPerPhoneNs;
        codesByAddress = new FixedWindowQuota(ADDRESS_WINDOW_NS, codesPerAddressPerHour);
    }

    long ttlSeconds()
    {
        return TimeUnit.NANOSECONDS.toSeconds(ttlNs);
    }

    int issue(final String phone, final long remoteAddress, final long nowNs)
    {
        final PendingCode previous = codeByPhone.get(phone);
        if (null != previous && nowNs - previous.issuedNs < intervalPerPhoneNs)
        {
            return RATE_LIMITED;
        }

        if (!codesByAddress.tryTake(remoteAddress, 1, nowNs))
        {
            return RATE_LIMITED;
        }

        final String code = String.format("%06d", random.nextInt(1_000_000));
        codeByPhone.put(phone, new PendingCode(code.getBytes(StandardCharsets.US_ASCII), nowNs, nowNs + ttlNs));
        codeSender.send(phone, code);
        return OK;
    }

    int verify(final String phone, final String code, final long nowNs)
    {
        final PendingCode pending = codeByPhone.get(phone);
        if (null == pending)
        {
            return NO_CODE;
        }
        if (nowNs - pending.expiresNs >= 0)
        {
            codeByPhone.remove(phone);
            return EXPIRED;
        }
        if (pending.attempts >= maxAttempts)
        {
            return TOO_MANY_ATTEMPTS;
        }
        pending.attempts++;
        if (!MessageDigest.isEqual(pending.code, code.getBytes(StandardCharsets.US_ASCII)))
        {
            return pending.attempts >= maxAttempts ? TOO_MANY_ATTEMPTS : WRONG_CODE;
        }
        codeByPhone.remove(phone);
        return OK;
    }

    /**
     * Forget codes past their expiry and address windows past their hour, so memory stays bounded.
     */
    void expire(final long nowNs)
    {
        final Iterator<PendingCode> codes = codeByPhone.values().iterator();
        while (codes.hasNext())
        {
            final PendingCode pending = codes.next();
            if (nowNs - pending.expiresNs >= 0 && nowNs - pending.issuedNs >= intervalPerPhoneNs)
            {
                codes.remove();
            }
        }
        codesByAddress.sweep(nowNs);
    }
}
