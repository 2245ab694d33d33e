package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.LoginSignedDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import dev.switchboard.journal.Journal;
import dev.switchboard.journal.JournalContext;
import dev.switchboard.journal.SyncPolicy;
import dev.switchboard.state.StateContext;
import dev.switchboard.state.SwitchboardState;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LoginSigned, a login in one round trip, through the ring's stages on the test's thread (see
 * {@link RingDutyCycleTest}): taken once, within the window, after the server's start, with the device's own key.
 */
@Timeout(60)
class LoginSignedRingTest
{
    private static final int POLLER = 0;
    private static final long WINDOW_MS = 30_000;
    private static final long REGISTER_CONNECTION = 1;

    @TempDir
    File dataDir;

    private final Map<String, String> codes = new HashMap<>();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
    private final long startMs = 1_795_000_000_000L;
    private long nowMs = startMs;
    private long nextConnectionId = 100;
    private RecordingOutbound outbound;
    private SwitchboardState state;
    private Journal journal;
    private RingPipeline ring;
    private RingPublisher publisher;
    private RingDutyCycle dutyCycle;
    private LoginFrames device;
    private long userId;

    @BeforeEach
    void start() throws Exception
    {
        state = SwitchboardState.open(new StateContext().dataDir(new File(dataDir, "state")).maxAccounts(1_000));
        journal = Journal.open(new JournalContext()
            .dataDir(new File(dataDir, "journal"))
            .syncPolicy(SyncPolicy.NONE)
            .resendCapacity(1024));
        launchRing(false);
        device = new LoginFrames();
        userId = register(device, "+15551330001");
        nowMs += 1_000;
    }

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(ring, journal, state);
    }

    @Test
    void shouldLogInWithOneFrame() throws Exception
    {
        final long connectionId = open();
        publish(connectionId, device.loginSigned(out, userId, 1, nowMs));
        dutyCycle.doWork();

        final LoginAckDecoder loginAck = new LoginAckDecoder();
        loginAck.wrap(first(connectionId, LoginAckDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            LoginAckDecoder.BLOCK_LENGTH, 1);
        assertEquals(6, loginAck.requestId());
        assertEquals(userId, loginAck.device().userId());
        assertEquals(1, loginAck.device().deviceId());
        assertEquals(nowMs, loginAck.serverTimeMs());
        assertEquals(1, ring.counters().get(RingCounters.LOGINS));
        assertEquals(1, ring.counters().get(RingCounters.SIGNED_LOGINS));
    }

    @Test
    void shouldTakeAFrameOnceOnAnyConnection() throws Exception
    {
        final int length = device.loginSigned(out, userId, 1, nowMs);
        final byte[] frame = frameOf(length);
        final long first = open();
        publish(first, length);
        dutyCycle.doWork();
        assertNotNull(first(first, LoginAckDecoder.TEMPLATE_ID));

        nowMs += 5;
        final long replayed = open();
        out.putBytes(0, frame);
        publish(replayed, length);
        dutyCycle.doWork();
        assertRefused(replayed);
        assertEquals(1, ring.counters().get(RingCounters.LOGINS));
        assertEquals(1, ring.counters().get(RingCounters.LOGIN_FAILURES));
    }

    @Test
    void shouldRefuseATimeAWindowOrMoreFromTheClock() throws Exception
    {
        nowMs += 100_000;
        for (final long timestampMs : new long[]{ nowMs - WINDOW_MS, nowMs + WINDOW_MS })
        {
            final long connectionId = open();
            publish(connectionId, device.loginSigned(out, userId, 1, timestampMs));
            dutyCycle.doWork();
            assertRefused(connectionId);
        }

        final long connectionId = open();
        publish(connectionId, device.loginSigned(out, userId, 1, nowMs - WINDOW_MS + 1));
        dutyCycle.doWork();
        assertNotNull(first(connectionId, LoginAckDecoder.TEMPLATE_ID), "just inside the window");
    }

    @Test
    void shouldRefuseALoginSignedBeforeTheServerStarted() throws Exception
    {
        final long connectionId = open();
        publish(connectionId, device.loginSigned(out, userId, 1, startMs - 1));
        dutyCycle.doWork();
        assertRefused(connectionId);
    }

    @Test
    void shouldRefuseAnOlderLoginOfTheDeviceAfterANewerOne() throws Exception
    {
        final long newer = open();
        publish(newer, device.loginSigned(out, userId, 1, nowMs));
        dutyCycle.doWork();
        assertNotNull(first(newer, LoginAckDecoder.TEMPLATE_ID));

        final long older = open();
        publish(older, device.loginSigned(out, userId, 1, nowMs - 1));
        dutyCycle.doWork();
        assertRefused(older);
    }

    @Test
    void shouldRefuseAnotherKeysSignatureAndANoncesSignature() throws Exception
    {
        final LoginFrames stranger = new LoginFrames();
        final long forged = open();
        publish(forged, stranger.loginSigned(out, userId, 1, nowMs));
        dutyCycle.doWork();
        assertRefused(forged);

        final long nonceSigned = open();
        publish(nonceSigned, device.loginSignedWithNonceSignature(out, userId, 1, nowMs, new byte[32]));
        dutyCycle.doWork();
        assertRefused(nonceSigned);

        final long unknownDevice = open();
        publish(unknownDevice, device.loginSigned(out, userId, 2, nowMs));
        dutyCycle.doWork();
        assertRefused(unknownDevice);

        final long good = open();
        publish(good, device.loginSigned(out, userId, 1, nowMs));
        dutyCycle.doWork();
        assertNotNull(first(good, LoginAckDecoder.TEMPLATE_ID), "refusals leave the device's next login good");
    }

    @Test
    void shouldLogInOnlyOneOfTwoCopiesRacingThroughTheVerifierThread() throws Exception
    {
        ring.close();
        launchRing(true);
        nowMs += 1; // a login signed at the (new) server's start would be refused as one from before it
        final int length = device.loginSigned(out, userId, 1, nowMs);
        final byte[] frame = frameOf(length);
        final long first = open();
        final long second = open();
        publish(first, length);
        out.putBytes(0, frame);
        publish(second, length);

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (null == first(first, LoginAckDecoder.TEMPLATE_ID) && null == first(second, ErrorDecoder.TEMPLATE_ID) &&
            System.nanoTime() < deadlineNs)
        {
            dutyCycle.doWork();
        }
        while (ring.loginChecksInFlight() > 0 && System.nanoTime() < deadlineNs)
        {
            dutyCycle.doWork();
        }
        dutyCycle.doWork();
        assertEquals(0, ring.counters().get(RingCounters.LOGINS_VERIFIED_INLINE), "both went to the verifier");
        assertNotNull(first(first, LoginAckDecoder.TEMPLATE_ID));
        assertRefused(second);
        assertEquals(1, ring.counters().get(RingCounters.LOGINS));
    }

    private void assertRefused(final long connectionId)
    {
        assertNull(first(connectionId, LoginAckDecoder.TEMPLATE_ID));
        final DirectBuffer frame = first(connectionId, ErrorDecoder.TEMPLATE_ID);
        assertNotNull(frame, "no Error for connection " + connectionId);
        final ErrorDecoder error = new ErrorDecoder();
        error.wrap(frame, InboundFrame.BODY_OFFSET, ErrorDecoder.BLOCK_LENGTH, 1);
        assertEquals(ErrorCode.LOGIN_FAILED, error.code());
        assertEquals(LoginSignedDecoder.TEMPLATE_ID, error.templateId());
        assertEquals(6, error.requestId());
    }

    private void launchRing(final boolean loginVerifierThread)
    {
        ring = RingPipeline.launch(new RingContext()
            .loginVerifierThread(loginVerifierThread)
            .state(state)
            .journal(journal)
            .outbound(outbound = new RecordingOutbound())
            .codeSender((phone, code) -> codes.put(phone.toString(), code.toString()))
            .epochClock(() -> nowMs)
            .signedLoginWindowNs(TimeUnit.MILLISECONDS.toNanos(WINDOW_MS))
            .dutyCycle(true)
            .ringSize(1024));
        publisher = ring.publisher();
        dutyCycle = ring.dutyCycle();
    }

    private long register(final LoginFrames device, final String phone) throws Exception
    {
        assertTrue(publisher.publishOpened(POLLER, REGISTER_CONNECTION, 0x7F000001L));
        publish(REGISTER_CONNECTION, device.register(out, phone));
        dutyCycle.doWork();
        publish(REGISTER_CONNECTION, device.verify(out, phone, codes.get(phone)));
        dutyCycle.doWork();
        final VerifyAckDecoder verifyAck = new VerifyAckDecoder();
        verifyAck.wrap(first(REGISTER_CONNECTION, VerifyAckDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET,
            VerifyAckDecoder.BLOCK_LENGTH, 1);
        assertEquals(1, verifyAck.deviceId());
        assertTrue(publisher.publishClosed(POLLER, REGISTER_CONNECTION));
        dutyCycle.doWork();
        return verifyAck.userId();
    }

    private long open()
    {
        final long connectionId = nextConnectionId++;
        assertTrue(publisher.publishOpened(POLLER, connectionId, 0x7F000001L));
        return connectionId;
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

    /** The frame {@link #publish} sends for the body in {@link #out}, to send again. */
    private byte[] frameOf(final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(out, 0, messageLength);
        final byte[] frame = new byte[Sofh.HEADER_LENGTH + messageLength];
        out.getBytes(0, frame);
        return frame;
    }
}
