package dev.switchboard.ring;

import dev.switchboard.journal.Journal;
import dev.switchboard.state.SwitchboardState;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.CountersManager;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Settings and collaborators of a {@link RingPipeline}; defaults from {@link RingConfiguration}.
 */
public final class RingContext
{
    /**
     * Largest blob a media ticket is issued for unless the media service says otherwise: a 100 MiB file sealed by the
     * client SDK (16 bytes of tag per 64 KiB).
     */
    public static final long MEDIA_MAX_BYTES_DEFAULT = (100L << 20) + ((100L << 20) >> 16) * 16;
    /** Lifetime of a media upload ticket unless the media service says otherwise: 15 minutes. */
    public static final long MEDIA_TICKET_TTL_DEFAULT_NS = TimeUnit.MINUTES.toNanos(15);

    private int ringSize = RingConfiguration.ringSize();
    private int slotFrameLength = RingConfiguration.slotFrameLength();
    private int largeFrameBuffers = RingConfiguration.largeFrameBuffers();
    private int maxFrameLength = 66_048;
    private String waitStrategy = RingConfiguration.waitStrategy();
    private boolean fused = RingConfiguration.fused();
    private int deliveryWindow = RingConfiguration.deliveryWindow();
    private long stuckReaderTimeoutNs = RingConfiguration.stuckReaderTimeoutNs();
    private long codeTtlNs = RingConfiguration.codeTtlNs();
    private int codeAttempts = RingConfiguration.codeAttempts();
    private long codeIntervalPerPhoneNs = RingConfiguration.codeIntervalPerPhoneNs();
    private int codesPerAddressPerHour = RingConfiguration.codesPerAddressPerHour();
    private int framesPerSecond = RingConfiguration.framesPerSecond();
    private int maxRejects = RingConfiguration.maxRejects();
    private int keyFetchesPerMinute = KeyDirectoryConfiguration.fetchesPerMinute();
    private int keyFetchesPerDay = KeyDirectoryConfiguration.fetchesPerDay();
    private int preKeyLowStock = KeyDirectoryConfiguration.preKeyLowStock();
    private long linkCodeTtlNs = LinkConfiguration.codeTtlNs();
    private int linkAttemptsPerAddressPerHour = LinkConfiguration.attemptsPerAddressPerHour();
    private boolean dutyCycle;
    private long tickIntervalNs = RingConfiguration.TICK_INTERVAL_DEFAULT_NS;
    private boolean serviceTimes = RingConfiguration.serviceTimes();
    private boolean loginVerifierThread = RingConfiguration.loginVerifierThread();
    private String loginSignatures = RingConfiguration.loginSignatures();
    private long signedLoginWindowNs = RingConfiguration.signedLoginWindowNs();
    private byte[] mediaTicketSecret;
    private int mediaPort;
    private long mediaMaxBytes = MEDIA_MAX_BYTES_DEFAULT;
    private long mediaTicketTtlNs = MEDIA_TICKET_TTL_DEFAULT_NS;
    private final CallContext calls = new CallContext();

    private SwitchboardState state;
    private Journal journal;
    private OutboundFrames outbound;
    private CodeSender codeSender;
    private OfflineDeliveryListener offlineDeliveryListener = OfflineDeliveryListener.NONE;
    private EpochClock epochClock;
    private NanoClock nanoClock;
    private CountersManager countersManager;
    private RingCounters counters;
    private ErrorHandler errorHandler;

