package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeliverAckEncoder;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.RegisterEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import dev.switchboard.journal.Journal;
import dev.switchboard.journal.JournalContext;
import dev.switchboard.journal.SyncPolicy;
import dev.switchboard.state.StateContext;
import dev.switchboard.state.SwitchboardState;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ring driven from a duty cycle on the test's own thread, as the single-thread layout drives it from the edge
 * poller's: no stage thread exists, and each {@link RingDutyCycle#doWork()} runs everything published so far through
 * every stage before it returns, so the answers are there at once, in order.
 */
@Timeout(60)
class RingDutyCycleTest
{
    private static final int POLLER = 0;
    private static final long ALICE_CONNECTION = 11;
    private static final long BOB_CONNECTION = 12;
    private static final long TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @TempDir
    File dataDir;

    private final Map<String, String> codes = new HashMap<>();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private long nowNs = TimeUnit.SECONDS.toNanos(1_000);
    private RecordingOutbound outbound;
    private SwitchboardState state;
    private Journal journal;
    private RingPipeline ring;
    private RingPublisher publisher;
    private RingDutyCycle dutyCycle;

    @BeforeEach
    void start()
    {
        state = SwitchboardState.open(new StateContext().dataDir(new File(dataDir, "state")).maxAccounts(1_000));
        journal = Journal.open(new JournalContext()
            .dataDir(new File(dataDir, "journal"))
            .syncPolicy(SyncPolicy.NONE)
            .resendCapacity(1024));
        // Logins verified inline, so that a login too completes within one cycle; the verifier thread is tested below.
        launchRing(false);
    }

