package dev.switchboard.ring;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Defaults of device linking (LinkStart, LinkDevice, LinkApprove), each overridable by a system property.
 */
public final class LinkConfiguration
{
    /** How long a link code may be offered, and then how long the primary has to answer the request. */
    public static final String CODE_TTL_PROP_NAME = "switchboard.link.code.ttl";

    /** Default link code lifetime: long enough to type a code, short enough that a seen code soon goes stale. */
    public static final long CODE_TTL_DEFAULT_NS = TimeUnit.MINUTES.toNanos(5);

    /** LinkDevice requests a source address may make per hour, right or wrong. */
    public static final String ATTEMPTS_PER_ADDRESS_PROP_NAME = "switchboard.link.address.attempts.per.hour";

    /** Default attempts per address per hour: a few typos, never a search of the code space. */
    public static final int ATTEMPTS_PER_ADDRESS_DEFAULT = 10;

    private LinkConfiguration()
    {
    }

    /**
     * @return the value of {@link #CODE_TTL_PROP_NAME} (a duration such as {@code 5m}) or the default.
     */
    public static long codeTtlNs()
    {
        return SystemUtil.getDurationInNanos(CODE_TTL_PROP_NAME, CODE_TTL_DEFAULT_NS);
    }

    /**
     * @return the value of {@link #ATTEMPTS_PER_ADDRESS_PROP_NAME} or the default.
     */
    public static int attemptsPerAddressPerHour()
    {
        return Integer.getInteger(ATTEMPTS_PER_ADDRESS_PROP_NAME, ATTEMPTS_PER_ADDRESS_DEFAULT);
    }
}
