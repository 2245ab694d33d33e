package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import javax.net.ssl.SSLContext;
import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * Settings for one {@link SwitchboardClient}: seeded from {@link ClientConfiguration}, changed with fluent setters.
 */
public final class ClientContext
{
    /**
     * Smallest frame limit that still holds every control frame the server sends.
     */
    static final int MIN_MAX_FRAME_LENGTH = 1024;

    private String host = ClientConfiguration.host();
    private int port = ClientConfiguration.port();
    private File storeDir = new File(ClientConfiguration.storeDir());
    private ClientListener listener = new ClientListener()
    {
    };
    private long reconnectInitialBackoffNs = ClientConfiguration.reconnectInitialBackoffNs();
    private long reconnectMaxBackoffNs = ClientConfiguration.reconnectMaxBackoffNs();
    private long connectTimeoutNs = ClientConfiguration.connectTimeoutNs();
    private long requestTimeoutNs = ClientConfiguration.requestTimeoutNs();
    private long heartbeatIntervalNs = ClientConfiguration.heartbeatIntervalNs();
    private long receiptAckDelayNs = ClientConfiguration.receiptAckDelayNs();
    private int maxFrameLength = ClientConfiguration.maxFrameLength();
    private int dedupeCapacity = ClientConfiguration.dedupeCapacity();
    private boolean storeSync = ClientConfiguration.storeSync();
    private boolean persistPending = ClientConfiguration.persistPending();
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private boolean signedLogin = ClientConfiguration.signedLogin();
    private MediaListener mediaListener;
    private File mediaDir;
    private boolean autoDownloadMedia = true;
    private boolean e2e = ClientConfiguration.e2e();
    private boolean tls = ClientConfiguration.tls();
    private String tlsTrustFile = ClientConfiguration.tlsTrustFile();
    private SSLContext sslContext;
    private int e2ePreKeyBatch = ClientConfiguration.e2ePreKeyBatch();
    private int e2ePreKeyMaxStock = ClientConfiguration.e2ePreKeyMaxStock();
    private long e2eSignedPreKeyRotationNs = ClientConfiguration.e2eSignedPreKeyRotationNs();
    private long e2eCallKeyWaitNs = ClientConfiguration.e2eCallKeyWaitNs();

