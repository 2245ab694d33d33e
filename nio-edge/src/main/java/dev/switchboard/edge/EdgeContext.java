package dev.switchboard.edge;

import com.sun.management.UnixOperatingSystemMXBean;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import javax.net.ssl.SSLContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Settings for the edge: listening socket, pollers, limits, timeouts, buffers and clocks.
 */
public final class EdgeContext
{
    /** Outbound records carry the connection id before the frame. */
    static final int OUTBOUND_HEADER_LENGTH = Long.BYTES;
    /** Pings and Errors are encoded into a scratch buffer of this size. */
    static final int CONTROL_FRAME_CAPACITY = 512;

    private String bindAddress = EdgeConfiguration.bindAddress();
    private int port = EdgeConfiguration.port();
    private int pollerCount = EdgeConfiguration.pollerCount();
    private int maxConnections = EdgeConfiguration.maxConnections();
    private int maxFrameLength = EdgeConfiguration.maxFrameLength();
    private long idleTimeoutNs = EdgeConfiguration.idleTimeoutNs();
    private long deadTimeoutNs = EdgeConfiguration.deadTimeoutNs();
    private long loginTimeoutNs = EdgeConfiguration.loginTimeoutNs();
    private long registrationTimeoutNs = EdgeConfiguration.registrationTimeoutNs();
    private long frameTimeoutNs = EdgeConfiguration.frameTimeoutNs();
    private long writeTimeoutNs = EdgeConfiguration.writeTimeoutNs();
    private long acceptBackoffNs = EdgeConfiguration.acceptBackoffNs();
    private boolean fdCap = EdgeConfiguration.fdCap();
    private int fdReserve = EdgeConfiguration.fdReserve();
    private long maxFileDescriptors = -1;
    private int requestedMaxConnections;
    private int maxRejectsBeforeDisconnect = EdgeConfiguration.maxRejectsBeforeDisconnect();
    private int readChunkLength = EdgeConfiguration.readChunkLength();
    private int writeChunkLength = EdgeConfiguration.writeChunkLength();
    private int maxPooledChunks = EdgeConfiguration.maxPooledChunks();
    private int maxPendingWriteBytes = EdgeConfiguration.maxPendingWriteBytes();
    private int writeHighWaterBytes = EdgeConfiguration.writeHighWaterBytes();
    private int outboundCapacity = EdgeConfiguration.outboundCapacity();
    private int acceptQueueCapacity = EdgeConfiguration.acceptQueueCapacity();
    private long selectTimeoutNs = EdgeConfiguration.selectTimeoutNs();
    private long selectSpinNs = EdgeConfiguration.selectSpinNs();
    private long replyWaitNs = EdgeConfiguration.replyWaitNs();
    private long receiptHoldNs = EdgeConfiguration.receiptHoldNs();
    private int receiptHoldSlots = EdgeConfiguration.receiptHoldSlots();
    private boolean tcpNoDelay = EdgeConfiguration.tcpNoDelay();
    private boolean batchedSends = EdgeConfiguration.batchedSends();
    private boolean accept4 = EdgeConfiguration.accept4();
    private boolean acceptorThread = EdgeConfiguration.acceptorThread();
    private int socketReceiveBufferLength = EdgeConfiguration.socketReceiveBufferLength();
    private int socketSendBufferLength = EdgeConfiguration.socketSendBufferLength();
    private Supplier<IdleStrategy> idleStrategySupplier = EdgeConfiguration.idleStrategySupplier();
    private String tlsCertificateFile = EdgeConfiguration.tlsCertificateFile();
    private String tlsPrivateKeyFile = EdgeConfiguration.tlsPrivateKeyFile();
    private int tlsTaskThreads = EdgeConfiguration.tlsTaskThreads();
    private SSLContext sslContext;
    private Executor tlsTaskExecutor;
    private ExecutorService ownedTlsTaskExecutor;
    private NanoClock nanoClock;
    private EpochClock epochClock;
    private CountersManager countersManager;
    private boolean concluded;

    /**
     * Validate the settings and fill unset collaborators; called once by {@link Edge}.
     */
    public EdgeContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        concluded = true;

