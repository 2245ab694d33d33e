package dev.switchboard.server;

import dev.switchboard.client.CallSealing;
import dev.switchboard.client.ClientListener;
import dev.switchboard.client.LinkRequest;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallOfferDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.server.EndToEndEncryptionSystemTest.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls between end-to-end encrypted SDK clients against a real server, every client byte passing a recording TCP
 * tap: the callee's devices get the exact offer and the caller the exact answer and candidates, while neither the
 * bytes the server received nor those it sent hold any of them; a tampered offer, answer or candidate is reported
 * and never shown; an incoming call whose key never comes ends FAILED.
 */
@Timeout(180)
class CallSealingSystemTest
{
    private static final String ALICE = "+15551780001";
    private static final String BOB = "+15551780002";
    private static final long WAIT_S = SdkClients.WAIT_S;
    private static final String OFFER = "v=0\r\no=alice 4611731400430051336 2 IN IP4 192.0.2.17\r\n" +
        "a=fingerprint:sha-256 AB:CD:EF:01:23 the secret offer\r\n";
    private static final String ANSWER = "v=0\r\no=bob 1 2 IN IP4 198.51.100.42\r\na=ice-pwd:the secret answer\r\n";

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private TcpTap tap;
    private final List<Device> devices = new ArrayList<>();

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(devices);
        CloseHelper.closeAll(tap, server);
    }

    @Test
    void shouldRelaySealedSignalingSoTheServerSeesNoSdpOrCandidatePlaintext() throws Exception
    {
        launch();
        final Device alice = device(ALICE, true);
        final Device bobPhone = device(BOB, true);
        final Device bobTablet = linkedDevice(bobPhone, "bob-tablet");
        final List<String> plaintexts = new ArrayList<>(List.of(OFFER, ANSWER));

        // No message was ever exchanged: the key's first end-to-end message starts the sessions on the way.
        final long callId = alice.client.placeCall(bobPhone.userId(), CallMedia.VIDEO, text(OFFER));
        assertEquals(2, alice.ringing.poll(WAIT_S, TimeUnit.SECONDS));
        for (final Device bob : List.of(bobPhone, bobTablet))
        {
            final Incoming incoming = bob.nextIncoming();
            assertEquals(callId, incoming.callId);
            assertEquals(alice.userId(), incoming.fromUserId);
            assertEquals(CallMedia.VIDEO, incoming.media);
            assertEquals(OFFER, incoming.sdp, "the exact offer, unsealed");
        }

        bobTablet.client.answer(callId, text(ANSWER));
        assertEquals(ANSWER, alice.nextAnswer());
        assertEquals(CallEndReason.ANSWERED_ELSEWHERE, bobPhone.nextEnd());
        assertThrows(IllegalStateException.class, () -> bobPhone.client.answer(callId, text(ANSWER)),
            "the device answered elsewhere forgot the call's key");

        for (int sequence = 1; sequence <= 3; sequence++)
        {
            final String candidate = "candidate:" + sequence + " 1 udp 2130706431 192.0.2.17 5400" + sequence +
                " typ host secret-ufrag-alice";
            plaintexts.add(candidate);
            alice.client.sendIceCandidate(callId, sequence, text(candidate));
        }
        final String back = "candidate:9 1 udp 1694498815 198.51.100.42 61000 typ srflx secret-ufrag-bob";
        plaintexts.add(back);
        bobTablet.client.sendIceCandidate(callId, 1, text(back));
        for (int sequence = 1; sequence <= 3; sequence++)
        {
            assertEquals(sequence + ":" + plaintexts.get(1 + sequence), bobTablet.nextCandidate());
        }
        assertEquals("1:" + back, alice.nextCandidate());

        alice.client.hangup(callId);
        assertEquals(CallEndReason.ENDED, bobTablet.nextEnd());

        final CallSealing aliceCalls = alice.client.e2e().calls();
        assertEquals(1, aliceCalls.callKeysSent());
        assertEquals(1, bobPhone.client.e2e().calls().callKeysReceived());
        assertEquals(1, bobTablet.client.e2e().calls().callKeysReceived());
        for (final Device device : devices)
        {
            assertTrue(device.unsealable.isEmpty(), device.unsealable.toString());
            assertEquals(0, device.client.e2e().calls().unsealFailures());
        }

        // On the wire: every blob is sealed (version, nonce, tag around it) and no plaintext went either way.
        final byte[] toServer = tap.bytesToServer();
        final byte[] toClients = tap.bytesToClients();
        assertTrue(toServer.length > 5_000, "captured " + toServer.length);
        assertTrue(contains(toServer, longBytes(callId)), "the tap saw the call's frames");
        for (final String plaintext : plaintexts)
        {
            assertFalse(contains(toServer, text(plaintext)), "server received: " + plaintext);
            assertFalse(contains(toClients, text(plaintext)), "server sent: " + plaintext);
            final byte[] fragment = text(plaintext.substring(plaintext.length() - 16));
            assertFalse(contains(toServer, fragment), "server received a piece of: " + plaintext);
        }
        // The scan can fail: the call id the frames carry in clear is found the same way.
        assertTrue(contains(toClients, longBytes(callId)));
    }

    @Test
    void shouldReportATamperedOfferAnswerOrCandidateAndNeverShowIt() throws Exception
    {
        launch();
        final Device alice = device(ALICE, true);
        final Device bob = device(BOB, true);

        tap.tamperNextFrame(CallOfferDecoder.TEMPLATE_ID);
        final long tamperedOffer = alice.client.placeCall(bob.userId(), CallMedia.AUDIO, text(OFFER));
        final String offerFailure = bob.nextUnsealable();
        assertTrue(offerFailure.startsWith(Long.toUnsignedString(tamperedOffer) + ": offer did not unseal"),
            offerFailure);
        assertEquals(CallEndReason.FAILED, alice.nextEnd(), "its only device dropped out: the call failed");
        assertNull(bob.incoming.poll(200, TimeUnit.MILLISECONDS), "a tampered offer is never shown");
        assertFalse(tap.tamperPending());

        final long call = alice.client.placeCall(bob.userId(), CallMedia.AUDIO, text(OFFER));
        assertEquals(OFFER, bob.nextIncoming().sdp);
        bob.client.answer(call, text(ANSWER));
        assertEquals(ANSWER, alice.nextAnswer());
        tap.tamperNextFrame(CallIceCandidateDecoder.TEMPLATE_ID);
        alice.client.sendIceCandidate(call, 1, text("candidate one, tampered with"));
        alice.client.sendIceCandidate(call, 2, text("candidate two"));
        assertEquals(Long.toUnsignedString(call) + ": ICE candidate 1 did not unseal: dropped", bob.nextUnsealable());
        assertEquals("2:candidate two", bob.nextCandidate(), "the call goes on past a bad candidate");
        alice.client.hangup(call);
        assertEquals(CallEndReason.ENDED, bob.nextEnd());

        final long tamperedAnswer = alice.client.placeCall(bob.userId(), CallMedia.AUDIO, text(OFFER));
        assertEquals(OFFER, bob.nextIncoming().sdp);
        tap.tamperNextFrame(CallAnswerDecoder.TEMPLATE_ID);
        bob.client.answer(tamperedAnswer, text(ANSWER));
        assertTrue(alice.nextUnsealable().startsWith(Long.toUnsignedString(tamperedAnswer) +
            ": answer did not unseal"));
        assertEquals(CallEndReason.FAILED, alice.nextEnd());
        assertNull(alice.answers.poll(200, TimeUnit.MILLISECONDS), "a tampered answer is never shown");
        assertEquals(CallEndReason.FAILED, bob.nextEnd(), "the caller left the call");

        assertEquals(2, bob.client.e2e().calls().unsealFailures());
        assertEquals(1, alice.client.e2e().calls().unsealFailures());
        assertEquals(0, alice.client.internalErrors() + bob.client.internalErrors());
        assertEquals(0, alice.client.e2e().decryptFailures() + bob.client.e2e().decryptFailures());
    }

    @Test
    void shouldEndAnIncomingCallWhoseKeyNeverComesAsFailed() throws Exception
    {
        launch();
        // A caller without end-to-end encryption sends its offer as is, and no key.
        final Device alice = device(ALICE, false);
        final Device bob = device(BOB, true);

        final long callId = alice.client.placeCall(bob.userId(), CallMedia.AUDIO, text(OFFER));
        assertEquals(1, alice.ringing.poll(WAIT_S, TimeUnit.SECONDS));
        alice.client.sendIceCandidate(callId, 1, text("candidate while bob waits for a key"));
        final long startNs = System.nanoTime();
        assertEquals(Long.toUnsignedString(callId) + ": no call key from the caller within 1000 ms",
            bob.nextUnsealable());
        assertTrue(System.nanoTime() - startNs > TimeUnit.MILLISECONDS.toNanos(500), "it waited for the key");
        assertEquals(CallEndReason.FAILED, alice.nextEnd());
        assertNull(bob.incoming.poll(200, TimeUnit.MILLISECONDS), "never shown as incoming");
        assertNull(bob.candidates.poll(0, TimeUnit.MILLISECONDS), "nor its candidates");
        assertNull(bob.ends.poll(0, TimeUnit.MILLISECONDS), "nor its end");
        assertEquals(1, bob.client.e2e().calls().keyTimeouts());
    }

    // ---- helpers ----

    private void launch() throws IOException
    {
        server = TestServer.launch(dataDir, "switchboard.registration.phone.interval=0");
        tap = new TcpTap(server.port());
    }

    private Device device(final String phone, final boolean e2e) throws Exception
    {
        final Device device = new Device(phone, e2e);
        devices.add(device);
        SdkClients.register(device.client, server, phone);
        return device;
    }

    private Device linkedDevice(final Device primary, final String storeName) throws Exception
    {
        final Device device = new Device(storeName, true);
        devices.add(device);
        SdkClients.link(primary.client, primary.linkRequests, device.client);
        return device;
    }

    private record Incoming(long callId, long fromUserId, CallMedia media, String sdp)
    {
    }

    private final class Device implements ClientListener, AutoCloseable
    {
        final SwitchboardClient client;
        final BlockingQueue<Incoming> incoming = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> ringing = new LinkedBlockingQueue<>();
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final BlockingQueue<String> candidates = new LinkedBlockingQueue<>();
        final BlockingQueue<CallEndReason> ends = new LinkedBlockingQueue<>();
        final BlockingQueue<String> unsealable = new LinkedBlockingQueue<>();
        final BlockingQueue<LinkRequest> linkRequests = new LinkedBlockingQueue<>();

        Device(final String storeName, final boolean e2e)
        {
            client = SdkClients.open(tap.port(), new File(storeDir, storeName), this, e2e);
        }

        long userId()
        {
            return client.self().userId();
        }

        Incoming nextIncoming() throws InterruptedException
        {
            return next(incoming, "incoming call");
        }

        String nextAnswer() throws InterruptedException
        {
            return next(answers, "answer");
        }

        String nextCandidate() throws InterruptedException
        {
            return next(candidates, "candidate");
        }

        CallEndReason nextEnd() throws InterruptedException
        {
            return next(ends, "end of call");
        }

        String nextUnsealable() throws InterruptedException
        {
            return next(unsealable, "unsealable report");
        }

        private <T> T next(final BlockingQueue<T> queue, final String what) throws InterruptedException
        {
            final T item = queue.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(item, "no " + what + "; unsealable: " + unsealable);
            return item;
        }

        public void onLinkRequest(final LinkRequest request)
        {
            linkRequests.add(request);
        }

        public void onIncomingCall(
            final long callId, final long fromUserId, final int fromDeviceId, final CallMedia media, final byte[] sdp)
        {
            incoming.add(new Incoming(callId, fromUserId, media, new String(sdp, StandardCharsets.UTF_8)));
        }

        public void onCallRinging(final long callId, final int devices)
        {
            ringing.add(devices);
        }

        public void onCallAnswered(final long callId, final byte[] sdp)
        {
            answers.add(new String(sdp, StandardCharsets.UTF_8));
        }

        public void onCallIceCandidate(final long callId, final int sequence, final byte[] candidate)
        {
            candidates.add(sequence + ":" + new String(candidate, StandardCharsets.UTF_8));
        }

        public void onCallEnded(final long callId, final CallEndReason reason)
        {
            ends.add(reason);
        }

        public void onCallUnsealable(final long callId, final String reason)
        {
            unsealable.add(Long.toUnsignedString(callId) + ": " + reason);
        }

        public void close()
        {
            client.close();
        }
    }

    private static byte[] text(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(final long value)
    {
        final byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            bytes[i] = (byte)(value >>> (8 * i)); // SBE is little-endian
        }
        return bytes;
    }
}