    /**
     * Validate settings and fill unset collaborators.
     */
    public RingContext conclude()
    {
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ring size must be a power of two: " + ringSize);
        }
        if (slotFrameLength < 64 || slotFrameLength > maxFrameLength)
        {
            throw new IllegalArgumentException("slot frame length out of range: " + slotFrameLength);
        }
        if (tickIntervalNs < 0)
        {
            throw new IllegalArgumentException("tick interval negative: " + tickIntervalNs);
        }
        if (deliveryWindow < 1)
        {
            throw new IllegalArgumentException("delivery window must be positive: " + deliveryWindow);
        }
        if (keyFetchesPerMinute < 1 || keyFetchesPerDay < 1 || preKeyLowStock < 0)
        {
            throw new IllegalArgumentException("key fetch quotas must be positive, the low-stock threshold not " +
                "negative: " + keyFetchesPerMinute + ", " + keyFetchesPerDay + ", " + preKeyLowStock);
        }
        if (signedLoginWindowNs < TimeUnit.MILLISECONDS.toNanos(1))
        {
            throw new IllegalArgumentException(
                RingConfiguration.SIGNED_LOGIN_WINDOW_PROP_NAME + " must be at least 1 ms: " + signedLoginWindowNs);
        }
        if (linkCodeTtlNs <= 0 || linkAttemptsPerAddressPerHour < 1)
        {
            throw new IllegalArgumentException("link code lifetime and attempts must be positive: " + linkCodeTtlNs +
                ", " + linkAttemptsPerAddressPerHour);
        }
        calls.conclude(maxFrameLength);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(codeSender, "codeSender");
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == counters)
        {
            counters = null == countersManager ? new RingCounters() : new RingCounters(countersManager);
        }
        if (null == errorHandler)
        {
            errorHandler = (throwable) -> LoggerFactory.getLogger(RingContext.class).error("stage error", throwable);
        }
        return this;
    }

    /**
     * Call signaling and TURN settings, set in place.
     */
    public CallContext calls()
    {
        return calls;
    }

    public RingContext ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    public int ringSize()
    {
        return ringSize;
    }

    public RingContext slotFrameLength(final int slotFrameLength)
    {
        this.slotFrameLength = slotFrameLength;
        return this;
    }

    public int slotFrameLength()
    {
        return slotFrameLength;
    }

    public RingContext largeFrameBuffers(final int largeFrameBuffers)
    {
        this.largeFrameBuffers = largeFrameBuffers;
        return this;
    }

    public int largeFrameBuffers()
    {
        return largeFrameBuffers;
    }

    public RingContext maxFrameLength(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    public RingContext waitStrategy(final String waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        return this;
    }

    public String waitStrategy()
    {
        return waitStrategy;
    }

    public RingContext fused(final boolean fused)
    {
        this.fused = fused;
        return this;
    }

    public boolean fused()
    {
        return fused;
    }

    public RingContext deliveryWindow(final int deliveryWindow)
    {
        this.deliveryWindow = deliveryWindow;
        return this;
    }

    public int deliveryWindow()
    {
        return deliveryWindow;
    }

    public RingContext stuckReaderTimeoutNs(final long stuckReaderTimeoutNs)
    {
        this.stuckReaderTimeoutNs = stuckReaderTimeoutNs;
        return this;
    }

    public long stuckReaderTimeoutNs()
    {
        return stuckReaderTimeoutNs;
    }

    public RingContext codeTtlNs(final long codeTtlNs)
    {
        this.codeTtlNs = codeTtlNs;
        return this;
    }

    public long codeTtlNs()
    {
        return codeTtlNs;
    }

    public RingContext codeAttempts(final int codeAttempts)
    {
        this.codeAttempts = codeAttempts;
        return this;
    }

    public int codeAttempts()
    {
        return codeAttempts;
    }

    public RingContext codeIntervalPerPhoneNs(final long codeIntervalPerPhoneNs)
    {
        this.codeIntervalPerPhoneNs = codeIntervalPerPhoneNs;
        return this;
    }

    public long codeIntervalPerPhoneNs()
    {
        return codeIntervalPerPhoneNs;
    }

    public RingContext codesPerAddressPerHour(final int codesPerAddressPerHour)
    {
        this.codesPerAddressPerHour = codesPerAddressPerHour;
        return this;
    }

    public int codesPerAddressPerHour()
    {
        return codesPerAddressPerHour;
    }

    public RingContext framesPerSecond(final int framesPerSecond)
    {
        this.framesPerSecond = framesPerSecond;
        return this;
    }

    public int framesPerSecond()
    {
        return framesPerSecond;
    }

    public RingContext maxRejects(final int maxRejects)
    {
        this.maxRejects = maxRejects;
        return this;
    }

    public int maxRejects()
    {
        return maxRejects;
    }

    /**
     * KeyBundleFetch requests a user may make per minute, all its devices together; RATE_LIMITED beyond.
     */
    /**
     * How long a link code may be offered, and then how long the primary has to answer.
     */
    public RingContext linkCodeTtlNs(final long linkCodeTtlNs)
    {
        this.linkCodeTtlNs = linkCodeTtlNs;
        return this;
    }

    public long linkCodeTtlNs()
    {
        return linkCodeTtlNs;
    }

    /**
     * LinkDevice requests a source address may make per hour.
     */
    public RingContext linkAttemptsPerAddressPerHour(final int linkAttemptsPerAddressPerHour)
    {
        this.linkAttemptsPerAddressPerHour = linkAttemptsPerAddressPerHour;
        return this;
    }

    public int linkAttemptsPerAddressPerHour()
    {
        return linkAttemptsPerAddressPerHour;
    }

    public RingContext keyFetchesPerMinute(final int keyFetchesPerMinute)
    {
        this.keyFetchesPerMinute = keyFetchesPerMinute;
        return this;
    }

    public int keyFetchesPerMinute()
    {
        return keyFetchesPerMinute;
    }

    /**
     * KeyBundleFetch requests a user may make per 24 hours, all its devices together; RATE_LIMITED beyond.
     */
    public RingContext keyFetchesPerDay(final int keyFetchesPerDay)
    {
        this.keyFetchesPerDay = keyFetchesPerDay;
        return this;
    }

    public int keyFetchesPerDay()
    {
        return keyFetchesPerDay;
    }

    /**
     * A device whose one-time prekeys fall below this many gets a PreKeyStock; 0 never tells.
     */
    public RingContext preKeyLowStock(final int preKeyLowStock)
    {
        this.preKeyLowStock = preKeyLowStock;
        return this;
    }

    public int preKeyLowStock()
    {
        return preKeyLowStock;
    }

    /**
     * Run the stages from the caller's duty cycle ({@link RingPipeline#dutyCycle()}) instead of stage threads;
     * {@link #fused()} and {@link #waitStrategy()} then do not apply.
     */
    public RingContext dutyCycle(final boolean dutyCycle)
    {
        this.dutyCycle = dutyCycle;
        return this;
    }

    public boolean dutyCycle()
    {
        return dutyCycle;
    }

    /** How often the duty cycle publishes the housekeeping tick itself; 0 for never (someone else does). */
    public RingContext tickIntervalNs(final long tickIntervalNs)
    {
        this.tickIntervalNs = tickIntervalNs;
        return this;
    }

    public long tickIntervalNs()
    {
        return tickIntervalNs;
    }

    /** Whether each stage's service time is recorded into its histogram ({@link RingCounters#sessionTime()}...). */
    /**
     * Verify login signatures on a thread of their own (true) or on the session stage.
     */
    public RingContext loginVerifierThread(final boolean loginVerifierThread)
    {
        this.loginVerifierThread = loginVerifierThread;
        return this;
    }

    public boolean loginVerifierThread()
    {
        return loginVerifierThread;
    }

    /**
     * Which Ed25519 implementation verifies login signatures: "libsodium" (where installed, else Bouncy Castle) or
     * "bouncycastle".
     */
    public RingContext loginSignatures(final String loginSignatures)
    {
        this.loginSignatures = RingConfiguration.checkLoginSignatures(loginSignatures);
        return this;
    }

    public String loginSignatures()
    {
        return loginSignatures;
    }

    /**
     * How far a LoginSigned's timestamp may be from the server's clock, either way.
     */
    public RingContext signedLoginWindowNs(final long signedLoginWindowNs)
    {
        this.signedLoginWindowNs = signedLoginWindowNs;
        return this;
    }

    public long signedLoginWindowNs()
    {
        return signedLoginWindowNs;
    }

    public RingContext serviceTimes(final boolean serviceTimes)
    {
        this.serviceTimes = serviceTimes;
        return this;
    }

    public boolean serviceTimes()
    {
        return serviceTimes;
    }

    public RingContext state(final SwitchboardState state)
    {
        this.state = state;
        return this;
    }

    public SwitchboardState state()
    {
        return state;
    }

    public RingContext journal(final Journal journal)
    {
        this.journal = journal;
        return this;
    }

    public Journal journal()
    {
        return journal;
    }

    public RingContext outbound(final OutboundFrames outbound)
    {
        this.outbound = outbound;
        return this;
    }

    public OutboundFrames outbound()
    {
        return outbound;
    }

    public RingContext codeSender(final CodeSender codeSender)
    {
        this.codeSender = codeSender;
        return this;
    }

    public CodeSender codeSender()
    {
        return codeSender;
    }

    /** Told of each copy journaled for an offline device (the push trigger); none by default. */
    public RingContext offlineDeliveryListener(final OfflineDeliveryListener offlineDeliveryListener)
    {
        this.offlineDeliveryListener = null == offlineDeliveryListener ?
            OfflineDeliveryListener.NONE : offlineDeliveryListener;
        return this;
    }

    public OfflineDeliveryListener offlineDeliveryListener()
    {
        return offlineDeliveryListener;
    }

    public RingContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    public RingContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Where the ring's counters and service-time histograms are allocated (the server's counters file); default: a
     * private manager in this process. Ignored when {@link #counters(RingCounters)} is set.
     */
    public RingContext countersManager(final CountersManager countersManager)
    {
        this.countersManager = countersManager;
        return this;
    }

    public CountersManager countersManager()
    {
        return countersManager;
    }

    public RingContext counters(final RingCounters counters)
    {
        this.counters = counters;
        return this;
    }

    public RingCounters counters()
    {
        return counters;
    }

    /** Where a stage's exception is reported (it is counted in any case); default: printed to standard error. */
    public RingContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * The secret media upload tickets are signed with (shared with the media service); null: no tickets, a
     * MediaTicketRequest is refused MEDIA_UNAVAILABLE.
     */
    public RingContext mediaTicketSecret(final byte[] mediaTicketSecret)
    {
        this.mediaTicketSecret = null == mediaTicketSecret ? null : mediaTicketSecret.clone();
        return this;
    }

    public byte[] mediaTicketSecret()
    {
        return mediaTicketSecret;
    }

    /** Port of the media service, told to clients in every MediaTicket; 0: the service is off. */
    public RingContext mediaPort(final int mediaPort)
    {
        this.mediaPort = mediaPort;
        return this;
    }

    public int mediaPort()
    {
        return mediaPort;
    }

    /** Largest blob a ticket is issued for: a larger MediaTicketRequest is refused MEDIA_TOO_LARGE. */
    public RingContext mediaMaxBytes(final long mediaMaxBytes)
    {
        this.mediaMaxBytes = mediaMaxBytes;
        return this;
    }

    public long mediaMaxBytes()
    {
        return mediaMaxBytes;
    }

    /** How long an upload ticket may be used to start or resume an upload. */
    public RingContext mediaTicketTtlNs(final long mediaTicketTtlNs)
    {
        this.mediaTicketTtlNs = mediaTicketTtlNs;
        return this;
    }

    public long mediaTicketTtlNs()
    {
        return mediaTicketTtlNs;
    }
}
