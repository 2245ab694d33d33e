package dev.switchboard.client;

import dev.switchboard.codec.SignedLogin;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.GroupChange;
import dev.switchboard.codec.sbe.GroupCreateDecoder;
import dev.switchboard.codec.sbe.GroupInfoRequestDecoder;
import dev.switchboard.codec.sbe.GroupLeaveDecoder;
import dev.switchboard.codec.sbe.GroupUpdateDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchDecoder;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.codec.sbe.LoginSignedDecoder;
import dev.switchboard.codec.sbe.LoginStartDecoder;
import dev.switchboard.codec.sbe.LogoutDecoder;
import dev.switchboard.codec.sbe.MediaTicketRequestDecoder;
import dev.switchboard.codec.sbe.PresenceState;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SendGroupDecoder;
import dev.switchboard.codec.sbe.TurnCredentialsRequestEncoder;
import dev.switchboard.codec.sbe.TypingState;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The client's I/O thread: owns the {@link ClientConnection} and every piece of protocol state. Other threads only
 * enqueue commands and sends; this thread connects, logs in, writes, reads, dispatches callbacks and reconnects with
 * exponential backoff.
 */
final class ClientConductor implements Runnable, ServerMessageHandler
{
    enum State
    {
        DISCONNECTED, CONNECTED, LOGGING_IN, LOGGED_IN, CLOSED
    }

    private static final int CONTROL_FRAME_RESERVE = 1024;
    private static final int MAX_SENDS_PER_CYCLE = 256;
    private static final long MAX_SELECT_MS = 1000;
    private static final int HEARTBEAT_TIMEOUT_MULTIPLE = 3;
    private static final int MAX_UNSENT_READ_MARKS = 1024;
    private static final long NO_REQUEST = Long.MIN_VALUE;
    /** A Goodbye's retry hint is honoured up to this; a larger one is a server bug, not a reason to stay away. */
    private static final long MAX_GOODBYE_RETRY_AFTER_MS = TimeUnit.MINUTES.toMillis(5);
    private static final long SERVER_CLOCK_UNKNOWN = Long.MIN_VALUE;

    private final ClientContext ctx;
    private final ClientStore store;
    private final ClientListener listener;
    private final NanoClock clock;
    private final EpochClock epochClock;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<PendingSend> outbox = new ConcurrentLinkedQueue<>();
    // No cached iterators: requests are iterated from several places and must not share one.
    private final Long2ObjectHashMap<Request> requests = new Long2ObjectHashMap<>(8, 0.65f, false);
    private final List<CompletableFuture<LoginInfo>> loginWaiters = new ArrayList<>();
    private final List<Long> loginDeadlinesNs = new ArrayList<>();
    private final ArrayDeque<long[]> unsentReadMarks = new ArrayDeque<>();
    // Users whose presence the application wants; the server forgets subscriptions with the connection.
    private final LongHashSet presenceSubscriptions = new LongHashSet();
    // The subscribe frame in flight per user, so its answer or refusal can be matched to the user.
    private final Long2LongHashMap subscribeRequestByUser = new Long2LongHashMap(NO_REQUEST);
    // Bundles gathered per KeyBundleFetch: the answer is one frame per device with no end marker.
    private final Long2ObjectHashMap<List<KeyBundle>> fetchedBundles = new Long2ObjectHashMap<>();
    private final FrameWriter frameWriter = new FrameWriter();
    private final SignedLogin signedLoginMessage = new SignedLogin();
    private final CallFrameWriter callFrameWriter = new CallFrameWriter();
    private final ServerMessageAdapter adapter = new ServerMessageAdapter(this);
    private final ClientConnection connection;
    private final HeldReceiptAcks heldReceiptAcks;
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private final RequestIds requestIds;

    private volatile boolean running = true;
    private AutoCloseable closeOnExit;
    private volatile State state = State.DISCONNECTED;
    private long connectionNumber;
    private boolean wantLogin;
    private long loginRequestId;
    private long loginStartedNs;
    /** When the login's last frame, LoginProof or LoginSigned, was written: its answer gives the round trip. */
    private long loginFrameSentNs;
    private boolean signedLoginInFlight;
    /** The server's clock less the epoch clock, as the last LoginAck told it; unknown before the first. */
    private long serverClockOffsetMs = SERVER_CLOCK_UNKNOWN;
    private long lastSignedLoginMs;
    private LoginInfo lastLoginInfo;
    private long backoffNs;
    private long nextConnectNs;
    private long lastReadNs;
    private long lastPingNs;
    private volatile long lastRttNs = -1;
    private volatile long duplicatesDropped;
    private volatile long listenerErrors;
    private volatile long reconnects;
    private volatile long goodbyes;
    /** The last Goodbye's retry hint, for the reconnect after the close it announced; 0 when none. */
    private long goodbyeRetryAfterNs;
    private volatile long internalErrors;
    private volatile long typingDropped;

    /**
     * Hands out request ids; shared with the API side, which builds requests before enqueueing them.
     */
    interface RequestIds
    {
        long next();
    }

    ClientConductor(final ClientContext ctx, final ClientStore store, final RequestIds requestIds) throws IOException
    {
        this(ctx, store, requestIds, ctx.listener());
    }

    ClientConductor(
        final ClientContext ctx, final ClientStore store, final RequestIds requestIds, final ClientListener listener)
        throws IOException
    {
        this.ctx = ctx;
        this.store = store;
        this.listener = listener;
        this.clock = ctx.nanoClock();
        this.epochClock = ctx.epochClock();
        this.requestIds = requestIds;
        this.selector = Selector.open();
        this.heldReceiptAcks = new HeldReceiptAcks(ctx.receiptAckDelayNs());
        this.connection = new ClientConnection(
            ctx.maxFrameLength(), adapter, clock, ctx.requestTimeoutNs(), ctx.sslContext());
        backoffNs = ctx.reconnectInitialBackoffNs();
    }

