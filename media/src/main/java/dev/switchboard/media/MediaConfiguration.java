package dev.switchboard.media;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Defaults of the media service, each overridable by a system property (a profile file sets them too).
 */
public final class MediaConfiguration
{
    public static final String PORT_PROP_NAME = "switchboard.media.port";
    /** 0 switches the service off (tickets are then refused MEDIA_UNAVAILABLE). */
    public static final int PORT_DEFAULT = 7421;

    public static final String BIND_PROP_NAME = "switchboard.media.bind";
    public static final String BIND_DEFAULT = "0.0.0.0";

    public static final String MAX_BYTES_PROP_NAME = "switchboard.media.max.bytes";
    /**
     * A blob is ciphertext: room for a 100 MiB file sealed by the client SDK (16 bytes of GCM tag per 64 KiB
     * segment), 104,883,200 bytes.
     */
    public static final long MAX_BYTES_DEFAULT = (100L << 20) + ((100L << 20) >> 16) * 16;

    public static final String QUOTA_BYTES_PER_DAY_PROP_NAME = "switchboard.media.quota.bytes.per.day";
    public static final long QUOTA_BYTES_PER_DAY_DEFAULT = 2L << 30;

    public static final String EXPIRY_PROP_NAME = "switchboard.media.expiry";
    public static final long EXPIRY_DEFAULT_NS = TimeUnit.DAYS.toNanos(30);

    public static final String UPLOAD_DEADLINE_PROP_NAME = "switchboard.media.upload.deadline";
    public static final long UPLOAD_DEADLINE_DEFAULT_NS = TimeUnit.HOURS.toNanos(24);

    public static final String TICKET_TTL_PROP_NAME = "switchboard.media.ticket.ttl";
    public static final long TICKET_TTL_DEFAULT_NS = TimeUnit.MINUTES.toNanos(15);

    public static final String DOWNLOAD_TICKET_PROP_NAME = "switchboard.media.download.ticket";
    /** Downloads are authorized by the unguessable id alone unless this is true. */
    public static final boolean DOWNLOAD_TICKET_DEFAULT = false;

    public static final String THREADS_PROP_NAME = "switchboard.media.threads";
    public static final int THREADS_DEFAULT = 32;

    public static final String QUEUE_PROP_NAME = "switchboard.media.queue";
    public static final int QUEUE_DEFAULT = 1024;

    public static final String SWEEP_INTERVAL_PROP_NAME = "switchboard.media.sweep.interval";
    public static final long SWEEP_INTERVAL_DEFAULT_NS = TimeUnit.MINUTES.toNanos(1);

    public static final String COPY_BUFFER_PROP_NAME = "switchboard.media.copy.buffer";
    public static final int COPY_BUFFER_DEFAULT = 256 * 1024;

    private MediaConfiguration()
    {
    }

    public static int port()
    {
        return Integer.getInteger(PORT_PROP_NAME, PORT_DEFAULT);
    }

    public static String bindAddress()
    {
        return System.getProperty(BIND_PROP_NAME, BIND_DEFAULT);
    }

    public static long maxBytes()
    {
        return SystemUtil.getSizeAsLong(MAX_BYTES_PROP_NAME, MAX_BYTES_DEFAULT);
    }

    public static long quotaBytesPerDay()
    {
        return SystemUtil.getSizeAsLong(QUOTA_BYTES_PER_DAY_PROP_NAME, QUOTA_BYTES_PER_DAY_DEFAULT);
    }

    public static long expiryNs()
    {
        return SystemUtil.getDurationInNanos(EXPIRY_PROP_NAME, EXPIRY_DEFAULT_NS);
    }

    public static long uploadDeadlineNs()
    {
        return SystemUtil.getDurationInNanos(UPLOAD_DEADLINE_PROP_NAME, UPLOAD_DEADLINE_DEFAULT_NS);
    }

    public static long ticketTtlNs()
    {
        return SystemUtil.getDurationInNanos(TICKET_TTL_PROP_NAME, TICKET_TTL_DEFAULT_NS);
    }

    public static boolean downloadTicket()
    {
        return Boolean.parseBoolean(System.getProperty(DOWNLOAD_TICKET_PROP_NAME, "" + DOWNLOAD_TICKET_DEFAULT));
    }

    public static int threads()
    {
        return Integer.getInteger(THREADS_PROP_NAME, THREADS_DEFAULT);
    }

    public static int queue()
    {
        return Integer.getInteger(QUEUE_PROP_NAME, QUEUE_DEFAULT);
    }

    public static long sweepIntervalNs()
    {
        return SystemUtil.getDurationInNanos(SWEEP_INTERVAL_PROP_NAME, SWEEP_INTERVAL_DEFAULT_NS);
    }

    public static int copyBufferBytes()
    {
        return SystemUtil.getSizeAsInt(COPY_BUFFER_PROP_NAME, COPY_BUFFER_DEFAULT);
    }
}
