package dev.switchboard.server;

import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallEndReason;
import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.CallIncomingDecoder;
import dev.switchboard.codec.sbe.CallMedia;
import dev.switchboard.codec.sbe.CallOfferDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.MissedCallDecoder;
import dev.switchboard.codec.sbe.TurnCredentialsDecoder;
import dev.switchboard.ring.RingCounters;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;

import static dev.switchboard.server.CallFrames.answer;
import static dev.switchboard.server.CallFrames.candidate;
import static dev.switchboard.server.CallFrames.expectAnswer;
import static dev.switchboard.server.CallFrames.expectError;
import static dev.switchboard.server.CallFrames.expectHangup;
import static dev.switchboard.server.CallFrames.expectIce;
import static dev.switchboard.server.CallFrames.expectIncoming;
import static dev.switchboard.server.CallFrames.expectMissedCall;
import static dev.switchboard.server.CallFrames.expectRinging;
import static dev.switchboard.server.CallFrames.hangup;
import static dev.switchboard.server.CallFrames.ice;
import static dev.switchboard.server.CallFrames.offer;
import static dev.switchboard.server.CallFrames.sdp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Call signaling over real sockets: ringing on every device, the first answer winning, ICE relayed in order, hangups,
 * missed calls journaled for an offline callee, busy, the ring timeout, rate limits, strangers kept out, and TURN
 * credentials in coturn's scheme.
 */
@Timeout(60)
class CallSystemTest
{
    private static final String ALICE = "+15551770001";
    private static final String BOB = "+15551770002";
    private static final String CAROL = "+15551770003";
    private static final String SAME_PHONE_AGAIN = "switchboard.registration.phone.interval=0";
    private static final byte[] OFFER = "sealed offer: v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1"
        .getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = "sealed answer: v=0 o=- 1 2 IN IP4 127.0.0.1"
        .getBytes(StandardCharsets.UTF_8);

    @TempDir
    File dataDir;

    private TestServer server;

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldRingEveryDeviceLetTheFirstAnswerWinRelayIceInOrderAndHangUp() throws IOException
    {
        server = TestServer.launch(dataDir, SAME_PHONE_AGAIN);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bobPhone = server.device(BOB);
        final TestConnection bobTablet = server.linked(bobPhone);
        final long callId = 0x1234_5678_9ABCL;

        offer(alice, callId, bobPhone.userId, CallMedia.VIDEO, OFFER);
        assertEquals(2, expectRinging(alice).devices());
        for (final TestConnection device : List.of(bobPhone, bobTablet))
        {
            final CallIncomingDecoder incoming = expectIncoming(device);
            assertEquals(callId, incoming.callId());
            assertEquals(alice.userId, incoming.from().userId());
            assertEquals(alice.deviceId, incoming.from().deviceId());
            assertEquals(CallMedia.VIDEO, incoming.media());
            assertArrayEquals(OFFER, sdp(incoming), "the sealed offer, byte for byte");
        }

        answer(bobTablet, callId, ANSWER);
        final CallAnswerDecoder answered = expectAnswer(alice);
        assertEquals(callId, answered.callId());
        assertArrayEquals(ANSWER, sdp(answered));
        assertEquals(CallEndReason.ANSWERED_ELSEWHERE, expectHangup(bobPhone, callId));

        answer(bobPhone, callId, ANSWER);
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(bobPhone).code(), "too late: answered elsewhere");

        for (int sequence = 1; sequence <= 10; sequence++)
        {
            final String candidate = "candidate " + sequence + " udp 2130706431";
            ice(alice, callId, sequence, candidate.getBytes(StandardCharsets.UTF_8));
        }
        ice(bobTablet, callId, 1, "candidate back".getBytes(StandardCharsets.UTF_8));
        for (int sequence = 1; sequence <= 10; sequence++)
        {
            final CallIceCandidateDecoder relayed = expectIce(bobTablet);
            assertEquals(callId, relayed.callId());
            assertEquals(sequence, relayed.sequence(), "in the order sent");
            assertEquals("candidate " + sequence + " udp 2130706431",
                new String(candidate(relayed), StandardCharsets.UTF_8));
        }
        final CallIceCandidateDecoder back = expectIce(alice);
        assertEquals("candidate back", new String(candidate(back), StandardCharsets.UTF_8));

        ice(bobPhone, callId, 1, "not in the call".getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(bobPhone).code(), "the device that did not answer is out");

