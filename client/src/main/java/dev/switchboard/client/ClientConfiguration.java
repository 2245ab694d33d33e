package dev.switchboard.client;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Property names and defaults for {@link ClientContext}; each default can be overridden with a {@code -D} property.
 */
public final class ClientConfiguration
{
    public static final String HOST_PROP_NAME = "switchboard.client.host";
    public static final String HOST_DEFAULT = "127.0.0.1";

    public static final String PORT_PROP_NAME = "switchboard.client.port";
    public static final int PORT_DEFAULT = 7420;

    public static final String STORE_DIR_PROP_NAME = "switchboard.client.store.dir";
    public static final String STORE_DIR_DEFAULT = "switchboard-client";

    public static final String RECONNECT_INITIAL_BACKOFF_PROP_NAME = "switchboard.client.reconnect.initial.backoff";
    public static final long RECONNECT_INITIAL_BACKOFF_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    public static final String RECONNECT_MAX_BACKOFF_PROP_NAME = "switchboard.client.reconnect.max.backoff";
    public static final long RECONNECT_MAX_BACKOFF_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    public static final String CONNECT_TIMEOUT_PROP_NAME = "switchboard.client.connect.timeout";
    public static final long CONNECT_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    public static final String REQUEST_TIMEOUT_PROP_NAME = "switchboard.client.request.timeout";
    public static final long REQUEST_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "switchboard.client.heartbeat.interval";
    public static final long HEARTBEAT_INTERVAL_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /** How long a receipt's acknowledgement may wait to ride with the next frame; 0 sends each at once. */
    public static final String RECEIPT_ACK_DELAY_PROP_NAME = "switchboard.client.receipt.ack.delay";
    public static final long RECEIPT_ACK_DELAY_DEFAULT_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Held receipt acks that go at once, delay or not: each held receipt takes a place in the server's delivery window
     * (64 by default) until acknowledged, and a quarter of it never keeps messages waiting.
     */
    public static final int RECEIPT_ACKS_HELD_MAX = 16;

    public static final String MAX_FRAME_LENGTH_PROP_NAME = "switchboard.client.max.frame.length";
    public static final int MAX_FRAME_LENGTH_DEFAULT = 128 * 1024;

    public static final String DEDUPE_CAPACITY_PROP_NAME = "switchboard.client.dedupe.capacity";
    public static final int DEDUPE_CAPACITY_DEFAULT = 16 * 1024;

    public static final String STORE_SYNC_PROP_NAME = "switchboard.client.store.sync";
    public static final boolean STORE_SYNC_DEFAULT = true;

    public static final String PERSIST_PENDING_PROP_NAME = "switchboard.client.persist.pending";
    public static final boolean PERSIST_PENDING_DEFAULT = true;

    /** Speak TLS 1.3 to the server, verifying its certificate and that it names the host connected to. */
    public static final String TLS_PROP_NAME = "switchboard.client.tls";
    public static final boolean TLS_DEFAULT = false;

    /** PEM certificates to trust for TLS; unset (the default) trusts the JDK's certificate authorities. */
    public static final String TLS_TRUST_PROP_NAME = "switchboard.client.tls.trust";
    public static final String TLS_TRUST_DEFAULT = null;

    /**
     * Log in again by LoginSigned, in one round trip, once a LoginAck has told the server's clock; off: always by
     * the challenge (LoginStart, LoginProof).
     */
    public static final String SIGNED_LOGIN_PROP_NAME = "switchboard.client.signed.login";
    public static final boolean SIGNED_LOGIN_DEFAULT = true;

    public static final String E2E_PROP_NAME = "switchboard.client.e2e";
    public static final boolean E2E_DEFAULT = false;

    public static final String E2E_PREKEY_BATCH_PROP_NAME = "switchboard.client.e2e.prekey.batch";
    public static final int E2E_PREKEY_BATCH_DEFAULT = 50;

    public static final String E2E_PREKEY_MAX_STOCK_PROP_NAME = "switchboard.client.e2e.prekey.max.stock";
    public static final int E2E_PREKEY_MAX_STOCK_DEFAULT = 100;

    public static final String E2E_SIGNED_PREKEY_ROTATION_PROP_NAME = "switchboard.client.e2e.signed.prekey.rotation";
    public static final long E2E_SIGNED_PREKEY_ROTATION_DEFAULT_NS = TimeUnit.DAYS.toNanos(7);

