package dev.switchboard.edge;

import dev.switchboard.codec.MaxFrame;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Defaults for {@link EdgeContext}, each overridable by a {@code switchboard.edge.*} system property.
 */
public final class EdgeConfiguration
{
    public static final String BIND_ADDRESS_PROP_NAME = "switchboard.edge.bind.address";
    public static final String BIND_ADDRESS_DEFAULT = "0.0.0.0";

    public static final String PORT_PROP_NAME = "switchboard.edge.port";
    public static final int PORT_DEFAULT = 7420;

    public static final String POLLER_COUNT_PROP_NAME = "switchboard.edge.poller.count";
    public static final int POLLER_COUNT_DEFAULT = 1;

    public static final String MAX_CONNECTIONS_PROP_NAME = "switchboard.edge.max.connections";
    public static final int MAX_CONNECTIONS_DEFAULT = 19_000;


    public static final String IDLE_TIMEOUT_PROP_NAME = "switchboard.edge.idle.timeout";
    public static final long IDLE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    public static final String DEAD_TIMEOUT_PROP_NAME = "switchboard.edge.dead.timeout";
    public static final long DEAD_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(90);

    /** A connection must be logged in (LoginAck sent) this long after accept, or gets NOT_AUTHENTICATED and closes. */
    public static final String LOGIN_TIMEOUT_PROP_NAME = "switchboard.edge.login.timeout";
    public static final long LOGIN_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * After the first RegisterAck a connection has this long to verify the texted code (a person reads and types it);
     * the code's own lifetime, {@code switchboard.registration.code.ttl}, by default.
     */
    public static final String REGISTRATION_TIMEOUT_PROP_NAME = "switchboard.edge.registration.timeout";
    public static final long REGISTRATION_TIMEOUT_DEFAULT_NS = TimeUnit.MINUTES.toNanos(10);

