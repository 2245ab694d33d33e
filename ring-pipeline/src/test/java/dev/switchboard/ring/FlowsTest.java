package dev.switchboard.ring;

import dev.switchboard.codec.sbe.BlockDecoder;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.DeliverAckDecoder;
import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.GroupCreateDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchDecoder;
import dev.switchboard.codec.sbe.KeyBundleUploadDecoder;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.codec.sbe.LoginStartDecoder;
import dev.switchboard.codec.sbe.LogoutDecoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeDecoder;
import dev.switchboard.codec.sbe.MediaTicketRequestDecoder;
import dev.switchboard.codec.sbe.PrivacySettingsDecoder;
import dev.switchboard.codec.sbe.PushTokenUpdateDecoder;
import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.RegisterDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SendGroupDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.TypingDecoder;
import dev.switchboard.codec.sbe.UnblockDecoder;
import dev.switchboard.codec.sbe.VerifyDecoder;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each request template has its flow, with the login state it needs and whether it counts against the frame rate;
 * anything else is refused.
 */
class FlowsTest
{
    private final Flows flows = new Flows(new RingContext().nanoClock(SystemNanoClock.INSTANCE));

    @Test
    void shouldPickTheFlowOfEachServedRequest()
    {
        assertInstanceOf(PingFlow.class, flows.request(PingDecoder.TEMPLATE_ID));
        assertInstanceOf(RegisterFlow.class, flows.request(RegisterDecoder.TEMPLATE_ID));
        assertInstanceOf(VerifyFlow.class, flows.request(VerifyDecoder.TEMPLATE_ID));
        assertInstanceOf(LoginStartFlow.class, flows.request(LoginStartDecoder.TEMPLATE_ID));
        assertInstanceOf(LoginProofFlow.class, flows.request(LoginProofDecoder.TEMPLATE_ID));
        assertInstanceOf(LogoutFlow.class, flows.request(LogoutDecoder.TEMPLATE_ID));
        assertInstanceOf(SendFlow.class, flows.request(SendDecoder.TEMPLATE_ID));
        assertInstanceOf(DeliverAckFlow.class, flows.request(DeliverAckDecoder.TEMPLATE_ID));
        assertInstanceOf(ReadMarkFlow.class, flows.request(ReadMarkDecoder.TEMPLATE_ID));
        assertInstanceOf(TypingFlow.class, flows.request(TypingDecoder.TEMPLATE_ID));
        assertInstanceOf(ContactLookupFlow.class, flows.request(ContactLookupDecoder.TEMPLATE_ID));
        assertInstanceOf(PresenceSubscribeFlow.class, flows.request(PresenceSubscribeDecoder.TEMPLATE_ID));
        assertInstanceOf(PresenceUnsubscribeFlow.class, flows.request(PresenceUnsubscribeDecoder.TEMPLATE_ID));
        assertInstanceOf(BlockFlow.class, flows.request(BlockDecoder.TEMPLATE_ID));
        assertInstanceOf(BlockFlow.class, flows.request(UnblockDecoder.TEMPLATE_ID));
        assertNotSame(flows.request(BlockDecoder.TEMPLATE_ID), flows.request(UnblockDecoder.TEMPLATE_ID));
        assertInstanceOf(PrivacySettingsFlow.class, flows.request(PrivacySettingsDecoder.TEMPLATE_ID));
        assertInstanceOf(PushTokenFlow.class, flows.request(PushTokenUpdateDecoder.TEMPLATE_ID));
        assertInstanceOf(KeyBundleUploadFlow.class, flows.request(KeyBundleUploadDecoder.TEMPLATE_ID));
        assertInstanceOf(KeyBundleFetchFlow.class, flows.request(KeyBundleFetchDecoder.TEMPLATE_ID));
        assertInstanceOf(MediaTicketFlow.class, flows.request(MediaTicketRequestDecoder.TEMPLATE_ID));
        assertEquals(Flow.AFTER_LOGIN, flows.request(MediaTicketRequestDecoder.TEMPLATE_ID).access);
    }

