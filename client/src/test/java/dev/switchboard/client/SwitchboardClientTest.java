package dev.switchboard.client;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.RegisterDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.VerifyDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SwitchboardClientTest
{
    private static final String PHONE = "+15550001234";
    private static final long TIMEOUT_S = 10;

    @TempDir
    File storeDir;

    private FakeServer server;
    private RecordingListener listener;
    private final List<SwitchboardClient> clients = new ArrayList<>();

    @BeforeEach
    void before() throws IOException
    {
        server = new FakeServer();
        listener = new RecordingListener();
    }

    @AfterEach
    void after() throws IOException
    {
        clients.forEach(CloseHelper::quietClose);
        server.close();
    }

    @Test
    void shouldRegisterVerifyAndLogin() throws Exception
    {
        final SwitchboardClient client = open(context());
        assertFalse(client.isRegistered());
        assertNull(client.self());

        assertEquals(FakeServer.CODE_TTL_SECONDS, get(client.requestCode(PHONE)));
        final DeviceAddress device = get(client.verify(PHONE, FakeServer.CODE));
        assertEquals(new DeviceAddress(FakeServer.FIRST_USER_ID, 1), device);
        assertTrue(client.isRegistered());
        assertEquals(device, client.self());
        assertTrue(new File(storeDir, ClientStore.IDENTITY_FILE).isFile());

        final LoginInfo info = get(client.login());
        assertEquals(device, info.device());
        assertTrue(client.isLoggedIn());
        assertEquals(1, server.logins());
        assertEquals(1, listener.loggedIn.get());
    }

    @Test
    void shouldKeepIdentityAcrossRestartAndLogInWithStoredKey() throws Exception
    {
        final SwitchboardClient first = registeredClient();
        final DeviceAddress device = first.self();
        first.close();

        final SwitchboardClient second = open(context());
        assertTrue(second.isRegistered());
        assertEquals(device, second.self());
        assertEquals(device, get(second.login()).device());
    }

    @Test
    void shouldReportSentAckThroughOnSentAndClearPending() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        final byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);

        final long clientMsgId = client.send(2000, 0, payload);

        final FakeServer.ReceivedSend received = server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(received);
        assertEquals(clientMsgId, received.clientMsgId());
        assertEquals(2000, received.toUserId());
        assertEquals(0, received.toDeviceId());
        assertArrayEquals(payload, received.payload());
        final RecordingListener.Sent sent = listener.sent.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(sent);
        assertEquals(clientMsgId, sent.clientMsgId());
        assertTrue(sent.messageId() > 0);
        assertEquals(0, client.pendingSendCount());
        assertEquals(0, pendingFiles().length);
    }

    @Test
    void shouldResendPendingSendsAfterRestartWithSameClientMsgIdInOrder() throws Exception
    {
        server.ackSends(false);
        final SwitchboardClient first = loggedInClient();
        final long[] ids = new long[3];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = first.send(2000, 1, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < ids.length; i++)
        {
            assertEquals(ids[i], server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        }
        first.close();
        assertEquals(3, pendingFiles().length);

        server.ackSends(true);
        final RecordingListener secondListener = new RecordingListener();
        final SwitchboardClient second = open(context().listener(secondListener));
        assertEquals(3, second.pendingSendCount());
        get(second.login());

        for (int i = 0; i < ids.length; i++)
        {
            final FakeServer.ReceivedSend resent = server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(ids[i], resent.clientMsgId());
            assertEquals("m" + i, new String(resent.payload(), StandardCharsets.UTF_8));
            assertEquals(2, resent.connection());
        }
        for (final long id : ids)
        {
            assertEquals(id, secondListener.sent.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        }
        assertEquals(0, second.pendingSendCount());
        assertEquals(0, pendingFiles().length);
        assertTrue(second.send(2000, 1, new byte[1]) > ids[2], "client message ids are never reused");
    }

    @Test
    void shouldReconnectWithBackoffLogInAgainAndResendUnacknowledged() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        server.ackSends(false);
        final long clientMsgId = client.send(2000, 1, new byte[]{ 1, 2, 3 });
        assertEquals(clientMsgId, server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        server.ackSends(true);

        server.dropConnection();

        await(() -> 2 == server.logins());
        await(() -> 2 == listener.loggedIn.get());
        assertTrue(client.isLoggedIn());
        assertEquals(1, listener.disconnected.get());
        final FakeServer.ReceivedSend resent = server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(clientMsgId, resent.clientMsgId());
        assertEquals(2, resent.connection());
        assertEquals(clientMsgId, listener.sent.poll(TIMEOUT_S, TimeUnit.SECONDS).clientMsgId());
        assertEquals(1, client.disconnects());
    }

    @Test
    void shouldRetryConnectingWithBackoffUntilTheServerIsBack() throws Exception
    {
        final SwitchboardClient first = registeredClient();
        first.close();
        final int port = server.port();
        server.close();

        final SwitchboardClient client = open(context().port(port).requestTimeout(20, TimeUnit.SECONDS));
        final CompletableFuture<LoginInfo> login = client.login();
        Thread.sleep(300);
        assertFalse(login.isDone());

        server = FakeServer.onPort(port, server);
        assertNotNull(login.get(TIMEOUT_S, TimeUnit.SECONDS));
        assertTrue(client.isLoggedIn());
    }

    @Test
    void shouldBackOffExponentiallyWhileTheServerDropsEveryConnection() throws Exception
    {
        registeredClient().close();
        server.closeOnAccept(true);
        final int before = server.connections();

        final SwitchboardClient client = open(context()
            .reconnectInitialBackoff(50, TimeUnit.MILLISECONDS)
            .reconnectMaxBackoff(400, TimeUnit.MILLISECONDS));
        client.login();
        Thread.sleep(1_000);

        // 50, 100, 200, 400, 400 ms apart: about 5 attempts a second, where no backoff would make hundreds.
        final int attempts = server.connections() - before;
        assertTrue(attempts >= 2 && attempts <= 8, "attempts " + attempts);
        assertFalse(client.isLoggedIn());

        server.closeOnAccept(false);
        await(client::isLoggedIn);
    }

    @Test
    void shouldCloseFromACallback() throws Exception
    {
        final CompletableFuture<Void> closedInCallback = new CompletableFuture<>();
        final SwitchboardClient[] holder = new SwitchboardClient[1];
        final ClientListener closingListener = new ClientListener()
        {
            public void onMessage(final IncomingMessage message)
            {
                holder[0].close();
                closedInCallback.complete(null);
            }
        };
        holder[0] = loggedInClient(context().listener(closingListener));

        server.deliver(1, 2, 3, new byte[0]);

        closedInCallback.get(TIMEOUT_S, TimeUnit.SECONDS);
        await(() -> !holder[0].isConnected());
        assertThrows(IllegalStateException.class, () -> holder[0].send(1, 1, new byte[0]));
    }

    @Test
    void shouldHandDuplicateDeliverOnceButAckItEveryTime() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        final byte[] payload = { 9, 8, 7 };

        server.deliver(77, 3000, 2, payload);
        server.deliver(77, 3000, 2, payload);

        assertEquals(77L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(77L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        final IncomingMessage message = listener.messages.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(77, message.messageId());
        assertEquals(3000, message.fromUserId());
        assertEquals(2, message.fromDeviceId());
        assertEquals(0, message.groupId());
        assertArrayEquals(payload, message.payload());
        assertNull(listener.messages.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(1, client.duplicatesDropped());

        client.close();
        final RecordingListener secondListener = new RecordingListener();
        final SwitchboardClient second = open(context().listener(secondListener));
        get(second.login());
        server.deliver(77, 3000, 2, payload);
        server.deliver(78, 3000, 2, payload);
        assertEquals(77L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(78L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(78, secondListener.messages.poll(TIMEOUT_S, TimeUnit.SECONDS).messageId());
        assertTrue(secondListener.messages.isEmpty(), "seen ids survive a restart");
    }

    @Test
    void shouldCallBackReceiptThenAckIt() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        server.receipt(88, 5, 2000, ReceiptType.READ);
        server.receipt(88, 5, 2000, ReceiptType.READ);

        final RecordingListener.Receipt receipt = listener.receipts.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(new RecordingListener.Receipt(5, 2000, 1, ReceiptType.READ, 42), receipt);
        assertEquals(88L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(88L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertNull(listener.receipts.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(1, client.duplicatesDropped());
    }

    @Test
    void shouldHoldAReceiptsAckUntilAnotherFrameGoes() throws Exception
    {
        loggedInClient(context().receiptAckDelay(1, TimeUnit.HOURS));

        server.receipt(88, 5, 2000, ReceiptType.DELIVERED);
        assertNotNull(listener.receipts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertNull(server.deliverAcks.poll(300, TimeUnit.MILLISECONDS), "held, nothing else went");

        server.deliver(77, 3000, 2, new byte[] { 1 });
        assertEquals(77L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(88L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS), "rode with the message's ack");
    }

    @Test
    void shouldSendHeldReceiptAcksWhenSixteenWait() throws Exception
    {
        loggedInClient(context().receiptAckDelay(1, TimeUnit.HOURS));

        for (int i = 0; i < HeldReceiptAcks.CAPACITY - 1; i++)
        {
            server.receipt(100 + i, 5, 2000, ReceiptType.DELIVERED);
        }
        for (int i = 0; i < HeldReceiptAcks.CAPACITY - 1; i++)
        {
            assertNotNull(listener.receipts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        }
        assertNull(server.deliverAcks.poll(300, TimeUnit.MILLISECONDS));

        server.receipt(200, 5, 2000, ReceiptType.DELIVERED);
        for (int i = 0; i < HeldReceiptAcks.CAPACITY - 1; i++)
        {
            assertEquals(100L + i, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        }
        assertEquals(200L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldSendAHeldReceiptAckOnItsOwnOnceItHasWaitedTheDelay() throws Exception
    {
        loggedInClient(context().receiptAckDelay(50, TimeUnit.MILLISECONDS));

        final long receivedNs = System.nanoTime();
        server.receipt(88, 5, 2000, ReceiptType.DELIVERED);
        assertEquals(88L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - receivedNs >= TimeUnit.MILLISECONDS.toNanos(50), "not before the delay");
    }

    @Test
    void shouldSendEachReceiptAckAtOnceWithNoDelay() throws Exception
    {
        loggedInClient(context().receiptAckDelay(0, TimeUnit.MILLISECONDS));

        server.receipt(88, 5, 2000, ReceiptType.DELIVERED);
        assertEquals(88L, server.deliverAcks.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldFailFutureWithTheServersError() throws Exception
    {
        final SwitchboardClient client = open(context());

        final SwitchboardException badPhone = failure(client.requestCode("5550001"));
        assertEquals(ErrorCode.INVALID_PHONE, badPhone.code());
        assertEquals(RegisterDecoder.TEMPLATE_ID, badPhone.templateId());

        final SwitchboardException badCode = failure(client.verify(PHONE, "000000"));
        assertEquals(ErrorCode.CODE_INVALID, badCode.code());
        assertEquals(VerifyDecoder.TEMPLATE_ID, badCode.templateId());
        assertFalse(client.isRegistered());
        assertTrue(listener.errors.isEmpty(), "an error with a waiting future is not also reported");
    }

    @Test
    void shouldReportErrorForRefusedSendAndDropIt() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        server.ackSends(false);
        final long clientMsgId = client.send(9999, 0, new byte[]{ 1 });
        server.sends.poll(TIMEOUT_S, TimeUnit.SECONDS);

        server.error(clientMsgId, SendDecoder.TEMPLATE_ID, ErrorCode.UNKNOWN_USER, "no such user");

        final RecordingListener.Error error = listener.errors.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(new RecordingListener.Error(
            ErrorCode.UNKNOWN_USER, clientMsgId, SendDecoder.TEMPLATE_ID, "no such user"), error);
        await(() -> 0 == client.pendingSendCount());
    }

    @Test
    void shouldFailLoginWhenNotRegistered()
    {
        final SwitchboardClient client = open(context());
        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> client.login().get(TIMEOUT_S, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, ex.getCause());
        assertEquals(0, server.connections());
    }

    @Test
    void shouldAnswerPingWithPong() throws Exception
    {
        loggedInClient();

        server.ping(123_456_789L);

        assertEquals(123_456_789L, server.pongs.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldPingWhenIdleAndMeasureRoundTrip() throws Exception
    {
        final SwitchboardClient client = loggedInClient(context().heartbeatInterval(100, TimeUnit.MILLISECONDS));

        assertNotNull(server.pings.poll(TIMEOUT_S, TimeUnit.SECONDS));
        await(() -> client.lastRttNs() >= 0);
        assertEquals(0, client.disconnects());
    }

    @Test
    void shouldDropASilentConnectionAndReconnect() throws Exception
    {
        server.answerPings(false);
        final SwitchboardClient client = loggedInClient(context().heartbeatInterval(100, TimeUnit.MILLISECONDS));

        await(() -> server.logins() >= 2);
        assertTrue(client.disconnects() >= 1);
    }

    @Test
    void shouldSendReadMark() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        client.markRead(77, 3000, 2);

        assertArrayEquals(new long[]{ 77, 3000, 2 }, server.readMarks.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldLogOutAndStopReconnecting() throws Exception
    {
        final SwitchboardClient client = loggedInClient();

        get(client.logout());

        assertEquals(1, server.logouts.poll(TIMEOUT_S, TimeUnit.SECONDS));
        await(() -> !client.isConnected());
        Thread.sleep(300);
        assertEquals(1, server.connections());
        assertFalse(client.isLoggedIn());
    }

    @Test
    void shouldCountMalformedFrameAndKeepTheConnection() throws Exception
    {
        final SwitchboardClient client = loggedInClient();
        // A Deliver whose payload length runs past the end of its frame.
        final byte[] frame = new byte[6 + 8 + 34 + 2];
        frame[3] = (byte)frame.length;
        frame[4] = 0x5B;
        frame[5] = (byte)0xE0;
        frame[6] = 34;
        frame[8] = 13;
        frame[10] = (byte)(4201 & 0xFF);
        frame[11] = (byte)(4201 >> 8);
        frame[12] = 1;
        frame[48] = 100;
        server.writeRaw(frame);
        server.ping(5);

        assertEquals(5L, server.pongs.poll(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(1, client.rejectedFrames());
        assertTrue(listener.messages.isEmpty());
        assertTrue(client.isLoggedIn());
    }

    @Test
    void shouldRejectPayloadLargerThanAFrame()
    {
        final SwitchboardClient client = open(context().maxFrameLength(1024));

        assertThrows(IllegalArgumentException.class, () -> client.send(1, 1, new byte[2000]));
        assertEquals(0, client.pendingSendCount());
    }

    private ClientContext context()
    {
        return ClientFixture.context(server.port(), storeDir, listener);
    }

    private SwitchboardClient open(final ClientContext ctx)
    {
        final SwitchboardClient client = SwitchboardClient.open(ctx);
        clients.add(client);
        return client;
    }

    private SwitchboardClient registeredClient() throws Exception
    {
        final SwitchboardClient client = open(context());
        get(client.requestCode(PHONE));
        get(client.verify(PHONE, FakeServer.CODE));
        return client;
    }

    private SwitchboardClient loggedInClient() throws Exception
    {
        return loggedInClient(context());
    }

    private SwitchboardClient loggedInClient(final ClientContext ctx) throws Exception
    {
        final SwitchboardClient client = open(ctx);
        get(client.requestCode(PHONE));
        get(client.verify(PHONE, FakeServer.CODE));
        get(client.login());
        return client;
    }

    private File[] pendingFiles()
    {
        final File[] files = new File(storeDir, ClientStore.PENDING_DIR).listFiles(
            (dir, name) -> name.endsWith(ClientStore.PENDING_SUFFIX));
        return null == files ? new File[0] : files;
    }

    private static <T> T get(final CompletableFuture<T> future) throws Exception
    {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static SwitchboardException failure(final CompletableFuture<?> future)
    {
        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> future.get(TIMEOUT_S, TimeUnit.SECONDS));
        return assertInstanceOf(SwitchboardException.class, ex.getCause());
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(5);
        }
    }
}