    /** A frame whose first bytes arrived must be whole within this long, or MALFORMED_FRAME and a close. */
    public static final String FRAME_TIMEOUT_PROP_NAME = "switchboard.edge.frame.timeout";
    public static final long FRAME_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /** Output waiting on a socket that takes none of it for this long closes the connection: its peer does not read. */
    public static final String WRITE_TIMEOUT_PROP_NAME = "switchboard.edge.write.timeout";
    public static final long WRITE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /** After accept() fails (e.g. out of file descriptors) the acceptor leaves pending connections this long. */
    public static final String ACCEPT_BACKOFF_PROP_NAME = "switchboard.edge.accept.backoff";
    public static final long ACCEPT_BACKOFF_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Lower max connections to fit the process's open-file limit: limit minus descriptors open at start minus
     * {@link #FD_RESERVE_PROP_NAME}. Turn off only to test what happens at the limit.
     */
    public static final String FD_CAP_PROP_NAME = "switchboard.edge.fd.cap";
    public static final boolean FD_CAP_DEFAULT = true;

    /**
     * Descriptors kept free beyond those open at start: a selector per poller and the acceptor (an epoll descriptor
     * and a wake-up pipe each), the listening socket, files opened briefly (journal segments, state, the counters
     * file, stat), with room to spare.
     */
    public static final String FD_RESERVE_PROP_NAME = "switchboard.edge.fd.reserve";
    public static final int FD_RESERVE_DEFAULT = 256;

    /**
     * PEM certificate chain (leaf first) for TLS 1.3 on the client port; unset (the default) means plaintext. Set it
     * and {@link #TLS_KEY_PROP_NAME} together.
     */
    public static final String TLS_CERT_PROP_NAME = "switchboard.tls.cert";
    public static final String TLS_CERT_DEFAULT = null;

    /** PEM PKCS#8 private key (EC or RSA, unencrypted) of the TLS certificate; unset means plaintext. */
    public static final String TLS_KEY_PROP_NAME = "switchboard.tls.key";
    public static final String TLS_KEY_DEFAULT = null;

    /** Threads that run TLS handshakes' delegated tasks (signatures, key exchange) off the pollers. */
    public static final String TLS_TASK_THREADS_PROP_NAME = "switchboard.tls.task.threads";
    public static final int TLS_TASK_THREADS_DEFAULT = 1;

    public static final String MAX_REJECTS_PROP_NAME = "switchboard.edge.max.rejects";
    public static final int MAX_REJECTS_DEFAULT = 8;

    public static final String READ_CHUNK_LENGTH_PROP_NAME = "switchboard.edge.read.chunk.length";
    public static final int READ_CHUNK_LENGTH_DEFAULT = 4 * 1024;

    public static final String WRITE_CHUNK_LENGTH_PROP_NAME = "switchboard.edge.write.chunk.length";
    public static final int WRITE_CHUNK_LENGTH_DEFAULT = 16 * 1024;

    /**
     * Free chunks of each size a poller keeps for good. More stay pooled while borrows still reach them (an overload
     * that stalls thousands of connections reuses them instead of allocating); those unused for a second are dropped.
     */
    public static final String MAX_POOLED_CHUNKS_PROP_NAME = "switchboard.edge.max.pooled.chunks";
    public static final int MAX_POOLED_CHUNKS_DEFAULT = 256;

    public static final String MAX_PENDING_WRITE_PROP_NAME = "switchboard.edge.max.pending.write";
    public static final int MAX_PENDING_WRITE_DEFAULT = 256 * 1024;

    public static final String WRITE_HIGH_WATER_PROP_NAME = "switchboard.edge.write.high.water";
    public static final int WRITE_HIGH_WATER_DEFAULT = 64 * 1024;

    public static final String OUTBOUND_CAPACITY_PROP_NAME = "switchboard.edge.outbound.capacity";
    public static final int OUTBOUND_CAPACITY_DEFAULT = 4 * 1024 * 1024;

    public static final String ACCEPT_QUEUE_CAPACITY_PROP_NAME = "switchboard.edge.accept.queue.capacity";
    public static final int ACCEPT_QUEUE_CAPACITY_DEFAULT = 1024;

    public static final String SELECT_TIMEOUT_PROP_NAME = "switchboard.edge.select.timeout";
    /** 0: pollers never block in the selector and leave idling to the {@link IdleStrategy}. */
    public static final long SELECT_TIMEOUT_DEFAULT_NS = 0;

    public static final String SELECT_SPIN_PROP_NAME = "switchboard.edge.select.spin";
    /**
     * How long a poller that blocks in its selector keeps polling without blocking after a cycle that did work: when
     * traffic is dense the next frame comes within it, and a wake-up from a blocked select (a context switch, dear on
     * a virtual machine) is saved. 0: block as soon as a cycle finds nothing left to do.
     */
    public static final long SELECT_SPIN_DEFAULT_NS = 0;

    public static final String REPLY_WAIT_PROP_NAME = "switchboard.edge.reply.wait";
    /**
     * The widest window a poller that blocks in its selector keeps polling after it wrote frames that clients answer
     * at once (deliveries, answered by their acks), when its co-agent says so; the window itself adapts to how soon
     * the answers come (see {@code ReplyWait}). 0: never.
     */
    public static final long REPLY_WAIT_DEFAULT_NS = 50_000;

    public static final String RECEIPT_HOLD_PROP_NAME = "switchboard.edge.receipt.hold";
    /**
     * How long a poller may hold a delivery receipt back for the next frame to the same connection to take it along
     * (see {@code HeldFrames}): alone, a receipt costs the server a write and the client a read and a wake-up. A
     * receipt that finds nothing to ride with goes alone after this (e.g. {@code 200ms}). 0, the default: every receipt
     * at once. Off by default: on this project's 2-core test host it took a write a message off the server and a few
     * percent of its CPU at 5,000 to 15,000 msg/s, but the deliver p50 and p99 were higher with it in most alternating
     * runs at 5,000 msg/s (docs/performance.md, seventeenth and eighteenth passes), the cause not yet found.
     */
    public static final long RECEIPT_HOLD_DEFAULT_NS = 0;

    public static final String RECEIPT_HOLD_SLOTS_PROP_NAME = "switchboard.edge.receipt.hold.slots";
    /**
     * Connections one poller may hold receipts for at once, each in a slot of {@code HeldFrames.SLOT_LENGTH} bytes
     * (4096 slots: 1 MiB a poller); past that, receipts go at once.
     */
    public static final int RECEIPT_HOLD_SLOTS_DEFAULT = 4096;

    public static final String TCP_NODELAY_PROP_NAME = "switchboard.edge.tcp.nodelay";
    public static final boolean TCP_NODELAY_DEFAULT = true;

    /**
     * Whether a poller sends a cycle's socket writes to the kernel in one io_uring submission instead of a
     * {@code write} each, where it can (Linux with io_uring; elsewhere, or when the kernel refuses it, the writes stay
     * as they are). TLS connections always write through their engine. On the 2-core test host it raised the
     * server's capacity by about a third (docs/performance.md, twenty-third pass).
     */
    public static final String BATCHED_SENDS_PROP_NAME = "switchboard.edge.batched.sends";
    public static final boolean BATCHED_SENDS_DEFAULT = true;

    /**
     * Whether the acceptor takes connections with {@code accept4(2)}, non-blocking from the start and with
     * {@code TCP_NODELAY} inherited from the listener: four system calls a connection where the JDK's accept takes
     * eight (Linux; elsewhere the JDK's accept is used either way).
     */
    public static final String ACCEPT4_PROP_NAME = "switchboard.edge.accept4";
    public static final boolean ACCEPT4_DEFAULT = true;

    /**
     * Where the acceptor runs when pollers block in their selectors: {@code thread}, on a thread of its own;
     * {@code poller}, on poller 0's thread with the listener in that poller's selector, so a connect wakes the thread
     * that reads it and no hand-off wakes another; {@code auto}, {@code poller} where the process may run on one CPU
     * (there a thread of its own only takes turns with the poller) and {@code thread} elsewhere. Where pollers poll
     * instead of blocking, the acceptor always shares poller 0's thread.
     */
    public static final String ACCEPTOR_PROP_NAME = "switchboard.edge.acceptor";
    public static final String ACCEPTOR_DEFAULT = "auto";

    public static final String SO_RCVBUF_PROP_NAME = "switchboard.edge.so.rcvbuf";
    public static final String SO_SNDBUF_PROP_NAME = "switchboard.edge.so.sndbuf";
    /** 0 leaves the operating system default. */
    public static final int SOCKET_BUFFER_DEFAULT = 0;

    private EdgeConfiguration()
    {
    }

    public static String bindAddress()
    {
        return System.getProperty(BIND_ADDRESS_PROP_NAME, BIND_ADDRESS_DEFAULT);
    }

    public static int port()
    {
        return Integer.getInteger(PORT_PROP_NAME, PORT_DEFAULT);
    }

    public static int pollerCount()
    {
        return Integer.getInteger(POLLER_COUNT_PROP_NAME, POLLER_COUNT_DEFAULT);
    }

    public static int maxConnections()
    {
        return Integer.getInteger(MAX_CONNECTIONS_PROP_NAME, MAX_CONNECTIONS_DEFAULT);
    }

    /**
     * The one frame limit, {@link MaxFrame#MAX_FRAME_LENGTH_PROP_NAME}; the edge has no knob of its own.
     */
    public static int maxFrameLength()
    {
        return MaxFrame.maxFrameLength();
    }

    public static long idleTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(IDLE_TIMEOUT_PROP_NAME, IDLE_TIMEOUT_DEFAULT_NS);
    }

