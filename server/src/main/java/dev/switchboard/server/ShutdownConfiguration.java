package dev.switchboard.server;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * How the server stops on SIGTERM or Ctrl-C: the deadline for telling clients Goodbye and waiting for them to go, and
 * the retry hint they are given.
 */
final class ShutdownConfiguration
{
    /** How long a graceful shutdown waits for connections to take their Goodbye and go before closing the rest. */
    static final String TIMEOUT_PROP_NAME = "switchboard.shutdown.timeout";
    static final long TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /** The Goodbye's hint: clients reconnect no sooner than this, by when a restarted server should listen. */
    static final String RETRY_AFTER_PROP_NAME = "switchboard.shutdown.retry.after";
    static final long RETRY_AFTER_DEFAULT_NS = TimeUnit.SECONDS.toNanos(2);

    /**
     * Past the deadline, closing the ring, the journal and the maps gets this much more before the process is halted:
     * a shutdown never hangs.
     */
    static final long CLOSE_GRACE_NS = TimeUnit.SECONDS.toNanos(30);

    private ShutdownConfiguration()
    {
    }

    static long timeoutNs()
    {
        return SystemUtil.getDurationInNanos(TIMEOUT_PROP_NAME, TIMEOUT_DEFAULT_NS);
    }

    static long retryAfterMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(SystemUtil.getDurationInNanos(RETRY_AFTER_PROP_NAME, RETRY_AFTER_DEFAULT_NS));
    }
}
