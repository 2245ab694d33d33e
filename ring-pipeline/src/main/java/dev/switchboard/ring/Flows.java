package dev.switchboard.ring;

import dev.switchboard.codec.sbe.BlockDecoder;
import dev.switchboard.codec.sbe.CallAnswerDecoder;
import dev.switchboard.codec.sbe.CallHangupDecoder;
import dev.switchboard.codec.sbe.CallIceCandidateDecoder;
import dev.switchboard.codec.sbe.CallOfferDecoder;
import dev.switchboard.codec.sbe.ContactLookupDecoder;
import dev.switchboard.codec.sbe.DeliverAckDecoder;
import dev.switchboard.codec.sbe.DeviceListRequestDecoder;
import dev.switchboard.codec.sbe.GroupCreateDecoder;
import dev.switchboard.codec.sbe.GroupInfoRequestDecoder;
import dev.switchboard.codec.sbe.GroupLeaveDecoder;
import dev.switchboard.codec.sbe.GroupTypingDecoder;
import dev.switchboard.codec.sbe.GroupUpdateDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchDecoder;
import dev.switchboard.codec.sbe.KeyBundleUploadDecoder;
import dev.switchboard.codec.sbe.LinkApproveDecoder;
import dev.switchboard.codec.sbe.LinkDeviceDecoder;
import dev.switchboard.codec.sbe.LinkStartDecoder;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.codec.sbe.LoginSignedDecoder;
import dev.switchboard.codec.sbe.LoginStartDecoder;
import dev.switchboard.codec.sbe.LogoutDecoder;
import dev.switchboard.codec.sbe.MediaTicketRequestDecoder;
import dev.switchboard.codec.sbe.PingDecoder;
import dev.switchboard.codec.sbe.PresenceSubscribeDecoder;
import dev.switchboard.codec.sbe.PresenceUnsubscribeDecoder;
import dev.switchboard.codec.sbe.PrivacySettingsDecoder;
import dev.switchboard.codec.sbe.PushTokenUpdateDecoder;
import dev.switchboard.codec.sbe.ReadMarkDecoder;
import dev.switchboard.codec.sbe.RegisterDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SendGroupDecoder;
import dev.switchboard.codec.sbe.TurnCredentialsRequestDecoder;
import dev.switchboard.codec.sbe.TypingDecoder;
import dev.switchboard.codec.sbe.UnblockDecoder;
import dev.switchboard.codec.sbe.UnlinkDecoder;
import dev.switchboard.codec.sbe.VerifyDecoder;

import java.util.Arrays;

/**
 * Which {@link Flow} serves each request template and each control event, built once per pipeline. A new request is
 * one new flow class and one line here. A template with no flow (a server-to-client one) is refused with a strike.
 * Each flow gets an id here, its index in {@link #byId}: what a ring slot holds, and what the route and delivery
 * stages look the flow up by. One table serves the three stages.
 */
final class Flows
{
    private final Flow unknown = new UnsupportedFlow();
    private final Flow[] byKind = new Flow[RingEvent.KIND_LOGIN_VERDICT + 1];
    private Flow[] byTemplateId = new Flow[0];
    private Flow[] byId = { Flow.NONE };