    void enqueue(final Runnable command)
    {
        commands.offer(command);
        selector.wakeup();
    }

    void enqueueSend(final PendingSend send)
    {
        outbox.offer(send);
        selector.wakeup();
    }

    State state()
    {
        return state;
    }

    long lastRttNs()
    {
        return lastRttNs;
    }

    long duplicatesDropped()
    {
        return duplicatesDropped;
    }

    long listenerErrors()
    {
        return listenerErrors;
    }

    long reconnects()
    {
        return reconnects;
    }

    long goodbyes()
    {
        return goodbyes;
    }

    long internalErrors()
    {
        return internalErrors;
    }

    long typingDropped()
    {
        return typingDropped;
    }

    long rejectedFrames()
    {
        return adapter.rejectedFrames();
    }

    void closeOnExit(final AutoCloseable resource)
    {
        closeOnExit = resource;
    }

    void stop()
    {
        running = false;
        selector.wakeup();
    }

    public void run()
    {
        try
        {
            while (running)
            {
                try
                {
                    doWork();
                }
                catch (final RuntimeException ex)
                {
                    // E.g. the store failing to delete a pending file: start over on a new connection rather
                    // than lose the I/O thread.
                    internalErrors++;
                    requestDisconnect();
                    handleDisconnectRequest();
                }
            }
        }
        catch (final Throwable ex)
        {
            failAll(ex);
            throw ex;
        }
        finally
        {
            // Commands that raced with close still run: their frames (read marks, say) get one last best-effort
            // flush, and their futures are failed below rather than left hanging.
            Runnable command;
            while (null != (command = commands.poll()))
            {
                try
                {
                    command.run();
                }
                catch (final RuntimeException ignore)
                {
                    internalErrors++;
                }
            }
            writeHeldReceiptAcks();
            connection.flush();
            connection.close(selector);
            state = State.CLOSED;
            failAll(new CancellationException("client closed"));
            CloseHelper.quietClose(selector);
            CloseHelper.quietClose(closeOnExit);
        }
    }

    private void doWork()
    {
        Runnable command;
        while (null != (command = commands.poll()))
        {
            command.run();
        }

        long nowNs = clock.nanoTime();
        if (!connection.isOpen() && needsConnection() && nextConnectNs - nowNs <= 0)
        {
            connect();
            nowNs = clock.nanoTime();
        }
        if (connection.isOpen())
        {
            if (State.LOGGED_IN == state)
            {
                drainOutbox();
            }
            heartbeat(nowNs);
            if (!heldReceiptAcks.isEmpty() && (connection.hasUnflushed() || heldReceiptAcks.isDue(nowNs)))
            {
                writeHeldReceiptAcks();
            }
            connection.flush();
        }
        checkTimeouts(nowNs);
        handleDisconnectRequest();

        try
        {
            selector.select(onSelected, selectTimeoutMs(clock.nanoTime()));
        }
        catch (final IOException ex)
        {
            requestDisconnect();
        }
        handleDisconnectRequest();
    }

    // ---- commands from the API side ----

    void submit(final Request request)
    {
        request.deadlineNs(clock.nanoTime() + ctx.requestTimeoutNs());
        requests.put(request.requestId(), request);
        if (connection.isOpen() && (!request.needsLogin() || State.LOGGED_IN == state))
        {
            writeRequest(request);
        }
    }

    void login(final CompletableFuture<LoginInfo> future)
    {
        if (!store.isRegistered())
        {
            future.completeExceptionally(new IllegalStateException("not registered: verify a phone number first"));
            return;
        }
        wantLogin = true;
        loginWaiters.add(future);
        loginDeadlinesNs.add(clock.nanoTime() + ctx.requestTimeoutNs());
        if (State.LOGGED_IN == state)
        {
            completeLogin(lastLoginInfo);
        }
        else if (State.CONNECTED == state)
        {
            startLogin();
        }
        else if (!connection.isOpen())
        {
            nextConnectNs = clock.nanoTime();
        }
    }

    void logout(final Request request)
    {
        wantLogin = false;
        failLoginWaiters(new CancellationException("logged out"));
        if (State.LOGGED_IN == state)
        {
            submit(request);
        }
        else
        {
            request.future().complete(null);
            if (connection.isOpen())
            {
                requestDisconnect();
            }
        }
    }