        requirePositive("pollerCount", pollerCount);
        if (pollerCount > ConnectionId.MAX_POLLERS)
        {
            throw new IllegalArgumentException("pollerCount above " + ConnectionId.MAX_POLLERS + ": " + pollerCount);
        }
        requirePositive("maxConnections", maxConnections);
        if (maxConnections > ConnectionId.MAX_SLOTS)
        {
            throw new IllegalArgumentException("maxConnections above " + ConnectionId.MAX_SLOTS);
        }
        requestedMaxConnections = maxConnections;
        if (fdCap)
        {
            capToFileDescriptorLimit();
        }
        requirePositive("loginTimeoutNs", loginTimeoutNs);
        requirePositive("registrationTimeoutNs", registrationTimeoutNs);
        requirePositive("frameTimeoutNs", frameTimeoutNs);
        requirePositive("writeTimeoutNs", writeTimeoutNs);
        requirePositive("acceptBackoffNs", acceptBackoffNs);
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxFrameLength < 64)
        {
            throw new IllegalArgumentException("maxFrameLength too small: " + maxFrameLength);
        }
        requirePositive("idleTimeoutNs", idleTimeoutNs);
        if (deadTimeoutNs <= idleTimeoutNs)
        {
            throw new IllegalArgumentException("deadTimeoutNs must exceed idleTimeoutNs: " + deadTimeoutNs);
        }
        requirePositive("maxRejectsBeforeDisconnect", maxRejectsBeforeDisconnect);
        if (readChunkLength < 64)
        {
            throw new IllegalArgumentException("readChunkLength below 64: " + readChunkLength);
        }
        // A partial frame never needs more than a frame: with a small frame limit the small chunk is the frame.
        readChunkLength = Math.min(readChunkLength, maxFrameLength);
        requirePositive("writeChunkLength", writeChunkLength);
        requirePositive("maxPendingWriteBytes", maxPendingWriteBytes);
        if (writeHighWaterBytes <= 0 || writeHighWaterBytes > maxPendingWriteBytes)
        {
            writeHighWaterBytes = Math.max(1, maxPendingWriteBytes / 4);
        }
        if (maxPooledChunks < 0)
        {
            throw new IllegalArgumentException("maxPooledChunks negative: " + maxPooledChunks);
        }
        if (!BitUtil.isPowerOfTwo(outboundCapacity))
        {
            throw new IllegalArgumentException("outboundCapacity not a power of two: " + outboundCapacity);
        }
        if (outboundCapacity / 8 < maxFrameLength + OUTBOUND_HEADER_LENGTH + 8)
        {
            throw new IllegalArgumentException("outboundCapacity too small for maxFrameLength: " + outboundCapacity);
        }
        requirePositive("acceptQueueCapacity", acceptQueueCapacity);
        if (selectSpinNs < 0)
        {
            throw new IllegalArgumentException("selectSpinNs negative: " + selectSpinNs);
        }
        if (replyWaitNs < 0)
        {
            throw new IllegalArgumentException("replyWaitNs negative: " + replyWaitNs);
        }
        if (receiptHoldNs < 0)
        {
            throw new IllegalArgumentException("receiptHoldNs negative: " + receiptHoldNs);
        }
        if (receiptHoldSlots < 0)
        {
            throw new IllegalArgumentException("receiptHoldSlots negative: " + receiptHoldSlots);
        }
        if (selectTimeoutNs < 0)
        {
            throw new IllegalArgumentException("selectTimeoutNs negative: " + selectTimeoutNs);
        }
        if (null == idleStrategySupplier)
        {
            throw new IllegalArgumentException("idleStrategySupplier is null");
        }
        concludeTls();
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        if (null == countersManager)
        {
            countersManager = privateCountersManager(pollerCount);
        }

        return this;
    }

    private void concludeTls()
    {
        if (null == sslContext && (null != tlsCertificateFile || null != tlsPrivateKeyFile))
        {
            if (null == tlsCertificateFile || null == tlsPrivateKeyFile)
            {
                throw new IllegalArgumentException("TLS needs both a certificate and a key file (" +
                    EdgeConfiguration.TLS_CERT_PROP_NAME + ", " + EdgeConfiguration.TLS_KEY_PROP_NAME + ")");
            }
            sslContext = TlsContexts.serverContext(Paths.get(tlsCertificateFile), Paths.get(tlsPrivateKeyFile));
        }
        if (null != sslContext && null == tlsTaskExecutor)
        {
            requirePositive("tlsTaskThreads", tlsTaskThreads);
            final AtomicInteger threadCount = new AtomicInteger();
            ownedTlsTaskExecutor = Executors.newFixedThreadPool(tlsTaskThreads, (runnable) ->
            {
                final Thread thread = new Thread(runnable, "switchboard-tls-task-" + threadCount.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            tlsTaskExecutor = ownedTlsTaskExecutor;
        }
    }

    /** Stop what {@link #conclude()} started for the edge (the TLS task threads); called as the edge closes. */
    void closeOwned()
    {
        if (null != ownedTlsTaskExecutor)
        {
            ownedTlsTaskExecutor.shutdownNow();
        }
    }

    /**
     * Past the open-file limit accept() fails and the process can open nothing else either (journal segments, state),
     * so the connection limit stays below it: a connection beyond is still accepted and told SERVER_BUSY.
     */
    private void capToFileDescriptorLimit()
    {
        if (fdReserve < 0)
        {
            throw new IllegalArgumentException("fdReserve negative: " + fdReserve);
        }
        final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean))
        {
            return;
        }
        final UnixOperatingSystemMXBean unix = (UnixOperatingSystemMXBean)os;
        maxFileDescriptors = unix.getMaxFileDescriptorCount();
        final long cap = maxFileDescriptors - unix.getOpenFileDescriptorCount() - fdReserve;
        if (maxFileDescriptors > 0 && maxConnections > cap)
        {
            if (cap < 1)
            {
                throw new IllegalStateException("the open-file limit (" + maxFileDescriptors + ") leaves no room " +
                    "for connections beyond the " + fdReserve + " descriptors reserved: raise it (ulimit -n)");
            }
            maxConnections = (int)cap;
        }
    }

    /**
     * Counters kept in this process only, when no counters file is given: room for the edge's counters twice over, so
     * an edge built again from this context while the last one closes still finds room.
     */
    private static CountersManager privateCountersManager(final int pollerCount)
    {
        final int counters = 2 * (pollerCount * PollerCounters.LABELS.length + AcceptorCounters.LABELS.length);

        return new ConcurrentCountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.COUNTER_LENGTH, 64)));
    }

    private static void requirePositive(final String name, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Length of one outbound ring buffer including its trailer. */
    int outboundBufferLength()
    {
        return outboundCapacity + RingBufferDescriptor.TRAILER_LENGTH;
    }

    /** Address to listen on. */
    public EdgeContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    /** Port to listen on; 0 picks an ephemeral port, see {@link Edge#boundPort()}. */
    public EdgeContext port(final int port)
    {
        this.port = port;
        return this;
    }

    public int port()
    {
        return port;
    }

    /** Number of selector pollers, each one thread. */
    public EdgeContext pollerCount(final int pollerCount)
    {
        this.pollerCount = pollerCount;
        return this;
    }

    public int pollerCount()
    {
        return pollerCount;
    }

    /** Connections open at once past which new ones are accepted and closed at once. */
    public EdgeContext maxConnections(final int maxConnections)
    {
        this.maxConnections = maxConnections;
        return this;
    }

    public int maxConnections()
    {
        return maxConnections;
    }

    /** Largest frame accepted, header included; larger ones are a corrupt stream. */
    public EdgeContext maxFrameLength(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /** Silence after which the server sends a Ping. */
    public EdgeContext idleTimeoutNs(final long idleTimeoutNs)
    {
        this.idleTimeoutNs = idleTimeoutNs;
        return this;
    }

    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    /** Silence after which the connection is closed; greater than {@link #idleTimeoutNs()}. */
    public EdgeContext deadTimeoutNs(final long deadTimeoutNs)
    {
        this.deadTimeoutNs = deadTimeoutNs;
        return this;
    }

    public long deadTimeoutNs()
    {
        return deadTimeoutNs;
    }

    /**
     * Whether {@link #conclude()} lowered {@link #maxConnections()} to fit the open-file limit; see
     * {@link #requestedMaxConnections()} and {@link #maxFileDescriptors()}.
     */
    public boolean isMaxConnectionsCapped()
    {
        return maxConnections < requestedMaxConnections;
    }

    /** The connection limit asked for, before {@link #conclude()} fitted it to the open-file limit. */
    public int requestedMaxConnections()
    {
        return requestedMaxConnections;
    }

    /** The process's open-file limit seen by {@link #conclude()}, or -1 when unknown or not looked at. */
    public long maxFileDescriptors()
    {
        return maxFileDescriptors;
    }

    /** Fit {@link #maxConnections()} below the process's open-file limit at {@link #conclude()}. */
    public EdgeContext fdCap(final boolean fdCap)
    {
        this.fdCap = fdCap;
        return this;
    }

    public boolean fdCap()
    {
        return fdCap;
    }

    /** Descriptors kept free beyond those open at {@link #conclude()} when fitting the connection limit. */
    public EdgeContext fdReserve(final int fdReserve)
    {
        this.fdReserve = fdReserve;
        return this;
    }

    public int fdReserve()
    {
        return fdReserve;
    }

    /** Time from accept within which a connection must be logged in; NOT_AUTHENTICATED and a close after. */
    public EdgeContext loginTimeoutNs(final long loginTimeoutNs)
    {
        this.loginTimeoutNs = loginTimeoutNs;
        return this;
    }

    public long loginTimeoutNs()
    {
        return loginTimeoutNs;
    }

    /** Time from the first RegisterAck within which a registering connection must be logged in. */
    public EdgeContext registrationTimeoutNs(final long registrationTimeoutNs)
    {
        this.registrationTimeoutNs = registrationTimeoutNs;
        return this;
    }

    public long registrationTimeoutNs()
    {
        return registrationTimeoutNs;
    }

    /** Time within which a frame whose first bytes arrived must be whole; MALFORMED_FRAME and a close after. */
    public EdgeContext frameTimeoutNs(final long frameTimeoutNs)
    {
        this.frameTimeoutNs = frameTimeoutNs;
        return this;
    }

    public long frameTimeoutNs()
    {
        return frameTimeoutNs;
    }

    /** Time a socket may take none of the output waiting for it before the connection is closed. */
    public EdgeContext writeTimeoutNs(final long writeTimeoutNs)
    {
        this.writeTimeoutNs = writeTimeoutNs;
        return this;
    }

    public long writeTimeoutNs()
    {
        return writeTimeoutNs;
    }

    /** Time the acceptor leaves pending connections after accept() failed, e.g. for want of descriptors. */
    public EdgeContext acceptBackoffNs(final long acceptBackoffNs)
    {
        this.acceptBackoffNs = acceptBackoffNs;
        return this;
    }

    public long acceptBackoffNs()
    {
        return acceptBackoffNs;
    }

    /** Rejected frames a connection may send before it is disconnected. */
    public EdgeContext maxRejectsBeforeDisconnect(final int maxRejectsBeforeDisconnect)
    {
        this.maxRejectsBeforeDisconnect = maxRejectsBeforeDisconnect;
        return this;
    }

    public int maxRejectsBeforeDisconnect()
    {
        return maxRejectsBeforeDisconnect;
    }

    /**
     * Size of the small pooled buffer that holds a partial frame; a partial frame longer than this borrows a
     * buffer of {@link #maxFrameLength()} instead.
     */
    public EdgeContext readChunkLength(final int readChunkLength)
    {
        this.readChunkLength = readChunkLength;
        return this;
    }

    public int readChunkLength()
    {
        return readChunkLength;
    }

    /** Size of one pooled buffer holding unwritten output. */
    public EdgeContext writeChunkLength(final int writeChunkLength)
    {
        this.writeChunkLength = writeChunkLength;
        return this;
    }

    public int writeChunkLength()
    {
        return writeChunkLength;
    }

    /** Free buffers each pool keeps for reuse; more are released to the garbage collector. */
    public EdgeContext maxPooledChunks(final int maxPooledChunks)
    {
        this.maxPooledChunks = maxPooledChunks;
        return this;
    }

    public int maxPooledChunks()
    {
        return maxPooledChunks;
    }

    /** Unwritten output one connection may hold before it is closed as a slow consumer. */
    public EdgeContext maxPendingWriteBytes(final int maxPendingWriteBytes)
    {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
        return this;
    }

    public int maxPendingWriteBytes()
    {
        return maxPendingWriteBytes;
    }

    /**
     * Unwritten output at which the sink hears {@link InboundFrameSink#onOutputCongestion} so delivery pauses;
     * a quarter of {@link #maxPendingWriteBytes()} when unset or above it.
     */
    public EdgeContext writeHighWaterBytes(final int writeHighWaterBytes)
    {
        this.writeHighWaterBytes = writeHighWaterBytes;
        return this;
    }

    public int writeHighWaterBytes()
    {
        return writeHighWaterBytes;
    }

    /** Outbound ring buffer capacity per poller, a power of two, trailer excluded. */
    public EdgeContext outboundCapacity(final int outboundCapacity)
    {
        this.outboundCapacity = outboundCapacity;
        return this;
    }

    public int outboundCapacity()
    {
        return outboundCapacity;
    }

    /** Accepted sockets waiting for one poller to take them. */
    public EdgeContext acceptQueueCapacity(final int acceptQueueCapacity)
    {
        this.acceptQueueCapacity = acceptQueueCapacity;
        return this;
    }

    public int acceptQueueCapacity()
    {
        return acceptQueueCapacity;
    }

    /**
     * When positive, an idle poller (and the acceptor) blocks in its selector up to this long instead of polling,
     * and senders wake it: fewer wake-ups for dense, quiet hosts at the price of a wake-up call per send while it
     * sleeps. Rounded up to whole milliseconds.
     */
    /**
     * See {@link EdgeConfiguration#SELECT_SPIN_PROP_NAME}.
     */
    public EdgeContext selectSpinNs(final long selectSpinNs)
    {
        this.selectSpinNs = selectSpinNs;
        return this;
    }

    public long selectSpinNs()
    {
        return selectSpinNs;
    }

    /**
     * See {@link EdgeConfiguration#REPLY_WAIT_PROP_NAME}.
     */
    public EdgeContext replyWaitNs(final long replyWaitNs)
    {
        this.replyWaitNs = replyWaitNs;
        return this;
    }

    public long replyWaitNs()
    {
        return replyWaitNs;
    }

    /**
     * See {@link EdgeConfiguration#RECEIPT_HOLD_PROP_NAME}.
     */
    public EdgeContext receiptHoldNs(final long receiptHoldNs)
    {
        this.receiptHoldNs = receiptHoldNs;
        return this;
    }

    public long receiptHoldNs()
    {
        return receiptHoldNs;
    }

    /**
     * See {@link EdgeConfiguration#RECEIPT_HOLD_SLOTS_PROP_NAME}.
     */
    public EdgeContext receiptHoldSlots(final int receiptHoldSlots)
    {
        this.receiptHoldSlots = receiptHoldSlots;
        return this;
    }

    public int receiptHoldSlots()
    {
        return receiptHoldSlots;
    }

    public EdgeContext selectTimeoutNs(final long selectTimeoutNs)
    {
        this.selectTimeoutNs = selectTimeoutNs;
        return this;
    }

    public long selectTimeoutNs()
    {
        return selectTimeoutNs;
    }

    /** Selector timeout in milliseconds, 0 when pollers never block. */
    long selectTimeoutMs()
    {
        return 0 == selectTimeoutNs ? 0 : Math.max(1, (selectTimeoutNs + 999_999) / 1_000_000);
    }

    /** Disable Nagle's algorithm on accepted sockets. */
    public EdgeContext tcpNoDelay(final boolean tcpNoDelay)
    {
        this.tcpNoDelay = tcpNoDelay;
        return this;
    }

    public boolean tcpNoDelay()
    {
        return tcpNoDelay;
    }

    /** Send each poller cycle's socket writes in one io_uring submission where the kernel allows it. */
    public EdgeContext batchedSends(final boolean batchedSends)
    {
        this.batchedSends = batchedSends;
        return this;
    }

    public boolean batchedSends()
    {
        return batchedSends;
    }

    /** Whether pollers batch their socket writes: asked for, a plaintext port, and possible on this JVM and kernel. */
    boolean batchesSends()
    {
        return batchedSends && !tlsEnabled() && SocketDescriptors.isAvailable() && BatchedSends.isAvailable();
    }

    /** How the pollers will write to sockets, and why not batched when batching was asked for but is not possible. */
    public String socketWritesDescription()
    {
        if (!batchedSends)
        {
            return "socket writes one system call each";
        }
        if (tlsEnabled())
        {
            return "socket writes through the TLS engine, one system call each";
        }
        if (!SocketDescriptors.isAvailable())
        {
            return "socket writes one system call each (batched sends asked for, but socket descriptors are not " +
                "reachable: the JVM needs --add-exports java.base/sun.nio.ch=ALL-UNNAMED)";
        }
        if (!BatchedSends.isAvailable())
        {
            return "socket writes one system call each (batched sends asked for, but io_uring is not available: " +
                BatchedSends.unavailableReason() + ")";
        }
        return "socket writes batched, one io_uring submission a poller cycle";
    }

    /** Accept connections with accept4 where the host has it, instead of the JDK's accept. */
    public EdgeContext accept4(final boolean accept4)
    {
        this.accept4 = accept4;
        return this;
    }

    public boolean accept4()
    {
        return accept4;
    }

    /** How the acceptor will take connections, and why not by accept4 when that was asked for but is not possible. */
    public String acceptDescription()
    {
        if (!accept4)
        {
            return "connections accepted by the JDK's accept";
        }
        if (!NativeAccept.isAvailable())
        {
            return "connections accepted by the JDK's accept (accept4 asked for, but " +
                NativeAccept.unavailableBecause() + ")";
        }
        return "connections accepted by accept4";
    }

    /**
     * Where pollers block in their selectors, whether the acceptor blocks on a thread of its own (true) or runs on
     * poller 0's thread, woken by that poller's selector (false).
     */
    public EdgeContext acceptorThread(final boolean acceptorThread)
    {
        this.acceptorThread = acceptorThread;
        return this;
    }

    public boolean acceptorThread()
    {
        return acceptorThread;
    }

    /** SO_RCVBUF for accepted sockets; 0 keeps the OS default. Small values raise density. */
    public EdgeContext socketReceiveBufferLength(final int socketReceiveBufferLength)
    {
        this.socketReceiveBufferLength = socketReceiveBufferLength;
        return this;
    }

    public int socketReceiveBufferLength()
    {
        return socketReceiveBufferLength;
    }

    /** SO_SNDBUF for accepted sockets; 0 keeps the OS default. */
    public EdgeContext socketSendBufferLength(final int socketSendBufferLength)
    {
        this.socketSendBufferLength = socketSendBufferLength;
        return this;
    }

    public int socketSendBufferLength()
    {
        return socketSendBufferLength;
    }

    /** Idle strategy for each runner {@link Edge#start()} creates. */
    public EdgeContext idleStrategySupplier(final Supplier<IdleStrategy> idleStrategySupplier)
    {
        this.idleStrategySupplier = idleStrategySupplier;
        return this;
    }

    public Supplier<IdleStrategy> idleStrategySupplier()
    {
        return idleStrategySupplier;
    }

    /** PEM certificate chain for TLS on the client port; see {@link EdgeConfiguration#TLS_CERT_PROP_NAME}. */
    public EdgeContext tlsCertificateFile(final String tlsCertificateFile)
    {
        this.tlsCertificateFile = tlsCertificateFile;
        return this;
    }

    public String tlsCertificateFile()
    {
        return tlsCertificateFile;
    }

    /** PEM PKCS#8 private key for TLS; see {@link EdgeConfiguration#TLS_KEY_PROP_NAME}. */
    public EdgeContext tlsPrivateKeyFile(final String tlsPrivateKeyFile)
    {
        this.tlsPrivateKeyFile = tlsPrivateKeyFile;
        return this;
    }

    public String tlsPrivateKeyFile()
    {
        return tlsPrivateKeyFile;
    }

    /** Threads for handshakes' delegated tasks when {@link #conclude()} makes the executor. */
    public EdgeContext tlsTaskThreads(final int tlsTaskThreads)
    {
        this.tlsTaskThreads = tlsTaskThreads;
        return this;
    }

    public int tlsTaskThreads()
    {
        return tlsTaskThreads;
    }

    /** TLS context for the client port, instead of the PEM files; null (with no files) means plaintext. */
    public EdgeContext sslContext(final SSLContext sslContext)
    {
        this.sslContext = sslContext;
        return this;
    }

    public SSLContext sslContext()
    {
        return sslContext;
    }

    /** Whether the client port speaks TLS, as of {@link #conclude()}. */
    public boolean tlsEnabled()
    {
        return null != sslContext;
    }

    /** Runs TLS handshakes' delegated tasks; unset, {@link #conclude()} makes a pool of {@link #tlsTaskThreads()}. */
    public EdgeContext tlsTaskExecutor(final Executor tlsTaskExecutor)
    {
        this.tlsTaskExecutor = tlsTaskExecutor;
        return this;
    }

    public Executor tlsTaskExecutor()
    {
        return tlsTaskExecutor;
    }

    /** Clock for idle timeouts and Ping timestamps. */
    public EdgeContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /** Wall clock, for collaborators that stamp times. */
    public EdgeContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * Where the pollers and the acceptor allocate their counters ({@link EdgeCounters}): allocated when the
     * {@link Edge} is built, on that thread, and freed as each agent closes, on the agent's thread (the edge's agents
     * take turns on the manager's monitor). A manager other threads allocate from or free into at the same time must
     * be a {@link ConcurrentCountersManager}. Unset, {@link #conclude()} makes one in this process's memory.
     */
    public EdgeContext countersManager(final CountersManager countersManager)
    {
        this.countersManager = countersManager;
        return this;
    }

    public CountersManager countersManager()
    {
        return countersManager;
    }
}
