package dev.switchboard.bench;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.ClientListener;
import dev.switchboard.client.DeviceAddress;
import dev.switchboard.client.IncomingMessage;
import dev.switchboard.client.LinkRequest;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SendDecoder;

import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device of the soak run: a real {@link SwitchboardClient} on its own store folder, which the run closes
 * ("offline": the app is not running) and opens again on the same folder, so the SDK's persisted pending sends,
 * resend and dedupe are what a real app would get. Its callbacks record into the {@link SoakLedger}.
 * <p>
 * Open, close and send hold this object's lock; the callbacks never take it, since closing joins the thread that runs
 * them.
 */
final class SoakDevice implements ClientListener
{
    enum Role
    {
        SENDER, RECIPIENT
    }

    private final Role role;
    private final int index;
    private final int deviceNumber;
    private final String phone;
    private final File storeDir;
    private final SoakLedger ledger;
    private final String host;
    private final int port;
    private final Map<ErrorCode, AtomicLong> retriedSendErrors = new ConcurrentHashMap<>();
    private volatile SwitchboardClient client;
    private long userId;
    private long opens;
    private long sdkDuplicatesDropped;
    private long disconnects;
    private long goodbyes;
    private volatile long lastActivityNs = System.nanoTime();

    SoakDevice(
        final Role role,
        final int index,
        final int deviceNumber,
        final String phone,
        final File storeDir,
        final SoakLedger ledger,
        final String host,
        final int port)
    {
        this.role = role;
        this.index = index;
        this.deviceNumber = deviceNumber;
        this.phone = phone;
        this.storeDir = storeDir;
        this.ledger = ledger;
        this.host = host;
        this.port = port;
    }

    /**
     * Join the primary's account as a further device, with a link code the primary approves, and log in.
     */
    synchronized void link(final SoakDevice primary, final long timeoutMs)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        final String code = primary.linkCode(timeoutMs);
        open();
        final DeviceAddress address = client.linkDevice(code).get(timeoutMs, TimeUnit.MILLISECONDS);
        userId = address.userId();
        client.login().get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private synchronized String linkCode(final long timeoutMs)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        return client.linkStart().get(timeoutMs, TimeUnit.MILLISECONDS).code();
    }

    /**
     * The primary approves every device that offers its code: only the soak's own devices know it.
     */
    public void onLinkRequest(final LinkRequest request)
    {
        final SwitchboardClient current = client;
        if (null != current)
        {
            current.approveLink(request.linkId(), true);
        }
    }

    /**
     * Register this device's phone (the account's primary device) and log in.
     */
    synchronized void register(final CodeBook codes, final long timeoutMs)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        open();
        client.requestCode(phone).get(timeoutMs, TimeUnit.MILLISECONDS);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String code;
        while (null == (code = codes.take(phone)))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new TimeoutException("no verification code for " + phone);
            }
            codes.poll();
            Thread.sleep(5);
        }
        final DeviceAddress address = client.verify(phone, code).get(timeoutMs, TimeUnit.MILLISECONDS);
        userId = address.userId();
        client.login().get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The app starts: open the client on its store and log in (the SDK keeps retrying until it is in).
     */
    synchronized void goOnline()
    {
        if (null == client)
        {
            open();
            client.login();
        }
    }

    /**
     * The app stops: close the client without logging out; its pending sends stay in the store.
     */
    synchronized void goOffline()
    {
        if (null != client)
        {
            sdkDuplicatesDropped += client.duplicatesDropped();
            disconnects += client.disconnects();
            goodbyes += client.goodbyes();
            client.close();
            client = null;
        }
    }

    /**
     * Send as the app does; returns the clientMsgId, or 0 if the app is not running.
     */
    synchronized long send(final long toUserId, final byte[] payload)
    {
        return null == client ? 0 : client.send(toUserId, 0, payload);
    }

    synchronized boolean isOnline()
    {
        return null != client;
    }

    synchronized boolean isLoggedIn()
    {
        return null != client && client.isLoggedIn();
    }

    synchronized int pendingSends()
    {
        return null == client ? 0 : client.pendingSendCount();
    }

    synchronized long sdkDuplicatesDropped()
    {
        return sdkDuplicatesDropped + (null == client ? 0 : client.duplicatesDropped());
    }

    synchronized long disconnects()
    {
        return disconnects + (null == client ? 0 : client.disconnects());
    }

    synchronized long goodbyes()
    {
        return goodbyes + (null == client ? 0 : client.goodbyes());
    }

    synchronized long opens()
    {
        return opens;
    }

    Map<ErrorCode, AtomicLong> retriedSendErrors()
    {
        return retriedSendErrors;
    }

    long userId()
    {
        return userId;
    }

    Role role()
    {
        return role;
    }

    long lastActivityNs()
    {
        return lastActivityNs;
    }

    public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
    {
        lastActivityNs = System.nanoTime();
        ledger.acknowledged(index, clientMsgId, messageId);
    }

    public void onMessage(final IncomingMessage message)
    {
        lastActivityNs = System.nanoTime();
        ledger.delivered(index, deviceNumber, message.messageId(), message.fromUserId(), message.payload());
    }

    public void onReceipt(
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType receiptType,
        final long timestampMs)
    {
        lastActivityNs = System.nanoTime();
        if (Role.SENDER == role)
        {
            ledger.receipt(index);
        }
    }

    public void onError(final ErrorCode code, final long requestId, final int templateId, final String detail)
    {
        lastActivityNs = System.nanoTime();
        if (Role.SENDER == role && SendDecoder.TEMPLATE_ID == templateId)
        {
            if (isRetried(code))
            {
                retriedSendErrors.computeIfAbsent(code, (c) -> new AtomicLong()).incrementAndGet();
            }
            else
            {
                ledger.refused(index, requestId, code);
            }
        }
    }

    public void onLoggedIn(final int pendingCount)
    {
        lastActivityNs = System.nanoTime();
    }

    public String toString()
    {
        return (Role.SENDER == role ? "sender " + index : "recipient " + index + " device " + (deviceNumber + 1)) +
            " (" + phone + ")";
    }

    private void open()
    {
        client = SwitchboardClient.open(new ClientContext()
            .host(host)
            .port(port)
            .storeDir(storeDir)
            .listener(this)
            // The server comes back within seconds: retry often rather than wait out the SDK's 10 s ceiling.
            .reconnectInitialBackoff(20, TimeUnit.MILLISECONDS)
            .reconnectMaxBackoff(250, TimeUnit.MILLISECONDS)
            // Only the server is killed; the client store is closed cleanly, so the page cache is enough for it.
            .storeSync(false));
        opens++;
    }

    /**
     * The errors the SDK keeps a send pending for (see ClientConductor), to resend after the next login.
     */
    private static boolean isRetried(final ErrorCode code)
    {
        return ErrorCode.SERVER_BUSY == code || ErrorCode.RATE_LIMITED == code || ErrorCode.INTERNAL_ERROR == code ||
            ErrorCode.NOT_AUTHENTICATED == code;
    }
}
