package dev.switchboard.server;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.PushPlatform;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages and receipts journaled for an offline device with a push token make one push per burst to the FCM-style
 * gateway, carrying no content; online devices get none; a refused attempt is retried.
 */
@Timeout(120)
class PushNotificationSystemTest
{
    private static final long MIN_INTERVAL_MS = 1_500;

    @TempDir
    File dataDir;

    private TestServer server;
    private HttpServer receiver;
    private CountersFile counters;
    /** Bodies answered 200, in arrival order; and every request, answered or refused. */
    private final List<String> accepted = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(counters, server);
        if (null != receiver)
        {
            receiver.stop(0);
        }
    }

    @Test
    void shouldPushOncePerBurstToOfflineDevicesOnlyWithoutContent() throws Exception
    {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/push", exchange ->
        {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // The very first attempt is refused as by an overloaded service: the gateway must retry it.
            final int status = 1 == requests.incrementAndGet() ? 503 : 200;
            if (200 == status)
            {
                synchronized (accepted)
                {
                    accepted.add(body);
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        server = TestServer.launch(dataDir,
            "switchboard.push.url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/push",
            "switchboard.push.coalesce=300ms",
            "switchboard.push.min.interval=" + MIN_INTERVAL_MS + "ms",
            "switchboard.push.backoff=50ms");
        final TestConnection alice = server.device("+15551300001");
        final TestConnection bob = server.device("+15551300002");
        final TestConnection carol = server.device("+15551300003");
        for (final Object[] device : new Object[][]{ { alice, "alice-token" }, { bob, "bob-token" },
            { carol, "carol-token" } })
        {
            ((TestConnection)device[0]).pushToken(PushPlatform.FCM, (String)device[1]);
            ((TestConnection)device[0]).expect(RequestAckDecoder.TEMPLATE_ID);
        }
        carol.close();
        counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME));
        awaitOffline(1);

        final int burst = 5;
        final long[] toBob = new long[burst];
        for (int i = 0; i < burst; i++)
        {
            alice.send(100 + i, carol.userId, 0, ("secret to carol " + i).getBytes(StandardCharsets.UTF_8));
            alice.expect(SentAckDecoder.TEMPLATE_ID);
            alice.send(200 + i, bob.userId, 0, ("secret to bob " + i).getBytes(StandardCharsets.UTF_8));
            alice.expect(SentAckDecoder.TEMPLATE_ID);
            toBob[i] = bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId();
        }

        awaitAccepted(1);
        Thread.sleep(MIN_INTERVAL_MS);
        assertEquals(List.of(FcmPushGateway.body("carol-token")), accepted(), "one push for carol's burst, none to bob");
        assertEquals(2, requests.get(), "the refused attempt was retried");
        assertFalse(accepted().get(0).contains("secret"), "no content in a push");
        assertEquals(burst, counters.value("push: requested", -1), "one request per copy for offline carol");
        assertEquals(burst - 1, counters.value("push: coalesced", -1));
        assertEquals(1, counters.value("push: sent", -1));
        assertEquals(0, counters.value("push: dropped", -1));

        // A DELIVERED receipt journaled for alice once she is offline wakes her device too.
        alice.close();
        awaitOffline(2);
        bob.ack(toBob[0]);
        awaitAccepted(2);
        assertEquals(FcmPushGateway.body("alice-token"), accepted().get(1));

        // Past the interval, carol's next message makes a new push.
        final TestConnection dave = server.device("+15551300004");
        dave.send(300, carol.userId, 0, "again".getBytes(StandardCharsets.UTF_8));
        dave.expect(SentAckDecoder.TEMPLATE_ID);
        awaitAccepted(3);
        assertEquals(FcmPushGateway.body("carol-token"), accepted().get(2));
        assertFalse(accepted().contains(FcmPushGateway.body("bob-token")), "bob stayed online: never pushed");
        assertEquals(0, counters.value("push: failed", -1));
        bob.close();
        dave.close();
    }

    @Test
    void shouldPushOneCallPushToAnOfflineCalleesDeviceWithAToken() throws Exception
    {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/push", exchange ->
        {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.incrementAndGet();
            synchronized (accepted)
            {
                accepted.add(body);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        server = TestServer.launch(dataDir,
            "switchboard.push.url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/push",
            "switchboard.push.coalesce=300ms",
            "switchboard.push.min.interval=" + MIN_INTERVAL_MS + "ms");
        final TestConnection alice = server.device("+15551300011");
        final TestConnection bob = server.device("+15551300012");
        bob.pushToken(PushPlatform.FCM, "bob-call-token");
        bob.expect(RequestAckDecoder.TEMPLATE_ID);
        alice.pushToken(PushPlatform.FCM, "alice-token");
        alice.expect(RequestAckDecoder.TEMPLATE_ID);
        bob.close();
        counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME));
        awaitOffline(1);

        final byte[] offer = "v=0 secret-sdp".getBytes(StandardCharsets.UTF_8);
        CallFrames.offer(alice, 91, bob.userId, CallMedia.VIDEO, offer);
        assertEquals(CallEndReason.UNAVAILABLE, CallFrames.expectHangup(alice, 91));

        awaitAccepted(1);
        // past the coalesce window: the missed-call record's own push request merged into the call push
        Thread.sleep(MIN_INTERVAL_MS);
        assertEquals(List.of(FcmPushGateway.callBody("bob-call-token")), accepted(),
            "exactly one push, a call push, to the offline callee's device; none to the online caller");
        assertFalse(accepted().get(0).contains("secret"), "no content in a call push");
        assertEquals(1, counters.value("push: calls-sent", -1));
        assertEquals(1, counters.value("push: sent", -1));
        assertEquals(1, counters.value("push: coalesced", -1), "the missed call's message push merged in");
        alice.close();
    }

    private long closed()
    {
        long closed = 0;
        for (int i = 0; i < server.server().edge().pollerCount(); i++)
        {
            closed += server.server().edge().poller(i).stats().connectionsClosed();
        }
        return closed;
    }

    private List<String> accepted()
    {
        synchronized (accepted)
        {
            return new ArrayList<>(accepted);
        }
    }

    private void awaitAccepted(final int count) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (accepted().size() < count)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "pushes " + accepted() + ", wanted " + count);
            Thread.sleep(10);
        }
    }

    /** The ring has seen this many connections close (one per device gone offline, beyond login connections). */
    private void awaitOffline(final int closes) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (closed() < closes)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "connection close not seen");
            Thread.sleep(10);
        }
        Thread.sleep(200); // the close notice goes through the ring after the poller counts it
    }
}
