package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

/**
 * TurnCredentialsRequest: short-lived credentials for the TURN server in coturn's shared-secret scheme (the TURN REST
 * API, coturn's {@code use-auth-secret} with {@code static-auth-secret}): username {@code <expiry unix
 * seconds>:<userId>}, password base64(HMAC-SHA1(secret, username)). Answered on the session stage, into the reply,
 * with reused buffers; TURN_UNAVAILABLE when no secret or no URIs are configured.
 */
final class TurnCredentialsFlow extends Flow
{
    private static final byte[] BASE64 =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
    private static final int HMAC_SHA1_LENGTH = 20;

    private final CallFrameEncoders encoders = new CallFrameEncoders();
    /** Null when TURN is not configured. */
    private final Mac mac;
    private final byte[] uris;
    private final int ttlSeconds;
    private final byte[] username = new byte[48];
    private final byte[] digest = new byte[HMAC_SHA1_LENGTH];
    private final byte[] password = new byte[(HMAC_SHA1_LENGTH + 2) / 3 * 4];

    TurnCredentialsFlow(final CallContext ctx)
    {
        super(AFTER_LOGIN, true);
        uris = ctx.turnUris().getBytes(StandardCharsets.UTF_8);
        ttlSeconds = (int)TimeUnit.NANOSECONDS.toSeconds(ctx.turnTtlNs());
        mac = null == ctx.turnSecret() || 0 == uris.length ? null : newMac(ctx.turnSecret());
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        if (null == mac)
        {
            stage.refuse(event, ErrorCode.TURN_UNAVAILABLE);
            return;
        }
        final long expirySeconds = event.timestampMs / 1000 + ttlSeconds;
        int usernameLength = putDecimal(username, 0, expirySeconds);
        username[usernameLength++] = ':';
        usernameLength = putDecimal(username, usernameLength, session.userId);

        mac.update(username, 0, usernameLength);
        try
        {
            mac.doFinal(digest, 0);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
        final int passwordLength = putBase64(digest, password);

        event.reply.length = encoders.turnCredentials(
            event.reply.buffer,
            event.frame.requestId,
            ttlSeconds,
            username,
            usernameLength,
            password,
            passwordLength,
            uris);
        stage.counters.increment(RingCounters.TURN_CREDENTIALS_ISSUED);
    }

    private static Mac newMac(final String secret)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HMAC-SHA1 unavailable", ex);
        }
    }

    /**
     * Write a non-negative number in decimal without a String.
     *
     * @return the offset after it.
     */
    static int putDecimal(final byte[] buffer, final int offset, final long value)
    {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10)
        {
            digits++;
        }
        long rest = value;
        for (int i = offset + digits - 1; i >= offset; i--)
        {
            buffer[i] = (byte)('0' + rest % 10);
            rest /= 10;
        }
        return offset + digits;
    }

    /**
     * Standard base64 with padding, as coturn decodes it.
     *
     * @return the length written.
     */
    static int putBase64(final byte[] source, final byte[] target)
    {
        int out = 0;
        for (int i = 0; i < source.length; i += 3)
        {
            final int b0 = source[i] & 0xFF;
            final int b1 = i + 1 < source.length ? source[i + 1] & 0xFF : 0;
            final int b2 = i + 2 < source.length ? source[i + 2] & 0xFF : 0;
            target[out++] = BASE64[b0 >>> 2];
            target[out++] = BASE64[((b0 & 0x3) << 4) | (b1 >>> 4)];
            target[out++] = i + 1 < source.length ? BASE64[((b1 & 0xF) << 2) | (b2 >>> 6)] : (byte)'=';
            target[out++] = i + 2 < source.length ? BASE64[b2 & 0x3F] : (byte)'=';
        }
        return out;
    }
}
