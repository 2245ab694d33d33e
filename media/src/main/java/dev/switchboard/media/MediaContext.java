package dev.switchboard.media;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.CountersManager;

import java.io.File;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Settings and collaborators of a {@link MediaService}; defaults from {@link MediaConfiguration}.
 */
public final class MediaContext
{
    private int port = MediaConfiguration.port();
    private String bindAddress = MediaConfiguration.bindAddress();
    private long maxBytes = MediaConfiguration.maxBytes();
    private long quotaBytesPerDay = MediaConfiguration.quotaBytesPerDay();
    private long expiryNs = MediaConfiguration.expiryNs();
    private long uploadDeadlineNs = MediaConfiguration.uploadDeadlineNs();
    private long ticketTtlNs = MediaConfiguration.ticketTtlNs();
    private boolean downloadTicket = MediaConfiguration.downloadTicket();
    private int threads = MediaConfiguration.threads();
    private int queue = MediaConfiguration.queue();
    private long sweepIntervalNs = MediaConfiguration.sweepIntervalNs();
    private int copyBufferBytes = MediaConfiguration.copyBufferBytes();
    private File dataDir;
    private byte[] secret;
    private EpochClock epochClock;
    private CountersManager countersManager;

    /**
     * Check the settings and fill what is unset: the secret from (or into) the data folder, the clock.
     */
    public MediaContext conclude()
    {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("media port out of range: " + port);
        }
        if (maxBytes < 0 || quotaBytesPerDay < 0 || expiryNs <= 0 || uploadDeadlineNs <= 0 || ticketTtlNs <= 0)
        {
            throw new IllegalArgumentException("media sizes must not be negative, durations must be positive");
        }
        if (threads < 1 || queue < 1 || copyBufferBytes < 4096 || sweepIntervalNs <= 0)
        {
            throw new IllegalArgumentException("media threads, queue, sweep interval and copy buffer must be positive");
        }
        if (null == secret)
        {
            secret = MediaSecret.loadOrCreate(dataDir);
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        return this;
    }

    public MediaContext port(final int port)
    {
        this.port = port;
        return this;
    }

    public int port()
    {
        return port;
    }

    public MediaContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    /** Largest blob: larger uploads are refused 413, by Upload-Length and while streaming. */
    public MediaContext maxBytes(final long maxBytes)
    {
        this.maxBytes = maxBytes;
        return this;
    }

    public long maxBytes()
    {
        return maxBytes;
    }

    /** Bytes a user may start uploading per UTC day; counted at creation, given back when an upload lapses. */
    public MediaContext quotaBytesPerDay(final long quotaBytesPerDay)
    {
        this.quotaBytesPerDay = quotaBytesPerDay;
        return this;
    }

    public long quotaBytesPerDay()
    {
        return quotaBytesPerDay;
    }

    /** How long a blob is kept after its (last) upload. */
    public MediaContext expiryNs(final long expiryNs)
    {
        this.expiryNs = expiryNs;
        return this;
    }

    public long expiryNs()
    {
        return expiryNs;
    }

    public long expiryMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(expiryNs);
    }

    /** How long an unfinished upload may be resumed; then its partial file is deleted and its quota given back. */
    public MediaContext uploadDeadlineNs(final long uploadDeadlineNs)
    {
        this.uploadDeadlineNs = uploadDeadlineNs;
        return this;
    }

    public long uploadDeadlineNs()
    {
        return uploadDeadlineNs;
    }

    public long uploadDeadlineMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(uploadDeadlineNs);
    }

    /** Lifetime of the upload tickets the ring issues (told to the ring by the server). */
    public MediaContext ticketTtlNs(final long ticketTtlNs)
    {
        this.ticketTtlNs = ticketTtlNs;
        return this;
    }

    public long ticketTtlNs()
    {
        return ticketTtlNs;
    }

    /** Downloads need a valid ticket too. */
    public MediaContext downloadTicket(final boolean downloadTicket)
    {
        this.downloadTicket = downloadTicket;
        return this;
    }

    public boolean downloadTicket()
    {
        return downloadTicket;
    }

    /** Requests served at once: Jetty's request threads (its pool holds a few more for accepting and selecting). */
    public MediaContext threads(final int threads)
    {
        this.threads = threads;
        return this;
    }

    public int threads()
    {
        return threads;
    }

    /**
     * Requests that may wait (up to 60 s) beyond those served, and the accept backlog; past it a request is answered
     * 503 and counted in {@code requests-dropped}.
     */
    public MediaContext queue(final int queue)
    {
        this.queue = queue;
        return this;
    }

    public int queue()
    {
        return queue;
    }

    public MediaContext sweepIntervalNs(final long sweepIntervalNs)
    {
        this.sweepIntervalNs = sweepIntervalNs;
        return this;
    }

    public long sweepIntervalNs()
    {
        return sweepIntervalNs;
    }

    /**
     * Size of the pooled direct buffers a request body is read into (the largest chunk written and hashed at once)
     * and a download is sent from.
     */
    public MediaContext copyBufferBytes(final int copyBufferBytes)
    {
        this.copyBufferBytes = copyBufferBytes;
        return this;
    }

    public int copyBufferBytes()
    {
        return copyBufferBytes;
    }

    /** The media folder: blobs/, uploads/ and ledger/ below it, and the ticket secret. */
    public MediaContext dataDir(final File dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    public File dataDir()
    {
        return dataDir;
    }

    /** The ticket secret shared with the ring; default: {@link MediaSecret#loadOrCreate(File)}. */
    public MediaContext secret(final byte[] secret)
    {
        this.secret = null == secret ? null : secret.clone();
        return this;
    }

    public byte[] secret()
    {
        return secret;
    }

    public MediaContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    /** Where the counters go (the server's counters file); default: counters of this process only. */
    public MediaContext countersManager(final CountersManager countersManager)
    {
        this.countersManager = countersManager;
        return this;
    }

    public CountersManager countersManager()
    {
        return countersManager;
    }
}