    public static long deadTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(DEAD_TIMEOUT_PROP_NAME, DEAD_TIMEOUT_DEFAULT_NS);
    }

    public static long loginTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(LOGIN_TIMEOUT_PROP_NAME, LOGIN_TIMEOUT_DEFAULT_NS);
    }

    public static long registrationTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(REGISTRATION_TIMEOUT_PROP_NAME, REGISTRATION_TIMEOUT_DEFAULT_NS);
    }

    public static long frameTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(FRAME_TIMEOUT_PROP_NAME, FRAME_TIMEOUT_DEFAULT_NS);
    }

    public static long writeTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(WRITE_TIMEOUT_PROP_NAME, WRITE_TIMEOUT_DEFAULT_NS);
    }

    public static long acceptBackoffNs()
    {
        return SystemUtil.getDurationInNanos(ACCEPT_BACKOFF_PROP_NAME, ACCEPT_BACKOFF_DEFAULT_NS);
    }

    public static boolean fdCap()
    {
        return Boolean.parseBoolean(System.getProperty(FD_CAP_PROP_NAME, Boolean.toString(FD_CAP_DEFAULT)));
    }

    public static int fdReserve()
    {
        return Integer.getInteger(FD_RESERVE_PROP_NAME, FD_RESERVE_DEFAULT);
    }

    public static String tlsCertificateFile()
    {
        return emptyToNull(System.getProperty(TLS_CERT_PROP_NAME, TLS_CERT_DEFAULT));
    }

    public static String tlsPrivateKeyFile()
    {
        return emptyToNull(System.getProperty(TLS_KEY_PROP_NAME, TLS_KEY_DEFAULT));
    }

    public static int tlsTaskThreads()
    {
        return Integer.getInteger(TLS_TASK_THREADS_PROP_NAME, TLS_TASK_THREADS_DEFAULT);
    }

    private static String emptyToNull(final String value)
    {
        return null == value || value.isBlank() ? null : value;
    }

    public static int maxRejectsBeforeDisconnect()
    {
        return Integer.getInteger(MAX_REJECTS_PROP_NAME, MAX_REJECTS_DEFAULT);
    }

    public static int readChunkLength()
    {
        return SystemUtil.getSizeAsInt(READ_CHUNK_LENGTH_PROP_NAME, READ_CHUNK_LENGTH_DEFAULT);
    }

    public static int writeChunkLength()
    {
        return SystemUtil.getSizeAsInt(WRITE_CHUNK_LENGTH_PROP_NAME, WRITE_CHUNK_LENGTH_DEFAULT);
    }

    public static int maxPooledChunks()
    {
        return Integer.getInteger(MAX_POOLED_CHUNKS_PROP_NAME, MAX_POOLED_CHUNKS_DEFAULT);
    }

    public static int maxPendingWriteBytes()
    {
        return SystemUtil.getSizeAsInt(MAX_PENDING_WRITE_PROP_NAME, MAX_PENDING_WRITE_DEFAULT);
    }

    public static int writeHighWaterBytes()
    {
        return SystemUtil.getSizeAsInt(WRITE_HIGH_WATER_PROP_NAME, WRITE_HIGH_WATER_DEFAULT);
    }

    /**
     * Outbound ring buffer capacity per poller, the {@link RingBufferDescriptor#TRAILER_LENGTH} added on top.
     */
    public static int outboundCapacity()
    {
        return SystemUtil.getSizeAsInt(OUTBOUND_CAPACITY_PROP_NAME, OUTBOUND_CAPACITY_DEFAULT);
    }

    public static int acceptQueueCapacity()
    {
        return Integer.getInteger(ACCEPT_QUEUE_CAPACITY_PROP_NAME, ACCEPT_QUEUE_CAPACITY_DEFAULT);
    }

    public static long selectTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(SELECT_TIMEOUT_PROP_NAME, SELECT_TIMEOUT_DEFAULT_NS);
    }

    public static long selectSpinNs()
    {
        return SystemUtil.getDurationInNanos(SELECT_SPIN_PROP_NAME, SELECT_SPIN_DEFAULT_NS);
    }

    public static long replyWaitNs()
    {
        return SystemUtil.getDurationInNanos(REPLY_WAIT_PROP_NAME, REPLY_WAIT_DEFAULT_NS);
    }

    public static long receiptHoldNs()
    {
        return SystemUtil.getDurationInNanos(RECEIPT_HOLD_PROP_NAME, RECEIPT_HOLD_DEFAULT_NS);
    }

    public static int receiptHoldSlots()
    {
        return Integer.getInteger(RECEIPT_HOLD_SLOTS_PROP_NAME, RECEIPT_HOLD_SLOTS_DEFAULT);
    }

    public static boolean tcpNoDelay()
    {
        return Boolean.parseBoolean(System.getProperty(TCP_NODELAY_PROP_NAME, Boolean.toString(TCP_NODELAY_DEFAULT)));
    }

    public static boolean batchedSends()
    {
        return Boolean.parseBoolean(
            System.getProperty(BATCHED_SENDS_PROP_NAME, Boolean.toString(BATCHED_SENDS_DEFAULT)));
    }

    public static boolean accept4()
    {
        return Boolean.parseBoolean(System.getProperty(ACCEPT4_PROP_NAME, Boolean.toString(ACCEPT4_DEFAULT)));
    }

    /**
     * Whether the acceptor has a thread of its own (when pollers block), in a process that may run on this many CPUs.
     */
    public static boolean acceptorThread(final int cpus)
    {
        final String value = System.getProperty(ACCEPTOR_PROP_NAME, ACCEPTOR_DEFAULT);
        switch (value)
        {
            case "thread":
                return true;
            case "poller":
                return false;
            case "auto":
                return cpus >= 2;
            default:
                throw new IllegalArgumentException(ACCEPTOR_PROP_NAME + " must be auto, thread or poller: " + value);
        }
    }

    /** {@link #acceptorThread(int)} for the CPUs this process may run on. */
    public static boolean acceptorThread()
    {
        return acceptorThread(Runtime.getRuntime().availableProcessors());
    }

    public static int socketReceiveBufferLength()
    {
        return SystemUtil.getSizeAsInt(SO_RCVBUF_PROP_NAME, SOCKET_BUFFER_DEFAULT);
    }

    public static int socketSendBufferLength()
    {
        return SystemUtil.getSizeAsInt(SO_SNDBUF_PROP_NAME, SOCKET_BUFFER_DEFAULT);
    }

    /**
     * Backoff: spin a little, yield, then park briefly, so an idle edge costs little CPU.
     */
    public static Supplier<IdleStrategy> idleStrategySupplier()
    {
        return () -> new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
    }
}