        hangup(alice, callId, CallEndReason.ENDED);
        assertEquals(CallEndReason.ENDED, expectHangup(bobTablet, callId));
        ice(alice, callId, 11, "after the end".getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(alice).code());

        bobPhone.expectSilence(200);
        bobTablet.expectSilence(200);
        assertEquals(1, counter(RingCounters.CALLS_OFFERED));
        assertEquals(1, counter(RingCounters.CALLS_ANSWERED));
        assertEquals(0, counter(RingCounters.CALLS_MISSED));
        assertEquals(12, counter(RingCounters.CALL_FRAMES_RELAYED), "the answer and 11 candidates");
    }

    @Test
    void shouldTellTheCallerNobodyIsOnlineAndDeliverTheMissedCallAfterLogin() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);
        bob.logout();
        bob.expect(dev.switchboard.codec.sbe.RequestAckDecoder.TEMPLATE_ID);
        bob.close();

        final long callId = 77;
        offer(alice, callId, bob.userId, CallMedia.AUDIO, OFFER);
        assertEquals(CallEndReason.UNAVAILABLE, expectHangup(alice, callId));

        final TestConnection bobAgain = server.again(bob);
        final MissedCallDecoder missed = expectMissedCall(bobAgain);
        assertEquals(callId, missed.callId());
        assertEquals(alice.userId, missed.from().userId());
        assertEquals(alice.deviceId, missed.from().deviceId());
        assertEquals(CallMedia.AUDIO, missed.media());
        assertEquals(CallEndReason.UNAVAILABLE, missed.reason());
        assertTrue(missed.timestampMs() > 0);
        bobAgain.ack(missed.messageId());
        bobAgain.expectSilence(200);
        bobAgain.close();

        final TestConnection bobThird = server.again(bob);
        bobThird.expectSilence(300);
        assertEquals(1, counter(RingCounters.CALLS_MISSED));
        assertEquals(1, counter(RingCounters.ACKS));
        alice.expectSilence(100);
    }

    @Test
    void shouldAnswerBusyWhenTheCalleeIsInACall() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);
        final TestConnection carol = server.device(CAROL);

        offer(alice, 1, bob.userId, CallMedia.AUDIO, OFFER);
        expectRinging(alice);
        expectIncoming(bob);

        offer(carol, 2, bob.userId, CallMedia.AUDIO, OFFER);
        assertEquals(CallEndReason.BUSY, expectHangup(carol, 2));
        final MissedCallDecoder missed = expectMissedCall(bob);
        assertEquals(2, missed.callId());
        assertEquals(carol.userId, missed.from().userId());
        assertEquals(CallEndReason.BUSY, missed.reason());

        offer(carol, 3, alice.userId, CallMedia.AUDIO, OFFER);
        assertEquals(CallEndReason.BUSY, expectHangup(carol, 3), "the caller is in a call too");
        expectMissedCall(alice);

        offer(alice, 4, carol.userId, CallMedia.AUDIO, OFFER);
        assertEquals(ErrorCode.ALREADY_IN_CALL, expectError(alice).code());

        offer(carol, 1, alice.userId, CallMedia.AUDIO, OFFER);
        final ErrorDecoder inUse = expectError(carol);
        assertEquals(ErrorCode.CALL_ID_IN_USE, inUse.code());
        assertEquals(1, inUse.requestId(), "the error names the call id");
        assertEquals(CallOfferDecoder.TEMPLATE_ID, inUse.templateId());

        // The declined call frees both: a new call rings.
        hangup(bob, 1, CallEndReason.DECLINED);
        assertEquals(CallEndReason.DECLINED, expectHangup(alice, 1));
        assertEquals(CallEndReason.DECLINED, expectMissedCall(bob).reason());
        offer(carol, 5, bob.userId, CallMedia.AUDIO, OFFER);
        assertEquals(1, expectRinging(carol).devices());
        assertEquals(5, expectIncoming(bob).callId());
    }

    @Test
    void shouldEndACallThatRingsPastTheTimeoutAsMissed() throws IOException
    {
        server = TestServer.launch(dataDir, SAME_PHONE_AGAIN, "switchboard.calls.ring.timeout=1s");
        final TestConnection alice = server.device(ALICE);
        final TestConnection bobPhone = server.device(BOB);
        final TestConnection bobTablet = server.linked(bobPhone);

        final long startNs = System.nanoTime();
        offer(alice, 9, bobPhone.userId, CallMedia.VIDEO, OFFER);
        assertEquals(2, expectRinging(alice).devices());
        expectIncoming(bobPhone);
        expectIncoming(bobTablet);

        assertEquals(CallEndReason.TIMEOUT, expectHangup(alice, 9));
        final long ringNs = System.nanoTime() - startNs;
        assertTrue(ringNs >= 1_000_000_000L && ringNs < 6_000_000_000L, "rang " + ringNs + " ns");
        for (final TestConnection device : List.of(bobPhone, bobTablet))
        {
            assertEquals(CallEndReason.TIMEOUT, expectHangup(device, 9));
            final MissedCallDecoder missed = expectMissedCall(device);
            assertEquals(9, missed.callId());
            assertEquals(CallMedia.VIDEO, missed.media());
            assertEquals(CallEndReason.TIMEOUT, missed.reason());
        }

        answer(bobPhone, 9, ANSWER);
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(bobPhone).code(), "the call is over");
    }

    @Test
    void shouldRateLimitCallsPerUserAndIceCandidatesPerCall() throws IOException
    {
        server = TestServer.launch(
            dataDir, "switchboard.calls.per.minute=2", "switchboard.calls.max.ice.candidates=3");
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);

        offer(alice, 1, bob.userId, CallMedia.AUDIO, OFFER);
        expectRinging(alice);
        expectIncoming(bob);
        for (int sequence = 1; sequence <= 3; sequence++)
        {
            ice(alice, 1, sequence, OFFER);
            assertEquals(sequence, expectIce(bob).sequence());
        }
        ice(bob, 1, 1, OFFER);
        assertEquals(ErrorCode.RATE_LIMITED, expectError(bob).code(), "the budget is the call's, both sides");
        hangup(alice, 1, CallEndReason.ENDED);
        assertEquals(CallEndReason.ENDED, expectHangup(bob, 1));
        expectMissedCall(bob);

        offer(alice, 2, bob.userId, CallMedia.AUDIO, OFFER);
        expectRinging(alice);
        expectIncoming(bob);
        hangup(alice, 2, CallEndReason.ENDED);
        expectHangup(bob, 2);
        expectMissedCall(bob);

        offer(alice, 3, bob.userId, CallMedia.AUDIO, OFFER);
        assertEquals(ErrorCode.RATE_LIMITED, expectError(alice).code());
        bob.expectSilence(200);
    }

    @Test
    void shouldKeepAThirdPartyOutOfSomeoneElsesCall() throws IOException
    {
        server = TestServer.launch(dataDir, "switchboard.session.max.rejects=1000");
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);
        final TestConnection carol = server.device(CAROL);
        final long callId = 4242;

        offer(alice, callId, bob.userId, CallMedia.AUDIO, OFFER);
        expectRinging(alice);
        expectIncoming(bob);

        hangup(carol, callId, CallEndReason.ENDED);
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(carol).code());
        ice(carol, callId, 1, OFFER);
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(carol).code());
        answer(carol, callId, ANSWER);
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(carol).code());
        hangup(carol, 999, CallEndReason.ENDED);
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(carol).code(), "no such call reads the same");
        alice.expectSilence(200);
        bob.expectSilence(1);

        answer(bob, callId, ANSWER);
        assertArrayEquals(ANSWER, sdp(expectAnswer(alice)), "the call went on untouched");
        hangup(bob, callId, CallEndReason.ENDED);
        assertEquals(CallEndReason.ENDED, expectHangup(alice, callId));

        offer(carol, 5, carol.userId, CallMedia.AUDIO, OFFER);
        assertEquals(ErrorCode.INVALID_FIELD, expectError(carol).code(), "calling oneself");
        offer(carol, 0, alice.userId, CallMedia.AUDIO, OFFER);
        assertEquals(ErrorCode.INVALID_FIELD, expectError(carol).code(), "call id 0");
        offer(carol, 6, 987_654_321L, CallMedia.AUDIO, OFFER);
        assertEquals(ErrorCode.UNKNOWN_USER, expectError(carol).code());
        offer(carol, 7, alice.userId, CallMedia.AUDIO, new byte[16 * 1024 + 1]);
        assertEquals(ErrorCode.INVALID_FIELD, expectError(carol).code(), "offer over the blob limit");
    }

    @Test
    void shouldFailTheCallForThePeerWhenAPartyDisconnects() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);

        offer(alice, 31, bob.userId, CallMedia.AUDIO, OFFER);
        expectRinging(alice);
        expectIncoming(bob);
        answer(bob, 31, ANSWER);
        expectAnswer(alice);
        bob.close();
        assertEquals(CallEndReason.FAILED, expectHangup(alice, 31));

        final TestConnection bobAgain = server.again(bob);
        offer(alice, 32, bob.userId, CallMedia.AUDIO, OFFER);
        assertEquals(1, expectRinging(alice).devices(), "the ended call no longer makes anyone busy");
        expectIncoming(bobAgain);
    }

    @Test
    void shouldDropOnlyTheRingingDeviceThatFailsAndFailTheCallWhenNoneIsLeft() throws IOException
    {
        server = TestServer.launch(dataDir, SAME_PHONE_AGAIN);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bobPhone = server.device(BOB);
        final TestConnection bobTablet = server.linked(bobPhone);

        // A device whose sealed offer does not open leaves with FAILED: the other still rings and answers.
        offer(alice, 41, bobPhone.userId, CallMedia.AUDIO, OFFER);
        assertEquals(2, expectRinging(alice).devices());
        expectIncoming(bobPhone);
        expectIncoming(bobTablet);
        hangup(bobTablet, 41, CallEndReason.FAILED);
        alice.expectSilence(200);
        bobPhone.expectSilence(100);
        answer(bobPhone, 41, ANSWER);
        expectAnswer(alice);
        answer(bobTablet, 41, ANSWER);
        assertEquals(ErrorCode.UNKNOWN_CALL, expectError(bobTablet).code(), "the failed device is out");
        hangup(alice, 41, CallEndReason.ENDED);
        assertEquals(CallEndReason.ENDED, expectHangup(bobPhone, 41));

        // When every ringing device fails, the caller hears FAILED and the callee keeps a missed call.
        offer(alice, 42, bobPhone.userId, CallMedia.VIDEO, OFFER);
        assertEquals(2, expectRinging(alice).devices());
        expectIncoming(bobPhone);
        expectIncoming(bobTablet);
        hangup(bobPhone, 42, CallEndReason.FAILED);
        alice.expectSilence(200);
        hangup(bobTablet, 42, CallEndReason.FAILED);
        assertEquals(CallEndReason.FAILED, expectHangup(alice, 42));
        for (final TestConnection device : List.of(bobPhone, bobTablet))
        {
            final MissedCallDecoder missed = expectMissedCall(device);
            assertEquals(42, missed.callId());
            assertEquals(CallEndReason.FAILED, missed.reason());
        }
    }

    @Test
    void shouldHandOutTurnCredentialsInCoturnsSharedSecretScheme() throws Exception
    {
        server = TestServer.launch(dataDir, "switchboard.turn.uris=turn:127.0.0.1:3478 turns:127.0.0.1:5349",
            "switchboard.turn.ttl=600s");
        final TestConnection alice = server.device(ALICE);
        final long beforeS = System.currentTimeMillis() / 1000;

        CallFrames.turnCredentialsRequest(alice, 71);
        final TurnCredentialsDecoder credentials = CallFrames.expectTurnCredentials(alice);
        assertEquals(71, credentials.requestId());
        assertEquals(600, credentials.ttlSeconds());
        final String username = credentials.username();
        final String password = credentials.password();
        final byte[] uris = new byte[credentials.urisLength()];
        credentials.getUris(uris, 0, uris.length);

        final String[] parts = username.split(":");
        assertEquals(String.valueOf(alice.userId), parts[1]);
        final long expiryS = Long.parseLong(parts[0]);
        assertTrue(expiryS >= beforeS + 600 && expiryS <= beforeS + 602, "expiry " + expiryS);
        final String secret = Files.readString(new File(dataDir, "turn-secret").toPath()).trim();
        assertEquals(64, secret.length(), "generated at first start: 32 random bytes, hex");
        assertEquals(hmacBase64(secret, username), password);
        assertEquals("turn:127.0.0.1:3478 turns:127.0.0.1:5349", new String(uris, StandardCharsets.UTF_8));
        assertEquals(1, counter(RingCounters.TURN_CREDENTIALS_ISSUED));

        server.restart();
        assertEquals(secret, Files.readString(new File(dataDir, "turn-secret").toPath()).trim(), "kept");
    }

    @Test
    void shouldRefuseTurnCredentialsWithoutTurnUris() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        CallFrames.turnCredentialsRequest(alice, 72);
        final ErrorDecoder error = expectError(alice);
        assertEquals(ErrorCode.TURN_UNAVAILABLE, error.code());
        assertEquals(72, error.requestId());
    }

    static String hmacBase64(final String secret, final String username) throws Exception
    {
        final Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }

    private long counter(final int id)
    {
        return server.server().ring().counters().get(id);
    }
}
