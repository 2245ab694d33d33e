package dev.switchboard.ring;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Settings and collaborators of call signaling, part of a {@link RingContext}; defaults from {@link
 * CallConfiguration}.
 */
public final class CallContext
{
    /** TURN URIs, all together, so the answer fits a ring slot's reply buffer. */
    public static final int MAX_TURN_URIS_LENGTH = 384;

    private int capacity = CallConfiguration.capacity();
    private long ringTimeoutNs = CallConfiguration.ringTimeoutNs();
    private int perMinute = CallConfiguration.perMinute();
    private int maxIceCandidates = CallConfiguration.maxIceCandidates();
    private int maxSdpLength = CallConfiguration.maxSdpLength();
    private String turnSecret = CallConfiguration.turnSecret();
    private String turnUris = CallConfiguration.turnUris();
    private long turnTtlNs = CallConfiguration.turnTtlNs();
    private CallPushGateway pushGateway;

    /**
     * Validate settings and fill unset collaborators.
     *
     * @param maxFrameLength the largest frame a blob has to fit in.
     */
    public CallContext conclude(final int maxFrameLength)
    {
        if (capacity < 1 || perMinute < 1 || maxIceCandidates < 0)
        {
            throw new IllegalArgumentException("call capacity and calls per minute must be positive, ICE candidates " +
                "not negative: " + capacity + ", " + perMinute + ", " + maxIceCandidates);
        }
        if (ringTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("call ring timeout must be positive: " + ringTimeoutNs);
        }
        if (maxSdpLength < 1)
        {
            throw new IllegalArgumentException("call blob limit must be positive: " + maxSdpLength);
        }
        // A smaller frame limit bounds the blobs anyway: the edge refuses longer frames first.
        maxSdpLength = Math.min(maxSdpLength, maxFrameLength);
        final long ttlSeconds = TimeUnit.NANOSECONDS.toSeconds(turnTtlNs);
        if (ttlSeconds < 1 || ttlSeconds > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("TURN ttl out of range: " + turnTtlNs + " ns");
        }
        if (turnUris.getBytes(StandardCharsets.UTF_8).length > MAX_TURN_URIS_LENGTH)
        {
            throw new IllegalArgumentException("TURN URIs longer than " + MAX_TURN_URIS_LENGTH + " bytes");
        }
        if (null == pushGateway)
        {
            pushGateway = CallPushGateway.NONE;
        }
        return this;
    }

    public CallContext capacity(final int capacity)
    {
        this.capacity = capacity;
        return this;
    }

    public int capacity()
    {
        return capacity;
    }

    public CallContext ringTimeoutNs(final long ringTimeoutNs)
    {
        this.ringTimeoutNs = ringTimeoutNs;
        return this;
    }

    public long ringTimeoutNs()
    {
        return ringTimeoutNs;
    }

    public CallContext perMinute(final int perMinute)
    {
        this.perMinute = perMinute;
        return this;
    }

    public int perMinute()
    {
        return perMinute;
    }

    public CallContext maxIceCandidates(final int maxIceCandidates)
    {
        this.maxIceCandidates = maxIceCandidates;
        return this;
    }

    public int maxIceCandidates()
    {
        return maxIceCandidates;
    }

    public CallContext maxSdpLength(final int maxSdpLength)
    {
        this.maxSdpLength = maxSdpLength;
        return this;
    }

    public int maxSdpLength()
    {
        return maxSdpLength;
    }

    /**
     * The secret shared with the TURN server (coturn's static-auth-secret); null: TURN credentials are refused.
     */
    public CallContext turnSecret(final String turnSecret)
    {
        this.turnSecret = turnSecret;
        return this;
    }

    public String turnSecret()
    {
        return turnSecret;
    }

    /**
     * TURN URIs handed to clients, separated by single spaces; empty: TURN credentials are refused.
     */
    public CallContext turnUris(final String turnUris)
    {
        this.turnUris = turnUris;
        return this;
    }

    public String turnUris()
    {
        return turnUris;
    }

    public CallContext turnTtlNs(final long turnTtlNs)
    {
        this.turnTtlNs = turnTtlNs;
        return this;
    }

    public long turnTtlNs()
    {
        return turnTtlNs;
    }

    /**
     * Where a call to a user with no device online is announced (a push), on the delivery stage's thread.
     */
    public CallContext pushGateway(final CallPushGateway pushGateway)
    {
        this.pushGateway = pushGateway;
        return this;
    }

    public CallPushGateway pushGateway()
    {
        return pushGateway;
    }
}