    /** How long an incoming call waits for its sealing key before it is given up as FAILED. */
    public static final String E2E_CALL_KEY_WAIT_PROP_NAME = "switchboard.client.e2e.call.key.wait";
    public static final long E2E_CALL_KEY_WAIT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    private ClientConfiguration()
    {
    }

    public static String host()
    {
        return System.getProperty(HOST_PROP_NAME, HOST_DEFAULT);
    }

    public static int port()
    {
        return Integer.getInteger(PORT_PROP_NAME, PORT_DEFAULT);
    }

    public static String storeDir()
    {
        return System.getProperty(STORE_DIR_PROP_NAME, STORE_DIR_DEFAULT);
    }

    public static long reconnectInitialBackoffNs()
    {
        return SystemUtil.getDurationInNanos(RECONNECT_INITIAL_BACKOFF_PROP_NAME, RECONNECT_INITIAL_BACKOFF_DEFAULT_NS);
    }

    public static long reconnectMaxBackoffNs()
    {
        return SystemUtil.getDurationInNanos(RECONNECT_MAX_BACKOFF_PROP_NAME, RECONNECT_MAX_BACKOFF_DEFAULT_NS);
    }

    public static long connectTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(CONNECT_TIMEOUT_PROP_NAME, CONNECT_TIMEOUT_DEFAULT_NS);
    }

    public static long requestTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(REQUEST_TIMEOUT_PROP_NAME, REQUEST_TIMEOUT_DEFAULT_NS);
    }

    public static long heartbeatIntervalNs()
    {
        return SystemUtil.getDurationInNanos(HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_DEFAULT_NS);
    }

    public static long receiptAckDelayNs()
    {
        return SystemUtil.getDurationInNanos(RECEIPT_ACK_DELAY_PROP_NAME, RECEIPT_ACK_DELAY_DEFAULT_NS);
    }

    public static int maxFrameLength()
    {
        return SystemUtil.getSizeAsInt(MAX_FRAME_LENGTH_PROP_NAME, MAX_FRAME_LENGTH_DEFAULT);
    }

    public static int dedupeCapacity()
    {
        return Integer.getInteger(DEDUPE_CAPACITY_PROP_NAME, DEDUPE_CAPACITY_DEFAULT);
    }

    public static boolean storeSync()
    {
        final String value = System.getProperty(STORE_SYNC_PROP_NAME);
        return null == value ? STORE_SYNC_DEFAULT : Boolean.parseBoolean(value);
    }

    public static boolean persistPending()
    {
        final String value = System.getProperty(PERSIST_PENDING_PROP_NAME);
        return null == value ? PERSIST_PENDING_DEFAULT : Boolean.parseBoolean(value);
    }

    public static boolean tls()
    {
        return Boolean.parseBoolean(System.getProperty(TLS_PROP_NAME, Boolean.toString(TLS_DEFAULT)));
    }

    public static String tlsTrustFile()
    {
        final String value = System.getProperty(TLS_TRUST_PROP_NAME, TLS_TRUST_DEFAULT);
        return null == value || value.isBlank() ? null : value;
    }

    public static boolean signedLogin()
    {
        final String value = System.getProperty(SIGNED_LOGIN_PROP_NAME);
        return null == value ? SIGNED_LOGIN_DEFAULT : Boolean.parseBoolean(value);
    }

    public static boolean e2e()
    {
        final String value = System.getProperty(E2E_PROP_NAME);
        return null == value ? E2E_DEFAULT : Boolean.parseBoolean(value);
    }

    public static int e2ePreKeyBatch()
    {
        return Integer.getInteger(E2E_PREKEY_BATCH_PROP_NAME, E2E_PREKEY_BATCH_DEFAULT);
    }

    public static int e2ePreKeyMaxStock()
    {
        return Integer.getInteger(E2E_PREKEY_MAX_STOCK_PROP_NAME, E2E_PREKEY_MAX_STOCK_DEFAULT);
    }

    public static long e2eSignedPreKeyRotationNs()
    {
        return SystemUtil.getDurationInNanos(
            E2E_SIGNED_PREKEY_ROTATION_PROP_NAME, E2E_SIGNED_PREKEY_ROTATION_DEFAULT_NS);
    }

    public static long e2eCallKeyWaitNs()
    {
        return SystemUtil.getDurationInNanos(E2E_CALL_KEY_WAIT_PROP_NAME, E2E_CALL_KEY_WAIT_DEFAULT_NS);
    }
}