    /**
     * Check every setting; called by {@link SwitchboardClient#open(ClientContext)}.
     */
    public ClientContext conclude()
    {
        if (null == host || host.isEmpty())
        {
            throw new IllegalArgumentException("host must be set");
        }
        if (port <= 0 || port > 65535)
        {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (null == storeDir)
        {
            throw new IllegalArgumentException("storeDir must be set");
        }
        if (null == listener)
        {
            throw new IllegalArgumentException("listener must be set");
        }
        if (!tls)
        {
            sslContext = null;
        }
        else if (null == sslContext)
        {
            sslContext = ClientTls.context(tlsTrustFile);
        }
        if (e2ePreKeyBatch < 1 || e2ePreKeyBatch > e2ePreKeyMaxStock || e2eSignedPreKeyRotationNs <= 0)
        {
            throw new IllegalArgumentException("e2e prekeys must be 1 <= batch <= max stock, rotation > 0: " +
                e2ePreKeyBatch + ", " + e2ePreKeyMaxStock + ", " + e2eSignedPreKeyRotationNs);
        }
        if (e2eCallKeyWaitNs <= 0)
        {
            throw new IllegalArgumentException("e2e call key wait must be > 0: " + e2eCallKeyWaitNs);
        }
        if (reconnectInitialBackoffNs <= 0 || reconnectMaxBackoffNs < reconnectInitialBackoffNs)
        {
            throw new IllegalArgumentException("reconnect backoff must be 0 < initial <= max: " +
                reconnectInitialBackoffNs + ", " + reconnectMaxBackoffNs);
        }
        if (connectTimeoutNs < TimeUnit.MILLISECONDS.toNanos(1) || requestTimeoutNs <= 0 || heartbeatIntervalNs <= 0)
        {
            throw new IllegalArgumentException("timeouts and heartbeat interval must be positive");
        }
        if (receiptAckDelayNs < 0)
        {
            throw new IllegalArgumentException("receipt ack delay must be >= 0: " + receiptAckDelayNs);
        }
        if (maxFrameLength < MIN_MAX_FRAME_LENGTH || maxFrameLength > (1 << 24) + Sofh.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("maxFrameLength out of range: " + maxFrameLength);
        }
        if (dedupeCapacity < 16)
        {
            throw new IllegalArgumentException("dedupeCapacity below 16: " + dedupeCapacity);
        }
        if (null == nanoClock)
        {
            throw new IllegalArgumentException("nanoClock must be set");
        }
        if (null == epochClock)
        {
            throw new IllegalArgumentException("epochClock must be set");
        }
        return this;
    }

    public ClientContext host(final String host)
    {
        this.host = host;
        return this;
    }

    public String host()
    {
        return host;
    }

    public ClientContext port(final int port)
    {
        this.port = port;
        return this;
    }

    public int port()
    {
        return port;
    }

    /**
     * The local folder holding the device key, the message id counter, pending sends and seen message ids.
     */
    public ClientContext storeDir(final File storeDir)
    {
        this.storeDir = storeDir;
        return this;
    }

    public File storeDir()
    {
        return storeDir;
    }

    /**
     * Callbacks, all invoked on the client's I/O thread.
     */
    public ClientContext listener(final ClientListener listener)
    {
        this.listener = listener;
        return this;
    }

    public ClientListener listener()
    {
        return listener;
    }

    public ClientContext reconnectInitialBackoff(final long duration, final TimeUnit unit)
    {
        this.reconnectInitialBackoffNs = unit.toNanos(duration);
        return this;
    }

    public long reconnectInitialBackoffNs()
    {
        return reconnectInitialBackoffNs;
    }

    public ClientContext reconnectMaxBackoff(final long duration, final TimeUnit unit)
    {
        this.reconnectMaxBackoffNs = unit.toNanos(duration);
        return this;
    }

    public long reconnectMaxBackoffNs()
    {
        return reconnectMaxBackoffNs;
    }

    public ClientContext connectTimeout(final long duration, final TimeUnit unit)
    {
        this.connectTimeoutNs = unit.toNanos(duration);
        return this;
    }

    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    /**
     * How long a request future waits for its answer before it fails with a timeout.
     */
    public ClientContext requestTimeout(final long duration, final TimeUnit unit)
    {
        this.requestTimeoutNs = unit.toNanos(duration);
        return this;
    }

    public long requestTimeoutNs()
    {
        return requestTimeoutNs;
    }

    /**
     * Ping after this long without input; drop and reconnect after three intervals without input.
     */
    public ClientContext heartbeatInterval(final long duration, final TimeUnit unit)
    {
        this.heartbeatIntervalNs = unit.toNanos(duration);
        return this;
    }

    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    /**
     * How long a receipt's acknowledgement may wait to go out with the device's next frame (at most 16 wait at once);
     * 0 sends each on its own at once.
     */
    public ClientContext receiptAckDelay(final long duration, final TimeUnit unit)
    {
        this.receiptAckDelayNs = unit.toNanos(duration);
        return this;
    }

    public long receiptAckDelayNs()
    {
        return receiptAckDelayNs;
    }

    public ClientContext maxFrameLength(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * How many recently delivered message ids are remembered to drop duplicates.
     */
    public ClientContext dedupeCapacity(final int dedupeCapacity)
    {
        this.dedupeCapacity = dedupeCapacity;
        return this;
    }

    public int dedupeCapacity()
    {
        return dedupeCapacity;
    }

    /**
     * Whether pending sends and the counter are forced to disk before a send returns.
     */
    public ClientContext storeSync(final boolean storeSync)
    {
        this.storeSync = storeSync;
        return this;
    }

    public boolean storeSync()
    {
        return storeSync;
    }

    /**
     * Whether pending sends are written to the store (default) or held in memory only, resent after a reconnect
     * but lost with the process: for load generators that need send rates beyond a file per send.
     */
    public ClientContext persistPending(final boolean persistPending)
    {
        this.persistPending = persistPending;
        return this;
    }

    public boolean persistPending()
    {
        return persistPending;
    }

    /**
     * Clock for heartbeat, backoff and timeout deadlines.
     */
    public ClientContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Wall clock, in ms since the epoch, from which the server's time is reckoned for a signed login.
     */
    public ClientContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * Log in again in one round trip (LoginSigned) once a LoginAck has told the server's clock, falling back to the
     * challenge if that is refused (default); off: always log in by the challenge. See
     * {@link ClientConfiguration#SIGNED_LOGIN_PROP_NAME}.
     */
    public ClientContext signedLogin(final boolean signedLogin)
    {
        this.signedLogin = signedLogin;
        return this;
    }

    public boolean signedLogin()
    {
        return signedLogin;
    }

    /**
     * Where received media references go instead of {@link ClientListener#onMessage}; null (the default): media
     * references reach onMessage as any payload.
     */
    public ClientContext mediaListener(final MediaListener mediaListener)
    {
        this.mediaListener = mediaListener;
        return this;
    }

    public MediaListener mediaListener()
    {
        return mediaListener;
    }

    /**
     * Where received media files are stored; default: {@code media} in the store folder.
     */
    public ClientContext mediaDir(final File mediaDir)
    {
        this.mediaDir = mediaDir;
        return this;
    }

    public File mediaDir()
    {
        return null == mediaDir ? new File(storeDir, "media") : mediaDir;
    }

    /**
     * Download received media as soon as the reference arrives (default), or only when the application calls
     * {@link SwitchboardClient#downloadMedia}.
     */
    public ClientContext autoDownloadMedia(final boolean autoDownloadMedia)
    {
        this.autoDownloadMedia = autoDownloadMedia;
        return this;
    }

    public boolean autoDownloadMedia()
    {
        return autoDownloadMedia;
    }

    /**
     * End-to-end encryption (libsignal, keys and history in {@code e2e.db} of the store folder): sends go through
     * {@link SwitchboardClient#e2e()} and the plain {@code send}/{@code sendGroup} are refused. Off by default for
     * SDK users such as the load generator; the chat client turns it on.
     */
    public ClientContext e2e(final boolean e2e)
    {
        this.e2e = e2e;
        return this;
    }

    public boolean e2e()
    {
        return e2e;
    }

    /** TLS 1.3 to the server; see {@link ClientConfiguration#TLS_PROP_NAME}. */
    public ClientContext tls(final boolean tls)
    {
        this.tls = tls;
        return this;
    }

    public boolean tls()
    {
        return tls;
    }

    /** PEM certificates to trust instead of the JDK's authorities; see {@link ClientConfiguration#TLS_TRUST_PROP_NAME}. */
    public ClientContext tlsTrustFile(final String tlsTrustFile)
    {
        this.tlsTrustFile = tlsTrustFile;
        return this;
    }

    public String tlsTrustFile()
    {
        return tlsTrustFile;
    }

    /** A ready TLS context, instead of the trust file; implies nothing unless {@link #tls()} is on. */
    public ClientContext sslContext(final SSLContext sslContext)
    {
        this.sslContext = sslContext;
        return this;
    }

    /** The TLS context, as of {@link #conclude()}: null when TLS is off. */
    public SSLContext sslContext()
    {
        return sslContext;
    }

    /**
     * One-time prekeys per upload (first upload and each top-up).
     */
    public ClientContext e2ePreKeyBatch(final int e2ePreKeyBatch)
    {
        this.e2ePreKeyBatch = e2ePreKeyBatch;
        return this;
    }

    public int e2ePreKeyBatch()
    {
        return e2ePreKeyBatch;
    }

    /**
     * The server's cap on a device's one-time prekeys: a top-up never asks to go past it.
     */
    public ClientContext e2ePreKeyMaxStock(final int e2ePreKeyMaxStock)
    {
        this.e2ePreKeyMaxStock = e2ePreKeyMaxStock;
        return this;
    }

    public int e2ePreKeyMaxStock()
    {
        return e2ePreKeyMaxStock;
    }

    /**
     * Age of the signed prekey past which the next login uploads a new one.
     */
    public ClientContext e2eSignedPreKeyRotationNs(final long e2eSignedPreKeyRotationNs)
    {
        this.e2eSignedPreKeyRotationNs = e2eSignedPreKeyRotationNs;
        return this;
    }

    public long e2eSignedPreKeyRotationNs()
    {
        return e2eSignedPreKeyRotationNs;
    }

    /**
     * How long an incoming call, with end-to-end encryption on, waits for the caller's sealing key (it travels as an
     * end-to-end message beside the offer) before this device gives it up as FAILED.
     */
    public ClientContext e2eCallKeyWaitNs(final long e2eCallKeyWaitNs)
    {
        this.e2eCallKeyWaitNs = e2eCallKeyWaitNs;
        return this;
    }

    public long e2eCallKeyWaitNs()
    {
        return e2eCallKeyWaitNs;
    }
}
