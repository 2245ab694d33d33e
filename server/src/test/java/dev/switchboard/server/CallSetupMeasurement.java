package dev.switchboard.server;

import dev.switchboard.client.ClientListener;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallMedia;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Not a check but a measurement, run on request ({@code -Dswitchboard.measure.calls=true}): call setups one at a time
 * between two SDK clients with sealing (end-to-end encryption on) and two without, on one real server, alternating
 * sealed and plain calls so a noisy machine weighs on both alike. Per call it times offer to CallIncoming at the
 * callee's application (after unsealing) and offer to the answer at the caller's (the callee answers at once), then
 * hangs up and waits for the callee to hear it; it prints percentiles and setups a second for each.
 */
@EnabledIfSystemProperty(named = "switchboard.measure.calls", matches = "true")
@Timeout(600)
class CallSetupMeasurement
{
    private static final int WARMUP = 30;
    private static final int CALLS = Integer.getInteger("switchboard.measure.calls.count", 300);
    private static final long WAIT_S = 30;
    private static final byte[] OFFER = ("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" +
        "a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijklmn\r\na=fingerprint:sha-256 " +
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\r\n" +
        "a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n")
        .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private final List<Party> parties = new ArrayList<>();

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(parties);
        CloseHelper.close(server);
    }

    @Test
    void measureCallSetupsWithAndWithoutSealing() throws Exception
    {
        server = TestServer.launch(dataDir, "switchboard.calls.per.minute=1000000");
        final Party sealedCaller = party("+15551810001", true);
        final Party sealedCallee = party("+15551810002", true);
        final Party plainCaller = party("+15551810003", false);
        final Party plainCallee = party("+15551810004", false);

        for (int i = 0; i < WARMUP; i++)
        {
            setup(sealedCaller, sealedCallee);
            setup(plainCaller, plainCallee);
        }
        final long[][] sealed = new long[2][CALLS];
        final long[][] plain = new long[2][CALLS];
        long sealedNs = 0;
        long plainNs = 0;
        for (int i = 0; i < CALLS; i++)
        {
            long startNs = System.nanoTime();
            long[] times = setup(sealedCaller, sealedCallee);
            sealedNs += System.nanoTime() - startNs;
            sealed[0][i] = times[0];
            sealed[1][i] = times[1];
            startNs = System.nanoTime();
            times = setup(plainCaller, plainCallee);
            plainNs += System.nanoTime() - startNs;
            plain[0][i] = times[0];
            plain[1][i] = times[1];
        }
        System.out.println("call setups, one at a time, " + CALLS + " each after " + WARMUP + " warm-up, " +
            OFFER.length + "-byte offer");
        report("sealed", sealed, sealedNs);
        report("plain ", plain, plainNs);
        System.out.printf("sealed/plain: offer->incoming p50 %.2fx, offer->answer p50 %.2fx, setups/s %.2fx%n",
            (double)percentile(sealed[0], 50) / percentile(plain[0], 50),
            (double)percentile(sealed[1], 50) / percentile(plain[1], 50),
            (double)plainNs / sealedNs);
    }

    /**
     * @return offer to CallIncoming at the callee's application, and offer to the answer at the caller's, in ns.
     */
    private long[] setup(final Party caller, final Party callee) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        final long callId = caller.client.placeCall(callee.userId, CallMedia.AUDIO, OFFER);
        final long incomingNs = next(callee.incomingAtNs);
        final long answeredNs = next(caller.answeredAtNs);
        caller.client.hangup(callId);
        assertEquals(CallEndReason.ENDED, next(callee.ended));
        return new long[]{ incomingNs - startNs, answeredNs - startNs };
    }

    private static void report(final String name, final long[][] times, final long totalNs)
    {
        System.out.printf("%s offer->incoming us: p50 %d p90 %d p99 %d max %d | offer->answer us: p50 %d p90 %d " +
            "p99 %d max %d | setups+hangups/s %.1f%n", name,
            percentile(times[0], 50) / 1000, percentile(times[0], 90) / 1000, percentile(times[0], 99) / 1000,
            percentile(times[0], 100) / 1000,
            percentile(times[1], 50) / 1000, percentile(times[1], 90) / 1000, percentile(times[1], 99) / 1000,
            percentile(times[1], 100) / 1000,
            times[0].length / (totalNs / 1e9));
    }

    private static long percentile(final long[] values, final double percentile)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        final int index = (int)Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static <T> T next(final BlockingQueue<T> queue) throws InterruptedException
    {
        final T item = queue.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(item, "a call step did not come");
        return item;
    }

    private Party party(final String phone, final boolean e2e) throws Exception
    {
        final Party party = new Party(phone, e2e);
        parties.add(party);
        SdkClients.register(party.client, server, phone);
        party.userId = party.client.self().userId();
        return party;
    }

    private final class Party implements ClientListener, AutoCloseable
    {
        final SwitchboardClient client;
        final BlockingQueue<Long> incomingAtNs = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> answeredAtNs = new LinkedBlockingQueue<>();
        final BlockingQueue<CallEndReason> ended = new LinkedBlockingQueue<>();
        long userId;

        Party(final String phone, final boolean e2e)
        {
            client = SdkClients.open(server.port(), new File(storeDir, phone), this, e2e);
        }

        public void onIncomingCall(
            final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] sdp)
        {
            incomingAtNs.add(System.nanoTime());
            client.answer(callId, sdp);
        }

        public void onCallAnswered(final long callId, final byte[] sdp)
        {
            answeredAtNs.add(System.nanoTime());
        }

        public void onCallEnded(final long callId, final CallEndReason reason)
        {
            ended.add(reason);
        }

        public void close()
        {
            client.close();
        }
    }
}
