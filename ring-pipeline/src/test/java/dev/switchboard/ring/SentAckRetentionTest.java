package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.SendEncoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SENT ack the edge cannot take (its queue full) is not lost: it goes out once the edge takes frames again.
 */
@Timeout(60)
class SentAckRetentionTest
{
    private static final int POLLER = 0;
    private static final long CONNECTION = 7;
    private static final String PHONE = "+15551310001";

    @TempDir
    File dataDir;

    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private volatile boolean edgeFull;
    private SwitchboardState state;
    private Journal journal;
    private RingPipeline ring;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(ring, journal, state);
    }

    @Test
    void shouldSendAHeldSentAckOnceTheEdgeTakesFramesAgain() throws Exception
    {
        state = SwitchboardState.open(new StateContext().dataDir(new File(dataDir, "state")).maxAccounts(1_000));
        journal = Journal.open(new JournalContext()
            .dataDir(new File(dataDir, "journal"))
            .syncPolicy(SyncPolicy.NONE)
            .resendCapacity(1024));
        ring = RingPipeline.launch(new RingContext()
            .state(state)
            .journal(journal)
            .outbound(new FakeEdge())
            .codeSender((phone, code) -> codes.put(phone.toString(), code.toString()))
            .ringSize(1024));
        final RingPublisher publisher = ring.publisher();
        assertTrue(publisher.publishOpened(POLLER, CONNECTION, 0x7F000001L));

        final LoginFrames device = new LoginFrames();
        publish(publisher, device.register(out, PHONE));
        final String code = await(() -> codes.get(PHONE));

        publish(publisher, device.verify(out, PHONE, code));
        final VerifyAckDecoder verifyAck = new VerifyAckDecoder();
        final UnsafeBuffer verifyFrame = awaitFrame(VerifyAckDecoder.TEMPLATE_ID);
        verifyAck.wrap(verifyFrame, InboundFrame.BODY_OFFSET, VerifyAckDecoder.BLOCK_LENGTH, 1);
        final long userId = verifyAck.userId();
        final int deviceId = verifyAck.deviceId();

        publish(publisher, device.loginStart(out, userId, deviceId));
        publish(publisher, device.loginProof(out, awaitFrame(LoginChallengeDecoder.TEMPLATE_ID)));
        awaitFrame(dev.switchboard.codec.sbe.LoginAckDecoder.TEMPLATE_ID);

        // The edge's queue is full while a message to self is sent: no SENT can go out, none may be lost.
        edgeFull = true;
        final SendEncoder send = new SendEncoder();
        send.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, header).clientMsgId(42);
        send.to().userId(userId).deviceId(deviceId);
        send.putPayload(new byte[]{ 1, 2, 3 }, 0, 3);
        publish(publisher, send.encodedLength());
        await(() -> ring.counters().get(RingCounters.OUTBOUND_FULL) > 0 ? Boolean.TRUE : null);
        assertEquals(0, count(SentAckDecoder.TEMPLATE_ID));

        edgeFull = false;
        assertTrue(publisher.publishTick()); // any later batch flushes what was held
        final SentAckDecoder sentAck = new SentAckDecoder();
        sentAck.wrap(awaitFrame(SentAckDecoder.TEMPLATE_ID), InboundFrame.BODY_OFFSET, SentAckDecoder.BLOCK_LENGTH, 1);
        assertEquals(42, sentAck.clientMsgId());
        assertEquals(1, count(SentAckDecoder.TEMPLATE_ID));
    }

    private void publish(final RingPublisher publisher, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(out, 0, messageLength);
        assertTrue(publisher.publishFrame(POLLER, CONNECTION, out, 0, Sofh.HEADER_LENGTH + messageLength));
    }

    private static int templateId(final byte[] frame)
    {
        return new MessageHeaderDecoder().wrap(new UnsafeBuffer(frame), Sofh.HEADER_LENGTH).templateId();
    }

    private long count(final int templateId)
    {
        return sent.stream().filter((frame) -> templateId(frame) == templateId).count();
    }

    private UnsafeBuffer awaitFrame(final int templateId) throws InterruptedException
    {
        final Predicate<byte[]> matches = (frame) -> templateId(frame) == templateId;
        return new UnsafeBuffer(await(() -> sent.stream().filter(matches).findFirst().orElse(null)));
    }

    private static <T> T await(final java.util.function.Supplier<T> supplier) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final T value = supplier.get();
            if (null != value)
            {
                return value;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("timed out");
    }

    /**
     * Takes frames unless told its queue is full.
     */
    private final class FakeEdge implements OutboundFrames
    {
        public boolean send(
            final int pollerIndex, final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            if (edgeFull)
            {
                return false;
            }
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            sent.add(frame);
            return true;
        }

        public boolean close(final int pollerIndex, final long connectionId)
        {
            return true;
        }
    }
}