    private void launchRing(final boolean loginVerifierThread)
    {
        ring = RingPipeline.launch(new RingContext()
            .loginVerifierThread(loginVerifierThread)
            .state(state)
            .journal(journal)
            .outbound(outbound = new RecordingOutbound())
            .codeSender((phone, code) -> codes.put(phone.toString(), code.toString()))
            .nanoClock(() -> nowNs)
            .dutyCycle(true)
            .tickIntervalNs(TICK_INTERVAL_NS)
            .ringSize(1024));
        publisher = ring.publisher();
        dutyCycle = ring.dutyCycle();
    }

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(ring, journal, state);
    }

    @Test
    void shouldRunEveryStageOnTheCallersThreadWithinOneCycle() throws Exception
    {
        assertNotNull(dutyCycle);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch((t) -> t.getName().startsWith("sb-")),
            "no stage thread in a duty cycle");

        final long alice = login(ALICE_CONNECTION, "+15551320001");
        final long bob = login(BOB_CONNECTION, "+15551320002");

        final SendEncoder send = new SendEncoder();
        send.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header).clientMsgId(77);
        send.to().userId(bob).deviceId(1);
        send.putPayload(new byte[]{ 5, 6, 7 }, 0, 3);
        publish(ALICE_CONNECTION, send.encodedLength());
        assertNull(first(ALICE_CONNECTION, SentAckDecoder.TEMPLATE_ID), "nothing runs until the cycle does");

        assertEquals(1, dutyCycle.doWork());
        final SentAckDecoder sentAck = new SentAckDecoder();
        sentAck.wrap(first(ALICE_CONNECTION, SentAckDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            SentAckDecoder.BLOCK_LENGTH, 1);
        assertEquals(77, sentAck.clientMsgId());
        final DeliverDecoder deliver = new DeliverDecoder();
        deliver.wrap(first(BOB_CONNECTION, DeliverDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            DeliverDecoder.BLOCK_LENGTH, 1);
        assertEquals(sentAck.messageId(), deliver.messageId());
        assertEquals(alice, deliver.from().userId());
        assertEquals(0, outbound.framesFromOtherThreads());
        assertEquals(0, dutyCycle.doWork(), "nothing left for the next cycle");
    }

    @Test
    void shouldSayWhenItsLastCycleHandedMessagesToDevices() throws Exception
    {
        login(ALICE_CONNECTION, "+15551320003");
        assertFalse(dutyCycle.awaitsReplies(), "a login hands nothing to deliver");
        final long bob = login(BOB_CONNECTION, "+15551320004");

        final SendEncoder send = new SendEncoder();
        send.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header).clientMsgId(78);
        send.to().userId(bob).deviceId(1);
        send.putPayload(new byte[]{ 1 }, 0, 1);
        publish(ALICE_CONNECTION, send.encodedLength());
        dutyCycle.doWork();
        assertNotNull(first(BOB_CONNECTION, DeliverDecoder.TEMPLATE_ID));
        assertTrue(dutyCycle.awaitsReplies(), "Bob's DeliverAck is due");

        assertEquals(0, dutyCycle.doWork());
        assertFalse(dutyCycle.awaitsReplies(), "a cycle that delivered nothing");

        final DeliverDecoder deliver = new DeliverDecoder();
        deliver.wrap(first(BOB_CONNECTION, DeliverDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            DeliverDecoder.BLOCK_LENGTH, 1);
        final DeliverAckEncoder ack = new DeliverAckEncoder();
        ack.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header).messageId(deliver.messageId());
        publish(BOB_CONNECTION, ack.encodedLength());
        final long receiptsBefore = ring.counters().get(RingCounters.RECEIPT_DELIVERIES);
        dutyCycle.doWork();
        assertEquals(receiptsBefore + 1, ring.counters().get(RingCounters.RECEIPT_DELIVERIES),
            "Alice was handed her DELIVERED receipt");
        assertFalse(dutyCycle.awaitsReplies(), "a receipt's ack waits for the device's next frame");
    }

    @Test
    void shouldPublishTheHousekeepingTickWhenDue() throws Exception
    {
        assertEquals(0, dutyCycle.doWork());
        nowNs += TICK_INTERVAL_NS - 1;
        assertEquals(0, dutyCycle.doWork());
        nowNs += 1;
        assertEquals(1, dutyCycle.doWork(), "the tick is an event the cycle publishes and runs itself");
        assertEquals(0, dutyCycle.doWork());
        nowNs += 3 * TICK_INTERVAL_NS;
        assertEquals(1, dutyCycle.doWork(), "late cycles catch up with one tick, not three");
    }

    @Test
    void shouldRunABoundedBatchPerCycleAndSayWhatIsLeft() throws Exception
    {
        final int events = RingDutyCycle.MAX_EVENTS_PER_CYCLE + 10;
        for (int i = 0; i < events; i++)
        {
            assertTrue(publisher.publishOpened(POLLER, 1_000 + i, 0x7F000001L));
        }
        assertTrue(dutyCycle.hasPendingEvents());
        assertEquals(RingDutyCycle.MAX_EVENTS_PER_CYCLE, dutyCycle.doWork());
        assertTrue(dutyCycle.hasPendingEvents(), "the poller must not block while these wait");
        assertEquals(10, dutyCycle.doWork());
        assertFalse(dutyCycle.hasPendingEvents());
    }

    @Test
    void shouldRunWhatWasLeftWhenClosed()
    {
        assertTrue(publisher.publishOpened(POLLER, ALICE_CONNECTION, 0x7F000001L));
        final RegisterEncoder register = new RegisterEncoder();
        register.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header).requestId(1).phone("+15551320003");
        publish(ALICE_CONNECTION, register.encodedLength());

        ring.close();
        assertNotNull(codes.get("+15551320003"), "close ran the registration the duty cycle had not reached");
    }

    @Test
    void shouldLogInThroughTheVerifierThreadAndWakeTheDutyCycle() throws Exception
    {
        relaunchWithLoginVerifierThread();
        final AtomicInteger wakes = new AtomicInteger();
        ring.afterLoginVerdicts(wakes::incrementAndGet);

        final LoginFrames device = new LoginFrames();
        final long userId = registerAndChallenge(ALICE_CONNECTION, "+15551320011", device);
        publish(ALICE_CONNECTION, device.loginProof(out, first(ALICE_CONNECTION, LoginChallengeDecoder.TEMPLATE_ID)));
        dutyCycle.doWork();
        assertNull(first(ALICE_CONNECTION, LoginAckDecoder.TEMPLATE_ID), "the proof went to the verifier thread");

        awaitFrame(ALICE_CONNECTION, LoginAckDecoder.TEMPLATE_ID);
        assertTrue(wakes.get() >= 1, "the verifier woke the duty cycle's thread");
        assertEquals(1, ring.counters().get(RingCounters.LOGINS));
        assertEquals(0, ring.counters().get(RingCounters.LOGINS_VERIFIED_INLINE));
        assertEquals(0, outbound.framesFromOtherThreads(), "verdicts are answered by the duty cycle, not the verifier");
        assertEquals(userId, loginAck(ALICE_CONNECTION).device().userId());
    }

    @Test
    void shouldRefuseAForgedProofThroughTheVerifierThread() throws Exception
    {
        relaunchWithLoginVerifierThread();
        final LoginFrames device = new LoginFrames();
        registerAndChallenge(ALICE_CONNECTION, "+15551320012", device);
        final int length = device.loginProof(out, first(ALICE_CONNECTION, LoginChallengeDecoder.TEMPLATE_ID));
        // The signature is the frame's last 64 bytes.
        final int lastSignatureByte = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + length - 1;
        out.putByte(lastSignatureByte, (byte)(out.getByte(lastSignatureByte) ^ 1));
        publish(ALICE_CONNECTION, length);

        final ErrorDecoder error = new ErrorDecoder();
        error.wrap(awaitFrame(ALICE_CONNECTION, ErrorDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            ErrorDecoder.BLOCK_LENGTH, 1);
        assertEquals(ErrorCode.LOGIN_FAILED, error.code());
        assertEquals(4, error.requestId(), "the error names the proof's request");
        assertEquals(LoginProofDecoder.TEMPLATE_ID, error.templateId());
        assertEquals(1, ring.counters().get(RingCounters.LOGIN_FAILURES));
        assertNull(first(ALICE_CONNECTION, LoginAckDecoder.TEMPLATE_ID));
    }

    @Test
    void shouldDropTheVerdictForAConnectionThatClosedOrStartedOver() throws Exception
    {
        relaunchWithLoginVerifierThread();
        final LoginFrames alice = new LoginFrames();
        registerAndChallenge(ALICE_CONNECTION, "+15551320013", alice);
        final LoginFrames bob = new LoginFrames();
        final long bobId = registerAndChallenge(BOB_CONNECTION, "+15551320014", bob);

        // Alice's connection closes and Bob asks for a new challenge while their proofs are being verified.
        publish(ALICE_CONNECTION, alice.loginProof(out, first(ALICE_CONNECTION, LoginChallengeDecoder.TEMPLATE_ID)));
        assertTrue(publisher.publishClosed(POLLER, ALICE_CONNECTION));
        publish(BOB_CONNECTION, bob.loginProof(out, first(BOB_CONNECTION, LoginChallengeDecoder.TEMPLATE_ID)));
        outbound.forget(BOB_CONNECTION);
        publish(BOB_CONNECTION, bob.loginStart(out, bobId, 1));
        dutyCycle.doWork();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ring.counters().get(RingCounters.LOGINS) == 0 && ring.loginChecksInFlight() > 0 &&
            System.nanoTime() < deadlineNs)
        {
            dutyCycle.doWork();
        }
        assertEquals(0, ring.loginChecksInFlight(), "both verdicts came back and their checks were taken back");
        assertEquals(0, ring.counters().get(RingCounters.LOGINS), "neither stale verdict logged anyone in");
        assertNull(first(ALICE_CONNECTION, LoginAckDecoder.TEMPLATE_ID));
        assertNull(first(BOB_CONNECTION, LoginAckDecoder.TEMPLATE_ID));

        // Bob's new challenge still works.
        publish(BOB_CONNECTION, bob.loginProof(out, first(BOB_CONNECTION, LoginChallengeDecoder.TEMPLATE_ID)));
        awaitFrame(BOB_CONNECTION, LoginAckDecoder.TEMPLATE_ID);
        assertEquals(bobId, loginAck(BOB_CONNECTION).device().userId());
    }

    private void relaunchWithLoginVerifierThread()
    {
        ring.close();
        launchRing(true);
        assertTrue(ring.hasLoginVerifierThread());
    }

    private long registerAndChallenge(final long connectionId, final String phone, final LoginFrames device)
        throws Exception
    {
        assertTrue(publisher.publishOpened(POLLER, connectionId, 0x7F000001L));
        publish(connectionId, device.register(out, phone));
        dutyCycle.doWork();
        publish(connectionId, device.verify(out, phone, codes.get(phone)));
        dutyCycle.doWork();
        final VerifyAckDecoder verifyAck = new VerifyAckDecoder();
        verifyAck.wrap(first(connectionId, VerifyAckDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            VerifyAckDecoder.BLOCK_LENGTH, 1);
        publish(connectionId, device.loginStart(out, verifyAck.userId(), verifyAck.deviceId()));
        dutyCycle.doWork();
        assertNotNull(first(connectionId, LoginChallengeDecoder.TEMPLATE_ID));
        return verifyAck.userId();
    }

    private UnsafeBuffer awaitFrame(final long connectionId, final int templateId) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        UnsafeBuffer frame;
        while (null == (frame = first(connectionId, templateId)))
        {
            assertTrue(System.nanoTime() < deadlineNs, "no frame " + templateId + " within 10 s");
            dutyCycle.doWork();
            Thread.onSpinWait();
        }
        return frame;
    }

    private LoginAckDecoder loginAck(final long connectionId)
    {
        final LoginAckDecoder loginAck = new LoginAckDecoder();
        loginAck.wrap(first(connectionId, LoginAckDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            LoginAckDecoder.BLOCK_LENGTH, 1);
        return loginAck;
    }

    private long login(final long connectionId, final String phone) throws Exception
    {
        final LoginFrames device = new LoginFrames();
        assertTrue(publisher.publishOpened(POLLER, connectionId, 0x7F000001L));
        publish(connectionId, device.register(out, phone));
        assertEquals(2, dutyCycle.doWork(), "opened and register in one cycle");
        final String code = codes.get(phone);
        assertNotNull(code);

        publish(connectionId, device.verify(out, phone, code));
        dutyCycle.doWork();
        final VerifyAckDecoder verifyAck = new VerifyAckDecoder();
        verifyAck.wrap(first(connectionId, VerifyAckDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            VerifyAckDecoder.BLOCK_LENGTH, 1);
        final long userId = verifyAck.userId();

        publish(connectionId, device.loginStart(out, userId, verifyAck.deviceId()));
        dutyCycle.doWork();
        publish(connectionId, device.loginProof(out, first(connectionId, LoginChallengeDecoder.TEMPLATE_ID)));
        dutyCycle.doWork();
        assertNotNull(first(connectionId, LoginAckDecoder.TEMPLATE_ID), "logged in within the cycle");

        return userId;
    }

    private void publish(final long connectionId, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(out, 0, messageLength);
        assertTrue(publisher.publishFrame(POLLER, connectionId, out, 0, Sofh.HEADER_LENGTH + messageLength));
    }

    private UnsafeBuffer first(final long connectionId, final int templateId)
    {
        return outbound.first(connectionId, templateId);
    }
}
