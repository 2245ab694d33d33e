package dev.switchboard.server;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Push notifications for offline devices: which gateway, where it posts, and how pushes are coalesced, rate limited
 * and retried.
 */
final class PushConfiguration
{
    /** {@code fcm} posts to {@value #URL_PROP_NAME}; {@code log} (development) logs each push; {@code off}. */
    static final String GATEWAY_PROP_NAME = "switchboard.push.gateway";
    static final String GATEWAY_FCM = "fcm";
    static final String GATEWAY_LOG = "log";
    static final String GATEWAY_OFF = "off";

    /** Where the FCM-style gateway posts; setting it makes {@code fcm} the default gateway. */
    static final String URL_PROP_NAME = "switchboard.push.url";

    /** Bytes of the queue from the delivery stage to the push agent (a power of two); 16 bytes per request. */
    static final String QUEUE_CAPACITY_PROP_NAME = "switchboard.push.queue.capacity";
    static final int QUEUE_CAPACITY_DEFAULT = 64 * 1024;

    /** A device's push waits this long for more of the same burst: one push per device per burst. */
    static final String COALESCE_PROP_NAME = "switchboard.push.coalesce";
    static final long COALESCE_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(500);

    /** At most one push per device per this interval; later requests wait for the next slot. */
    static final String MIN_INTERVAL_PROP_NAME = "switchboard.push.min.interval";
    static final long MIN_INTERVAL_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /** Attempts per push beyond the first, on a connection failure, a 429 or a 5xx. */
    static final String RETRIES_PROP_NAME = "switchboard.push.retries";
    static final int RETRIES_DEFAULT = 3;

    /** Wait before the first retry, doubled for each further one. */
    static final String BACKOFF_PROP_NAME = "switchboard.push.backoff";
    static final long BACKOFF_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Connect and response timeout of one attempt. */
    static final String TIMEOUT_PROP_NAME = "switchboard.push.timeout";
    static final long TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    private PushConfiguration()
    {
    }

    static String gateway()
    {
        final String url = url();
        return System.getProperty(GATEWAY_PROP_NAME, null == url ? GATEWAY_LOG : GATEWAY_FCM).trim();
    }

    static String url()
    {
        final String url = System.getProperty(URL_PROP_NAME);
        return null == url || url.isBlank() ? null : url.trim();
    }

    static int queueCapacity()
    {
        return SystemUtil.getSizeAsInt(QUEUE_CAPACITY_PROP_NAME, QUEUE_CAPACITY_DEFAULT);
    }

    static long coalesceNs()
    {
        return SystemUtil.getDurationInNanos(COALESCE_PROP_NAME, COALESCE_DEFAULT_NS);
    }

    static long minIntervalNs()
    {
        return SystemUtil.getDurationInNanos(MIN_INTERVAL_PROP_NAME, MIN_INTERVAL_DEFAULT_NS);
    }

    static int retries()
    {
        return Integer.getInteger(RETRIES_PROP_NAME, RETRIES_DEFAULT);
    }

    static long backoffNs()
    {
        return SystemUtil.getDurationInNanos(BACKOFF_PROP_NAME, BACKOFF_DEFAULT_NS);
    }

    static long timeoutNs()
    {
        return SystemUtil.getDurationInNanos(TIMEOUT_PROP_NAME, TIMEOUT_DEFAULT_NS);
    }
}
