package dev.switchboard.ring;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Defaults of call signaling and TURN credentials, each overridable by a system property; read by {@link
 * CallContext}.
 */
public final class CallConfiguration
{
    /** Calls ringing or in progress at once, server-wide: the call table is allocated at this size. */
    public static final String CAPACITY_PROP_NAME = "switchboard.calls.capacity";

    /** Default call table size. */
    public static final int CAPACITY_DEFAULT = 4096;

    /** How long a call may ring unanswered before it ends as missed. */
    public static final String RING_TIMEOUT_PROP_NAME = "switchboard.calls.ring.timeout";

    /** Default ring timeout: 45 s. */
    public static final long RING_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(45);

    /** Calls a user may start per minute, all its devices together. */
    public static final String PER_MINUTE_PROP_NAME = "switchboard.calls.per.minute";

    /** Default calls started per user per minute. */
    public static final int PER_MINUTE_DEFAULT = 10;

    /** ICE candidates relayed per call, both parties together. */
    public static final String MAX_ICE_CANDIDATES_PROP_NAME = "switchboard.calls.max.ice.candidates";

    /** Default ICE candidates per call: a few per network interface and transport, with room to spare. */
    public static final int MAX_ICE_CANDIDATES_DEFAULT = 64;

    /** Largest sealed session description (offer, answer) or ICE candidate, in bytes. */
    public static final String MAX_SDP_LENGTH_PROP_NAME = "switchboard.calls.max.sdp.length";

    /** Default blob limit: a video offer of a few kilobytes, sealed, fits well. */
    public static final int MAX_SDP_LENGTH_DEFAULT = 16 * 1024;

    /** The secret shared with coturn (static-auth-secret); unset: generated at first start into the data folder. */
    public static final String TURN_SECRET_PROP_NAME = "switchboard.turn.secret";

    /** TURN URIs handed to clients, separated by spaces; unset: TURN credentials are refused. */
    public static final String TURN_URIS_PROP_NAME = "switchboard.turn.uris";

    /** Default TURN URIs: none. */
    public static final String TURN_URIS_DEFAULT = "";

    /** Lifetime of the TURN credentials handed out. */
    public static final String TURN_TTL_PROP_NAME = "switchboard.turn.ttl";

    /** Default credential lifetime: a day, as the TURN REST API suggests. */
    public static final long TURN_TTL_DEFAULT_NS = TimeUnit.DAYS.toNanos(1);

    private CallConfiguration()
    {
    }

    public static int capacity()
    {
        return Integer.getInteger(CAPACITY_PROP_NAME, CAPACITY_DEFAULT);
    }

    public static long ringTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(RING_TIMEOUT_PROP_NAME, RING_TIMEOUT_DEFAULT_NS);
    }

    public static int perMinute()
    {
        return Integer.getInteger(PER_MINUTE_PROP_NAME, PER_MINUTE_DEFAULT);
    }

    public static int maxIceCandidates()
    {
        return Integer.getInteger(MAX_ICE_CANDIDATES_PROP_NAME, MAX_ICE_CANDIDATES_DEFAULT);
    }

    public static int maxSdpLength()
    {
        return Integer.getInteger(MAX_SDP_LENGTH_PROP_NAME, MAX_SDP_LENGTH_DEFAULT);
    }

    /**
     * @return the secret of {@link #TURN_SECRET_PROP_NAME}, or null when unset.
     */
    public static String turnSecret()
    {
        final String secret = System.getProperty(TURN_SECRET_PROP_NAME);
        return null == secret || secret.isBlank() ? null : secret;
    }

    public static String turnUris()
    {
        return System.getProperty(TURN_URIS_PROP_NAME, TURN_URIS_DEFAULT).trim().replaceAll("\\s+", " ");
    }

    public static long turnTtlNs()
    {
        return SystemUtil.getDurationInNanos(TURN_TTL_PROP_NAME, TURN_TTL_DEFAULT_NS);
    }
}