    Flows(final RingContext ctx)
    {
        register(unknown);
        final PreKeyStockNotices preKeyStockNotices = new PreKeyStockNotices(ctx);
        final LoginVerdictFlow loginVerdict = new LoginVerdictFlow(preKeyStockNotices, ctx.loginSignatures());
        control(RingEvent.KIND_OPENED, new OpenedFlow());
        control(RingEvent.KIND_CLOSED, new ClosedFlow());
        control(RingEvent.KIND_TICK, new TickFlow(ctx.nanoClock()));
        control(RingEvent.KIND_CONGESTION, new CongestionFlow());
        control(RingEvent.KIND_LOGIN_VERDICT, loginVerdict);

        request(PingDecoder.TEMPLATE_ID, new PingFlow());
        request(RegisterDecoder.TEMPLATE_ID, new RegisterFlow());
        request(VerifyDecoder.TEMPLATE_ID, new VerifyFlow());
        request(LoginStartDecoder.TEMPLATE_ID, new LoginStartFlow());
        request(LoginProofDecoder.TEMPLATE_ID, new LoginProofFlow(loginVerdict));
        request(LoginSignedDecoder.TEMPLATE_ID, new LoginSignedFlow(loginVerdict));
        request(LogoutDecoder.TEMPLATE_ID, new LogoutFlow());
        request(SendDecoder.TEMPLATE_ID, new SendFlow());
        request(DeliverAckDecoder.TEMPLATE_ID, new DeliverAckFlow());
        request(ReadMarkDecoder.TEMPLATE_ID, new ReadMarkFlow());
        request(TypingDecoder.TEMPLATE_ID, new TypingFlow());
        request(ContactLookupDecoder.TEMPLATE_ID, new ContactLookupFlow());
        request(PresenceSubscribeDecoder.TEMPLATE_ID, new PresenceSubscribeFlow());
        request(PresenceUnsubscribeDecoder.TEMPLATE_ID, new PresenceUnsubscribeFlow());
        request(BlockDecoder.TEMPLATE_ID, new BlockFlow(true));
        request(UnblockDecoder.TEMPLATE_ID, new BlockFlow(false));
        request(PrivacySettingsDecoder.TEMPLATE_ID, new PrivacySettingsFlow());
        request(PushTokenUpdateDecoder.TEMPLATE_ID, new PushTokenFlow());
        request(GroupCreateDecoder.TEMPLATE_ID, new GroupCreateFlow());
        request(GroupInfoRequestDecoder.TEMPLATE_ID, new GroupInfoRequestFlow());
        request(SendGroupDecoder.TEMPLATE_ID, new SendGroupFlow());
        request(GroupUpdateDecoder.TEMPLATE_ID, new GroupUpdateFlow());
        request(GroupLeaveDecoder.TEMPLATE_ID, new GroupLeaveFlow());
        request(GroupTypingDecoder.TEMPLATE_ID, new GroupTypingFlow());
        request(KeyBundleUploadDecoder.TEMPLATE_ID, new KeyBundleUploadFlow(ctx));
        request(KeyBundleFetchDecoder.TEMPLATE_ID, new KeyBundleFetchFlow(ctx, preKeyStockNotices));
        request(MediaTicketRequestDecoder.TEMPLATE_ID, new MediaTicketFlow(ctx));
        request(LinkStartDecoder.TEMPLATE_ID, new LinkStartFlow());
        request(LinkDeviceDecoder.TEMPLATE_ID, new LinkDeviceFlow());
        request(LinkApproveDecoder.TEMPLATE_ID, new LinkApproveFlow());
        request(DeviceListRequestDecoder.TEMPLATE_ID, new DeviceListFlow());
        request(UnlinkDecoder.TEMPLATE_ID, new UnlinkFlow(ctx));
        request(CallOfferDecoder.TEMPLATE_ID, new CallOfferFlow(ctx.calls()));
        request(CallAnswerDecoder.TEMPLATE_ID, new CallAnswerFlow(ctx.calls()));
        request(CallIceCandidateDecoder.TEMPLATE_ID, new CallIceCandidateFlow(ctx.calls()));
        request(CallHangupDecoder.TEMPLATE_ID, new CallHangupFlow());
        request(TurnCredentialsRequestDecoder.TEMPLATE_ID, new TurnCredentialsFlow(ctx.calls()));
    }

    /**
     * The flow of a request template; never null.
     */
    Flow request(final int templateId)
    {
        final Flow flow = templateId < byTemplateId.length ? byTemplateId[templateId] : null;
        return null == flow ? unknown : flow;
    }

    /**
     * The flow of a control event kind; never null.
     */
    Flow control(final int kind)
    {
        final Flow flow = kind >= 0 && kind < byKind.length ? byKind[kind] : null;
        return null == flow ? Flow.NONE : flow;
    }

    /**
     * The flow a slot's {@link RingEvent#flowId} names; {@link Flow#NONE} for {@link Flow#NONE_ID}.
     */
    Flow byId(final int id)
    {
        return byId[id];
    }

    private void register(final Flow flow)
    {
        if (Flow.NONE != flow && Flow.NONE_ID == flow.id)
        {
            flow.id = byId.length;
            byId = Arrays.copyOf(byId, byId.length + 1);
            byId[flow.id] = flow;
        }
    }

    private void request(final int templateId, final Flow flow)
    {
        if (templateId >= byTemplateId.length)
        {
            byTemplateId = Arrays.copyOf(byTemplateId, templateId + 1);
        }
        if (null != byTemplateId[templateId])
        {
            throw new IllegalStateException("two flows for template " + templateId);
        }
        byTemplateId[templateId] = flow;
        register(flow);
    }

    private void control(final int kind, final Flow flow)
    {
        byKind[kind] = flow;
        register(flow);
    }
}