    @Test
    void shouldGiveEachFlowTheIdASlotNamesItBy()
    {
        final Set<Integer> ids = new HashSet<>();
        for (int templateId = 0; templateId < 256; templateId++)
        {
            final Flow flow = flows.request(templateId);
            assertSame(flow, flows.byId(flow.id));
            ids.add(flow.id);
        }
        for (int kind = RingEvent.KIND_FRAME + 1; kind <= RingEvent.KIND_LOGIN_VERDICT; kind++)
        {
            final Flow flow = flows.control(kind);
            assertNotEquals(Flow.NONE_ID, flow.id);
            assertSame(flow, flows.byId(flow.id));
            ids.add(flow.id);
        }
        assertFalse(ids.contains(Flow.NONE_ID));
        assertSame(Flow.NONE, flows.byId(Flow.NONE_ID));
        assertNotEquals(flows.request(BlockDecoder.TEMPLATE_ID).id, flows.request(UnblockDecoder.TEMPLATE_ID).id);
    }

    @Test
    void shouldServeLoginStateAsEachRequestNeeds()
    {
        assertEquals(Flow.ANYONE, flows.request(PingDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.BEFORE_LOGIN, flows.request(RegisterDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.BEFORE_LOGIN, flows.request(VerifyDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.BEFORE_LOGIN, flows.request(LoginStartDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.BEFORE_LOGIN, flows.request(LoginProofDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.AFTER_LOGIN, flows.request(SendDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.AFTER_LOGIN, flows.request(LogoutDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.AFTER_LOGIN, flows.request(SentAckDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.AFTER_LOGIN, flows.request(KeyBundleUploadDecoder.TEMPLATE_ID).access);
        assertEquals(Flow.AFTER_LOGIN, flows.request(KeyBundleFetchDecoder.TEMPLATE_ID).access);
    }

    @Test
    void shouldRateLimitEverythingButAcks()
    {
        assertFalse(flows.request(DeliverAckDecoder.TEMPLATE_ID).rateLimited);
        assertTrue(flows.request(SendDecoder.TEMPLATE_ID).rateLimited);
        assertTrue(flows.request(PingDecoder.TEMPLATE_ID).rateLimited);
        assertTrue(flows.request(RegisterDecoder.TEMPLATE_ID).rateLimited);
        assertTrue(flows.request(65_535).rateLimited);
    }

    @Test
    void shouldServeEveryClientRequestAndRefuseServerTemplates()
    {
        assertInstanceOf(KeyBundleUploadFlow.class, flows.request(KeyBundleUploadDecoder.TEMPLATE_ID));
        assertInstanceOf(KeyBundleFetchFlow.class, flows.request(KeyBundleFetchDecoder.TEMPLATE_ID));
        assertInstanceOf(SendGroupFlow.class, flows.request(SendGroupDecoder.TEMPLATE_ID));
        assertInstanceOf(GroupCreateFlow.class, flows.request(GroupCreateDecoder.TEMPLATE_ID));

        final Flow unknown = flows.request(SentAckDecoder.TEMPLATE_ID);
        assertInstanceOf(UnsupportedFlow.class, unknown);
        assertSame(unknown, flows.request(DeliverDecoder.TEMPLATE_ID));
        assertSame(unknown, flows.request(0));
        assertSame(unknown, flows.request(65_535));
    }

    @Test
    void shouldPickTheFlowOfEachControlEvent()
    {
        assertInstanceOf(OpenedFlow.class, flows.control(RingEvent.KIND_OPENED));
        assertInstanceOf(ClosedFlow.class, flows.control(RingEvent.KIND_CLOSED));
        assertInstanceOf(TickFlow.class, flows.control(RingEvent.KIND_TICK));
        assertInstanceOf(CongestionFlow.class, flows.control(RingEvent.KIND_CONGESTION));
        assertSame(Flow.NONE, flows.control(RingEvent.KIND_FRAME));
        assertSame(Flow.NONE, flows.control(99));
    }
}