    void markRead(final long messageId, final long senderUserId, final int senderDeviceId)
    {
        if (State.LOGGED_IN == state && connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.readMark(
                connection.buffer(), connection.limit(), messageId, senderUserId, senderDeviceId));
        }
        else
        {
            // Read marks are advisory: while offline keep the latest ones, bounded, and send them after login.
            if (unsentReadMarks.size() >= MAX_UNSENT_READ_MARKS)
            {
                unsentReadMarks.poll();
            }
            unsentReadMarks.add(new long[]{ messageId, senderUserId, senderDeviceId });
        }
    }

    void subscribePresence(final Request request, final long userId)
    {
        presenceSubscriptions.add(userId);
        subscribeRequestByUser.put(userId, request.requestId());
        submit(request);
    }

    void unsubscribePresence(final Request request, final long userId)
    {
        presenceSubscriptions.remove(userId);
        if (State.LOGGED_IN == state)
        {
            submit(request);
        }
        else
        {
            // Nothing to undo on the server: the next login simply does not subscribe, and a subscribe still
            // waiting for that login is withdrawn.
            final Request pending = requests.get(subscribeRequestByUser.remove(userId));
            if (null != pending && !pending.written())
            {
                requests.remove(pending.requestId());
                pending.future().completeExceptionally(new CancellationException("unsubscribed before login"));
            }
            request.future().complete(null);
        }
    }

    void typing(final long toUserId, final int toDeviceId, final TypingState typingState)
    {
        // Typing notices are only meaningful now: never queued for a later connection.
        if (State.LOGGED_IN == state && connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(
                frameWriter.typing(connection.buffer(), connection.limit(), toUserId, toDeviceId, typingState));
        }
        else
        {
            typingDropped++;
        }
    }

    void groupTyping(final long groupId, final TypingState typingState)
    {
        if (State.LOGGED_IN == state && connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.groupTyping(connection.buffer(), connection.limit(), groupId, typingState));
        }
        else
        {
            typingDropped++;
        }
    }

    // ---- calls ----

    /**
     * Encodes one call frame with the conductor's {@link CallFrameWriter}.
     */
    @FunctionalInterface
    interface CallEncoding
    {
        int encode(CallFrameWriter writer, MutableDirectBuffer buffer, int offset);
    }

    CallFrameWriter callFrameWriter()
    {
        return callFrameWriter;
    }

    /**
     * Write a call frame now: signaling is live or useless, so it is never queued for a later connection. When not
     * logged in the call fails at once.
     */
    void callFrame(final long callId, final int maxFrameLength, final CallEncoding encoding)
    {
        if (State.LOGGED_IN == state && connection.reserve(maxFrameLength))
        {
            connection.commit(encoding.encode(callFrameWriter, connection.buffer(), connection.limit()));
        }
        else
        {
            notify(() -> listener.onCallEnded(callId, CallEndReason.FAILED));
        }
    }

    public void onCallIncoming(
        final long callId,
        final long timestampMs,
        final long fromUserId,
        final int fromDeviceId,
        final CallMedia media,
        final DirectBuffer sdp,
        final int offset,
        final int length)
    {
        final byte[] bytes = new byte[length];
        sdp.getBytes(offset, bytes);
        notify(() -> listener.onIncomingCall(callId, fromUserId, fromDeviceId, media, bytes));
    }

    public void onCallRinging(final long callId, final int devices)
    {
        notify(() -> listener.onCallRinging(callId, devices));
    }

    public void onCallAnswer(final long callId, final DirectBuffer sdp, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        sdp.getBytes(offset, bytes);
        notify(() -> listener.onCallAnswered(callId, bytes));
    }

    public void onCallIceCandidate(
        final long callId, final int sequence, final DirectBuffer candidate, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        candidate.getBytes(offset, bytes);
        notify(() -> listener.onCallIceCandidate(callId, sequence, bytes));
    }

    public void onCallHangup(final long callId, final CallEndReason reason)
    {
        notify(() -> listener.onCallEnded(callId, reason));
    }

    public void onMissedCall(final MissedCall call)
    {
        final long messageId = call.messageId();
        if (store.isSeen(messageId))
        {
            duplicatesDropped++;
        }
        else
        {
            notify(() -> listener.onMissedCall(call));
            store.markSeen(messageId);
        }
        writeDeliverAck(messageId);
    }

    @SuppressWarnings("unchecked")
    public void onTurnCredentials(final long requestId, final TurnCredentials credentials)
    {
        final Request request = requests.get(requestId);
        if (null != request && TurnCredentialsRequestEncoder.TEMPLATE_ID == request.templateId())
        {
            requests.remove(requestId);
            ((CompletableFuture<TurnCredentials>)request.future()).complete(credentials);
        }
    }

    // ---- connection ----

    private boolean needsConnection()
    {
        if (wantLogin)
        {
            return true;
        }
        for (final Request request : requests.values())
        {
            if (!request.needsLogin() && !request.written())
            {
                return true;
            }
        }
        return false;
    }

    private void connect()
    {
        try
        {
            final int connectTimeoutMs = (int)TimeUnit.NANOSECONDS.toMillis(ctx.connectTimeoutNs());
            connection.open(selector, new InetSocketAddress(ctx.host(), ctx.port()), connectTimeoutMs);
        }
        catch (final SSLHandshakeException ex)
        {
            // Not a passing fault (an untrusted certificate, a wrong host name, not a TLS port): what waits fails
            // with the reason, and later requests try again after the backoff.
            failAll(new SSLHandshakeException("TLS handshake with " + ctx.host() + ":" + ctx.port() + " failed: " +
                tlsReason(ex)));
            scheduleReconnect();
            return;
        }
        catch (final IOException | RuntimeException ex)
        {
            // Refused, timed out or an unresolvable host: all retried with backoff.
            scheduleReconnect();
            return;
        }

        connectionNumber++;
        state = State.CONNECTED;
        lastReadNs = clock.nanoTime();
        lastPingNs = lastReadNs;
        if (!wantLogin)
        {
            backoffNs = ctx.reconnectInitialBackoffNs();
        }
        notify(listener::onConnected);

        for (final Request request : requests.values())
        {
            if (!request.needsLogin() && !request.written())
            {
                writeRequest(request);
            }
        }
        if (wantLogin)
        {
            startLogin();
        }
    }

    private static String tlsReason(final SSLHandshakeException ex)
    {
        boolean untrusted = false;
        boolean mismatched = false;
        Throwable cause = ex;
        while (true)
        {
            untrusted |= cause instanceof java.security.cert.CertPathBuilderException ||
                cause instanceof java.security.cert.CertPathValidatorException;
            mismatched |= cause instanceof java.security.cert.CertificateException;
            if (null == cause.getCause() || cause.getCause() == cause)
            {
                break;
            }
            cause = cause.getCause();
        }
        final String detail = null == cause.getMessage() ? cause.getClass().getSimpleName() : cause.getMessage();
        if (untrusted)
        {
            return "the server's certificate is not trusted (" + detail + ")";
        }
        if (mismatched)
        {
            return "the server's certificate does not name this host (" + detail + ")";
        }
        return detail;
    }

    private void scheduleReconnect()
    {
        nextConnectNs = clock.nanoTime() + backoffNs;
        backoffNs = Math.min(backoffNs * 2, ctx.reconnectMaxBackoffNs());
    }

    private void requestDisconnect()
    {
        connection.fail();
    }

    private void handleDisconnectRequest()
    {
        if (connection.failed())
        {
            disconnect();
        }
    }

    private void disconnect()
    {
        if (!connection.isOpen())
        {
            return;
        }
        connection.close(selector);
        state = State.DISCONNECTED;
        reconnects++;
        heldReceiptAcks.clear(); // the server sends those receipts again after the next login
        fetchedBundles.clear();
        final IOException lost = new IOException("connection lost");
        for (final Iterator<Request> it = requests.values().iterator(); it.hasNext(); )
        {
            final Request request = it.next();
            if (request.written())
            {
                it.remove();
                request.future().completeExceptionally(lost);
            }
        }
        forgetStaleSubscribeRequests();
        if (goodbyeRetryAfterNs > 0)
        {
            // The server said when it will be back: wait that long, plus up to a quarter more so that every client
            // of a restarted server does not reconnect in the same instant; then retry from the initial backoff.
            final long jitterNs = ThreadLocalRandom.current().nextLong(goodbyeRetryAfterNs / 4 + 1);
            nextConnectNs = clock.nanoTime() + goodbyeRetryAfterNs + jitterNs;
            backoffNs = ctx.reconnectInitialBackoffNs();
            goodbyeRetryAfterNs = 0;
        }
        else
        {
            scheduleReconnect();
        }
        notify(listener::onDisconnected);
    }

    // ---- login ----

    private void startLogin()
    {
        final DeviceIdentity identity = store.identity();
        loginRequestId = requestIds.next();
        loginStartedNs = clock.nanoTime();
        loginFrameSentNs = loginStartedNs;
        state = State.LOGGING_IN;
        // Once a LoginAck has told the server's clock, one round trip will do instead of the challenge's two.
        signedLoginInFlight = ctx.signedLogin() && SERVER_CLOCK_UNKNOWN != serverClockOffsetMs;
        if (signedLoginInFlight)
        {
            writeLoginSigned(identity);
        }
        else if (connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.loginStart(
                connection.buffer(), connection.limit(), loginRequestId, identity.userId(), identity.deviceId()));
        }
    }

    private void writeLoginSigned(final DeviceIdentity identity)
    {
        // The server takes a device's signed logins only in increasing time: never repeat or go back, even when the
        // reckoning of its clock does.
        final long timestampMs = Math.max(epochClock.time() + serverClockOffsetMs, lastSignedLoginMs + 1);
        lastSignedLoginMs = timestampMs;
        final long userId = identity.userId();
        final int deviceId = identity.deviceId();
        final byte[] signature = identity.sign(signedLoginMessage.message(userId, deviceId, timestampMs));
        if (connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.loginSigned(
                connection.buffer(), connection.limit(), loginRequestId, userId, deviceId, timestampMs, signature));
            loginFrameSentNs = clock.nanoTime();
        }
    }

    public void onLoginChallenge(final long requestId, final DirectBuffer nonce, final int offset, final int length)
    {
        if (State.LOGGING_IN != state || requestId != loginRequestId || signedLoginInFlight)
        {
            return;
        }
        final byte[] nonceBytes = new byte[length];
        nonce.getBytes(offset, nonceBytes);
        final byte[] signature = store.identity().sign(nonceBytes);
        if (connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.loginProof(connection.buffer(), connection.limit(), requestId, signature));
            loginFrameSentNs = clock.nanoTime();
        }
    }

    public void onLoginAck(
        final long requestId, final long userId, final int deviceId, final long serverTimeMs, final long pendingCount)
    {
        if (State.LOGGING_IN != state || requestId != loginRequestId)
        {
            return;
        }
        state = State.LOGGED_IN;
        backoffNs = ctx.reconnectInitialBackoffNs();
        // The server stamped serverTimeMs about half the round trip ago.
        final long halfRoundTripMs = TimeUnit.NANOSECONDS.toMillis((clock.nanoTime() - loginFrameSentNs) / 2);
        serverClockOffsetMs = serverTimeMs + halfRoundTripMs - epochClock.time();
        final int pending = (int)Math.min(Integer.MAX_VALUE, pendingCount);
        lastLoginInfo = new LoginInfo(new DeviceAddress(userId, deviceId), serverTimeMs, pending);
        notify(() -> listener.onLoggedIn(pending));
        completeLogin(lastLoginInfo);

        resendPending();
        for (final Request request : requests.values())
        {
            if (!request.written())
            {
                writeRequest(request);
            }
        }
        resubscribePresence();
        while (!unsentReadMarks.isEmpty() && connection.reserve(CONTROL_FRAME_RESERVE))
        {
            final long[] mark = unsentReadMarks.poll();
            connection.commit(frameWriter.readMark(
                connection.buffer(), connection.limit(), mark[0], mark[1], (int)mark[2]));
        }
    }

    private void resubscribePresence()
    {
        for (final LongHashSet.LongIterator it = presenceSubscriptions.iterator(); it.hasNext(); )
        {
            final long userId = it.nextValue();
            if (requests.containsKey(subscribeRequestByUser.get(userId)))
            {
                // The application's own subscribe is in flight on this connection already.
                continue;
            }
            if (!connection.reserve(CONTROL_FRAME_RESERVE))
            {
                return;
            }
            final long requestId = requestIds.next();
            connection.commit(frameWriter.presenceSubscribe(connection.buffer(), connection.limit(), requestId, userId));
            subscribeRequestByUser.put(userId, requestId);
        }
    }

    private void forgetStaleSubscribeRequests()
    {
        for (final Long2LongHashMap.EntryIterator it = subscribeRequestByUser.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            if (!requests.containsKey(it.getLongValue()))
            {
                it.remove();
            }
        }
    }

    private long subscribedUserOf(final long requestId)
    {
        for (final Long2LongHashMap.EntryIterator it = subscribeRequestByUser.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            if (it.getLongValue() == requestId)
            {
                final long userId = it.getLongKey();
                it.remove();
                return userId;
            }
        }
        return NO_REQUEST;
    }

    private void completeLogin(final LoginInfo info)
    {
        final List<CompletableFuture<LoginInfo>> waiters = new ArrayList<>(loginWaiters);
        loginWaiters.clear();
        loginDeadlinesNs.clear();
        for (final CompletableFuture<LoginInfo> waiter : waiters)
        {
            waiter.complete(info);
        }
    }

    private void failLoginWaiters(final Throwable cause)
    {
        final List<CompletableFuture<LoginInfo>> waiters = new ArrayList<>(loginWaiters);
        loginWaiters.clear();
        loginDeadlinesNs.clear();
        for (final CompletableFuture<LoginInfo> waiter : waiters)
        {
            waiter.completeExceptionally(cause);
        }
    }

    // ---- sends ----

    private void resendPending()
    {
        for (final PendingSend send : store.pendingSends())
        {
            if (!writeSend(send))
            {
                return;
            }
        }
    }

    private void drainOutbox()
    {
        PendingSend send;
        int count = 0;
        while (count < MAX_SENDS_PER_CYCLE && null != (send = outbox.peek()))
        {
            if (null != store.pending(send.clientMsgId()) && !writeSend(send))
            {
                return;
            }
            outbox.poll();
            count++;
        }
    }

    private boolean writeSend(final PendingSend send)
    {
        if (send.sentOnConnection() == connectionNumber)
        {
            return true;
        }
        final byte[] payload = send.payload();
        if (!connection.reserve(FrameWriter.SEND_GROUP_FRAME_OVERHEAD + payload.length))
        {
            return false;
        }
        if (send.isGroupSend())
        {
            connection.commit(frameWriter.sendGroup(
                connection.buffer(),
                connection.limit(),
                send.clientMsgId(),
                send.groupId(),
                payload,
                0,
                payload.length));
        }
        else
        {
            connection.commit(frameWriter.send(
                connection.buffer(),
                connection.limit(),
                send.clientMsgId(),
                send.toUserId(),
                send.toDeviceId(),
                payload,
                0,
                payload.length));
        }
        send.sentOnConnection(connectionNumber);
        return true;
    }

    public void onSentAck(final long clientMsgId, final long messageId, final long timestampMs)
    {
        if (null != store.removePending(clientMsgId))
        {
            notify(() -> listener.onSent(clientMsgId, messageId, timestampMs));
        }
    }

    // ---- deliveries ----

    public void onDeliver(
        final long messageId,
        final long timestampMs,
        final long fromUserId,
        final int fromDeviceId,
        final long groupId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (store.isSeen(messageId))
        {
            duplicatesDropped++;
        }
        else
        {
            final byte[] bytes = new byte[length];
            payload.getBytes(offset, bytes);
            final IncomingMessage message =
                new IncomingMessage(messageId, fromUserId, fromDeviceId, groupId, timestampMs, bytes);
            notify(() -> listener.onMessage(message));
            store.markSeen(messageId);
        }
        writeDeliverAck(messageId);
    }

    public void onReceipt(
        final long messageId,
        final long originalMessageId,
        final long fromUserId,
        final int fromDeviceId,
        final ReceiptType receiptType,
        final long timestampMs)
    {
        if (store.isSeen(messageId))
        {
            duplicatesDropped++;
        }
        else
        {
            notify(() -> listener.onReceipt(originalMessageId, fromUserId, fromDeviceId, receiptType, timestampMs));
            store.markSeen(messageId);
        }
        if (heldReceiptAcks.hold(messageId, clock.nanoTime()))
        {
            writeHeldReceiptAcks();
        }
    }

    public void onGroupEvent(final GroupEvent event)
    {
        final long messageId = event.messageId();
        if (store.isSeen(messageId))
        {
            duplicatesDropped++;
        }
        else
        {
            applyGroupEvent(event);
            notify(() -> listener.onGroupEvent(event));
            store.markSeen(messageId);
        }
        writeDeliverAck(messageId);
    }

    // ---- linked devices ----

    @SuppressWarnings("unchecked")
    public void onLinkCode(final long requestId, final long codeTtlSeconds, final String code)
    {
        final Request request = requests.remove(requestId);
        if (null != request)
        {
            ((CompletableFuture<LinkCode>)request.future()).complete(new LinkCode(code, codeTtlSeconds));
        }
    }

    public void onLinkPending(final long requestId, final long waitSeconds, final byte[] fingerprint)
    {
        final Request request = requests.get(requestId);
        if (null != request)
        {
            // the primary's user has this long to approve: the request waits for it
            request.deadlineNs(
                clock.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds) + ctx.requestTimeoutNs());
        }
        final String text = LinkRequest.fingerprintText(fingerprint);
        notify(() -> listener.onLinkPending(text, waitSeconds));
    }

    public void onLinkRequest(final LinkRequest request)
    {
        notify(() -> listener.onLinkRequest(request));
    }

    @SuppressWarnings("unchecked")
    public void onDeviceList(final long requestId, final List<LinkedDevice> devices)
    {
        final Request request = requests.remove(requestId);
        if (null != request)
        {
            ((CompletableFuture<List<LinkedDevice>>)request.future()).complete(devices);
        }
    }

    public void onIdentityChanged(final long messageId, final long timestampMs, final long userId, final int deviceId)
    {
        if (store.isSeen(messageId))
        {
            duplicatesDropped++;
        }
        else
        {
            notify(() -> listener.onIdentityChanged(userId, deviceId, timestampMs));
            store.markSeen(messageId);
        }
        writeDeliverAck(messageId);
    }

    public void onGroupTypingUpdate(
        final long groupId, final long fromUserId, final int fromDeviceId, final TypingState typingState)
    {
        notify(() -> listener.onGroupTyping(groupId, fromUserId, fromDeviceId, typingState));
    }

    @SuppressWarnings("unchecked")
    public void onGroupInfo(final long requestId, final GroupInfo group)
    {
        final Request request = requests.get(requestId);
        if (null == request || !isGroupInfoAnswered(request.templateId()))
        {
            return;
        }
        requests.remove(requestId);
        final GroupInfo known = store.group(group.groupId());
        final GroupInfo latest;
        // Same version too: the server's whole copy replaces one pieced together from events.
        if (null == known || group.version() >= known.version())
        {
            latest = group;
            if (group.isMember(selfUserId()))
            {
                store.saveGroup(group);
            }
            else
            {
                store.removeGroup(group.groupId());
            }
        }
        else
        {
            // A group event newer than this answer was applied already.
            latest = known;
        }
        ((CompletableFuture<GroupInfo>)request.future()).complete(latest);
    }

    /**
     * Bring the stored copy of the group up to the event's version: apply the change if it follows the stored
     * version, ask the server for the whole group if events were missed or the group is new to this device, forget
     * it when this user has left or been removed.
     */
    private void applyGroupEvent(final GroupEvent event)
    {
        final long groupId = event.groupId();
        final long self = selfUserId();
        final GroupInfo known = store.group(groupId);
        if (null != known && event.version() <= known.version())
        {
            return;
        }
        final boolean selfNamed = event.memberUserIds().contains(self);
        if ((GroupChange.REMOVE_MEMBERS == event.change() || GroupChange.LEAVE == event.change()) && selfNamed)
        {
            store.removeGroup(groupId);
            return;
        }
        final GroupInfo base = null == known ? new GroupInfo(groupId, 0, event.name(), List.of()) : known;
        store.saveGroup(base.applied(event));
        if (GroupChange.CREATE != event.change() && (null == known || event.version() != known.version() + 1))
        {
            refreshGroup(groupId);
        }
    }

    private void refreshGroup(final long groupId)
    {
        submit(new Request(
            requestIds.next(),
            GroupInfoRequestDecoder.TEMPLATE_ID,
            true,
            (writer, buffer, offset, id) -> writer.groupInfoRequest(buffer, offset, id, groupId),
            new CompletableFuture<GroupInfo>(),
            (ignore1, ignore2) -> {},
            0).groupId(groupId));
    }

    private long selfUserId()
    {
        final DeviceIdentity identity = store.identity();
        return null == identity ? 0 : identity.userId();
    }

    private static boolean isGroupInfoAnswered(final int templateId)
    {
        return GroupCreateDecoder.TEMPLATE_ID == templateId || GroupUpdateDecoder.TEMPLATE_ID == templateId ||
            GroupInfoRequestDecoder.TEMPLATE_ID == templateId;
    }

    private void writeHeldReceiptAcks()
    {
        if (connection.isOpen())
        {
            for (int i = 0, count = heldReceiptAcks.count(); i < count; i++)
            {
                writeDeliverAck(heldReceiptAcks.messageId(i));
            }
        }
        heldReceiptAcks.clear();
    }

    private void writeDeliverAck(final long messageId)
    {
        if (connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.deliverAck(connection.buffer(), connection.limit(), messageId));
        }
    }

    // ---- requests, errors, heartbeats ----

    private void writeRequest(final Request request)
    {
        if (connection.reserve(Math.max(CONTROL_FRAME_RESERVE, request.maxFrameLength())))
        {
            connection.commit(
                request.encoding().encode(frameWriter, connection.buffer(), connection.limit(), request.requestId()));
            request.written(true);
        }
    }

    public void onRegisterAck(final long requestId, final long codeTtlSeconds)
    {
        answer(requestId, codeTtlSeconds, 0);
    }

    public void onVerifyAck(final long requestId, final long userId, final int deviceId)
    {
        answer(requestId, userId, deviceId);
    }

    public void onRequestAck(final long requestId, final int templateId)
    {
        if (PresenceSubscribeDecoder.TEMPLATE_ID == templateId)
        {
            subscribedUserOf(requestId);
        }
        if (GroupLeaveDecoder.TEMPLATE_ID == templateId)
        {
            final Request request = requests.get(requestId);
            if (null != request && GroupLeaveDecoder.TEMPLATE_ID == request.templateId())
            {
                store.removeGroup(request.groupId());
            }
        }
        answer(requestId, templateId, 0);
        if (LogoutDecoder.TEMPLATE_ID == templateId)
        {
            requestDisconnect();
        }
    }

    private void answer(final long requestId, final long value1, final long value2)
    {
        final Request request = requests.remove(requestId);
        if (null != request)
        {
            try
            {
                request.onResult(value1, value2);
            }
            catch (final RuntimeException ex)
            {
                request.future().completeExceptionally(ex);
            }
        }
    }

    public void onError(final long requestId, final int templateId, final ErrorCode code, final String detail)
    {
        if ((LoginStartDecoder.TEMPLATE_ID == templateId || LoginProofDecoder.TEMPLATE_ID == templateId ||
            LoginSignedDecoder.TEMPLATE_ID == templateId) && requestId == loginRequestId)
        {
            onLoginError(requestId, templateId, code, detail);
            return;
        }
        if (LoginSignedDecoder.TEMPLATE_ID == templateId && 0 == requestId && isSignedLoginUnderWay())
        {
            // A server that predates LoginSigned refuses the template before it can read the request id.
            onLoginError(loginRequestId, templateId, code, detail);
            return;
        }
        if (SendDecoder.TEMPLATE_ID == templateId || SendGroupDecoder.TEMPLATE_ID == templateId)
        {
            if (!isRetryable(code))
            {
                store.removePending(requestId);
            }
            notify(() -> listener.onError(code, requestId, templateId, detail));
            return;
        }
        if (PresenceSubscribeDecoder.TEMPLATE_ID == templateId)
        {
            final long userId = subscribedUserOf(requestId);
            if (NO_REQUEST != userId && ErrorCode.UNKNOWN_USER == code)
            {
                // No such user: asking again after every reconnect would only be refused again.
                presenceSubscriptions.remove(userId);
            }
        }
        fetchedBundles.remove(requestId);
        final Request request = requests.remove(requestId);
        if (null != request)
        {
            if (0 != request.groupId() && (ErrorCode.UNKNOWN_GROUP == code || ErrorCode.NOT_GROUP_MEMBER == code))
            {
                // The server says this user is not in the group: stop showing it as one of theirs.
                store.removeGroup(request.groupId());
            }
            request.future().completeExceptionally(new SwitchboardException(code, requestId, templateId, detail));
        }
        else
        {
            notify(() -> listener.onError(code, requestId, templateId, detail));
        }
    }

    private void onLoginError(final long requestId, final int templateId, final ErrorCode code, final String detail)
    {
        if (LoginSignedDecoder.TEMPLATE_ID == templateId && isSignedLoginUnderWay() &&
            (ErrorCode.LOGIN_FAILED == code || ErrorCode.UNKNOWN_TEMPLATE == code))
        {
            // Perhaps only this device's reckoning of the server's clock is off, or the server does not know
            // LoginSigned: take the challenge on this connection, whose LoginAck tells the clock afresh. The login's
            // waiters wait on; a failed challenge fails them.
            serverClockOffsetMs = SERVER_CLOCK_UNKNOWN;
            startLogin();
            return;
        }
        final SwitchboardException error = new SwitchboardException(code, requestId, templateId, detail);
        if (loginWaiters.isEmpty())
        {
            notify(() -> listener.onError(code, requestId, templateId, detail));
        }
        failLoginWaiters(error);
        if (ErrorCode.LOGIN_FAILED == code || ErrorCode.UNKNOWN_USER == code || ErrorCode.UNKNOWN_DEVICE == code)
        {
            // The key or device is not accepted: retrying would fail the same way.
            wantLogin = false;
            state = State.CONNECTED;
        }
        else
        {
            requestDisconnect();
        }
    }

    private boolean isSignedLoginUnderWay()
    {
        return State.LOGGING_IN == state && signedLoginInFlight;
    }

    private static boolean isRetryable(final ErrorCode code)
    {
        return ErrorCode.SERVER_BUSY == code || ErrorCode.RATE_LIMITED == code || ErrorCode.INTERNAL_ERROR == code ||
            ErrorCode.NOT_AUTHENTICATED == code;
    }

    public void onPresenceUpdate(final long userId, final PresenceState presenceState, final long lastSeenMs)
    {
        final long requestId = subscribeRequestByUser.remove(userId);
        if (NO_REQUEST != requestId)
        {
            answer(requestId, PresenceSubscribeDecoder.TEMPLATE_ID, 0);
        }
        notify(() -> listener.onPresence(userId, presenceState, lastSeenMs));
    }

    public void onTypingUpdate(final long fromUserId, final int fromDeviceId, final TypingState typingState)
    {
        notify(() -> listener.onTyping(fromUserId, fromDeviceId, typingState));
    }

    @SuppressWarnings("unchecked")
    public void onContactLookupResult(final long requestId, final long[] userIds, final String[] phones)
    {
        final Request request = requests.get(requestId);
        if (null == request || ContactLookupDecoder.TEMPLATE_ID != request.templateId())
        {
            return;
        }
        requests.remove(requestId);
        final Map<String, Long> contacts = new LinkedHashMap<>();
        for (int i = 0; i < userIds.length; i++)
        {
            contacts.put(phones[i], userIds[i]);
        }
        ((CompletableFuture<Map<String, Long>>)request.future()).complete(contacts);
    }

    @SuppressWarnings("unchecked")
    public void onMediaTicket(
        final long requestId, final long maxBytes, final long expiresAtMs, final int mediaPort, final byte[] ticket)
    {
        final Request request = requests.get(requestId);
        if (null == request || MediaTicketRequestDecoder.TEMPLATE_ID != request.templateId())
        {
            return;
        }
        requests.remove(requestId);
        ((CompletableFuture<MediaTicket>)request.future()).complete(
            new MediaTicket(maxBytes, expiresAtMs, ctx.host(), mediaPort, ticket));
    }

    public void onKeyBundle(final long requestId, final KeyBundle bundle)
    {
        final Request request = requests.get(requestId);
        if (null == request || KeyBundleFetchDecoder.TEMPLATE_ID != request.templateId())
        {
            return;
        }
        fetchedBundles.computeIfAbsent(requestId, (ignore) -> new ArrayList<>()).add(bundle);
    }

    public void onPreKeyStock(final long preKeyCount)
    {
        notify(() -> listener.onPreKeyStock((int)Math.min(Integer.MAX_VALUE, preKeyCount)));
    }

    /**
     * The server writes a fetch's bundles back to back: once a read ends on a frame boundary they have all come.
     */
    @SuppressWarnings("unchecked")
    private void completeFetches()
    {
        for (final Iterator<Map.Entry<Long, List<KeyBundle>>> it = fetchedBundles.entrySet().iterator(); it.hasNext(); )
        {
            final Map.Entry<Long, List<KeyBundle>> entry = it.next();
            final List<KeyBundle> bundles = List.copyOf(entry.getValue());
            it.remove();
            final Request request = requests.remove(entry.getKey().longValue());
            if (null != request)
            {
                ((CompletableFuture<List<KeyBundle>>)request.future()).complete(bundles);
            }
        }
    }

    public void onPing(final long timestampNs)
    {
        if (connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.pong(connection.buffer(), connection.limit(), timestampNs));
        }
    }

    public void onPong(final long timestampNs)
    {
        lastRttNs = clock.nanoTime() - timestampNs;
    }

    public void onGoodbye(final long retryAfterMs)
    {
        goodbyes++;
        goodbyeRetryAfterNs = TimeUnit.MILLISECONDS.toNanos(
            Math.max(1, Math.min(retryAfterMs, MAX_GOODBYE_RETRY_AFTER_MS)));
        requestDisconnect();
    }

    private void heartbeat(final long nowNs)
    {
        final long heartbeatNs = ctx.heartbeatIntervalNs();
        if (nowNs - lastReadNs >= HEARTBEAT_TIMEOUT_MULTIPLE * heartbeatNs)
        {
            // Nothing, not even a Pong, for several intervals: the connection is half-open.
            requestDisconnect();
        }
        else if (nowNs - lastReadNs >= heartbeatNs && nowNs - lastPingNs >= heartbeatNs &&
            connection.reserve(CONTROL_FRAME_RESERVE))
        {
            connection.commit(frameWriter.ping(connection.buffer(), connection.limit(), nowNs));
            lastPingNs = nowNs;
        }
    }

    private void checkTimeouts(final long nowNs)
    {
        if (State.LOGGING_IN == state && nowNs - loginStartedNs >= ctx.requestTimeoutNs())
        {
            // A login the server never answers: start over on a fresh connection.
            requestDisconnect();
        }
        for (final Iterator<Request> it = requests.values().iterator(); it.hasNext(); )
        {
            final Request request = it.next();
            if (request.deadlineNs() - nowNs <= 0)
            {
                it.remove();
                request.future().completeExceptionally(
                    new TimeoutException("no answer to template " + request.templateId()));
            }
        }
        for (int i = loginDeadlinesNs.size() - 1; i >= 0; i--)
        {
            if (loginDeadlinesNs.get(i) - nowNs <= 0)
            {
                loginDeadlinesNs.remove(i);
                loginWaiters.remove(i).completeExceptionally(new TimeoutException("login not answered in time"));
            }
        }
    }

    private long selectTimeoutMs(final long nowNs)
    {
        long deadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(MAX_SELECT_MS);
        if (!connection.isOpen())
        {
            if (needsConnection())
            {
                deadlineNs = earliest(deadlineNs, nextConnectNs);
            }
        }
        else
        {
            deadlineNs = earliest(deadlineNs, Math.max(lastReadNs, lastPingNs) + ctx.heartbeatIntervalNs());
            if (connection.hasUnflushed() || !outbox.isEmpty() && State.LOGGED_IN == state)
            {
                deadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(1);
            }
            if (!heldReceiptAcks.isEmpty())
            {
                deadlineNs = earliest(deadlineNs, heldReceiptAcks.dueNs());
            }
        }
        for (final Request request : requests.values())
        {
            deadlineNs = earliest(deadlineNs, request.deadlineNs());
        }
        for (final Long loginDeadlineNs : loginDeadlinesNs)
        {
            deadlineNs = earliest(deadlineNs, loginDeadlineNs);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - nowNs + TimeUnit.MILLISECONDS.toNanos(1) - 1));
    }

    private static long earliest(final long a, final long b)
    {
        return b - a < 0 ? b : a;
    }

    // ---- socket I/O ----

    private void onSelected(final SelectionKey key)
    {
        if (!key.isValid() || !connection.isOpen())
        {
            return;
        }
        if (key.isReadable() && connection.read() > 0)
        {
            lastReadNs = clock.nanoTime();
            if (!fetchedBundles.isEmpty() && !connection.hasPartialFrame())
            {
                completeFetches();
            }
        }
        if (key.isValid() && key.isWritable())
        {
            connection.flush();
        }
    }

    private void notify(final Runnable callback)
    {
        try
        {
            callback.run();
        }
        catch (final RuntimeException ex)
        {
            // A listener must not kill the I/O thread; the message is still acknowledged as handed over.
            listenerErrors++;
        }
    }

    private void failAll(final Throwable cause)
    {
        for (final Request request : requests.values())
        {
            request.future().completeExceptionally(cause);
        }
        requests.clear();
        failLoginWaiters(cause);
    }
}
