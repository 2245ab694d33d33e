package dev.switchboard.ring;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LinkDeviceDecoder;
import dev.switchboard.state.DeviceKeys;
import dev.switchboard.state.Devices;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * LinkDevice, from a new device before login: it offers a link code with its login key and registration id.
 * Session: check the key, then the code ({@link DeviceLinks#offer}: every try costs the source address an attempt);
 * a good code is used up, the device is answered LinkPending (with its key's fingerprint and how long the primary has)
 * and the link waits for the primary's LinkApprove. Delivery: LinkRequest to the primary's connection.
 * Refused CODE_INVALID (wrong, used or unknown code), CODE_EXPIRED, TOO_MANY_ATTEMPTS, and LINK_DECLINED when the
 * primary is not online to be asked (the code is then used up too).
 */
final class LinkDeviceFlow extends Flow
{
    private static final byte[] PRIMARY_OFFLINE = "primary device offline".getBytes(StandardCharsets.UTF_8);

    private final LinkDeviceDecoder decoder = new LinkDeviceDecoder();
    private final LinkEncoders sessionEncoders = new LinkEncoders();
    private final LinkEncoders deliveryEncoders = new LinkEncoders();
    private final UnsafeBuffer deliveryScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));

    LinkDeviceFlow()
    {
        super(BEFORE_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(decoder);
        final int registrationId = (int)decoder.registrationId();
        final String code = decoder.code();
        final int keyLength = decoder.loginKeyLength();
        if (LoginVerifier.PUBLIC_KEY_LENGTH != keyLength)
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }
        final byte[] key = new byte[LoginVerifier.PUBLIC_KEY_LENGTH];
        decoder.getLoginKey(key, 0, keyLength);
        if (!LoginVerifier.isValidPublicKey(key))
        {
            stage.reject(event, session, ErrorCode.INVALID_FIELD);
            return;
        }

        switch (stage.links.offer(code, session.remoteAddress, stage.nanoClock.nanoTime()))
        {
            case DeviceLinks.OK:
                break;

            case DeviceLinks.EXPIRED:
                stage.refuse(event, ErrorCode.CODE_EXPIRED);
                return;

            case DeviceLinks.TOO_MANY_ATTEMPTS:
                stage.counters.increment(RingCounters.RATE_LIMITED);
                stage.refuse(event, ErrorCode.TOO_MANY_ATTEMPTS);
                return;

            default:
                stage.refuse(event, ErrorCode.CODE_INVALID);
                return;
        }

        final DeviceLink link = stage.links.found();
        final long primaryConnectionId =
            stage.connectionByDevice.get(DeviceKeys.pack(link.userId, Devices.PRIMARY_DEVICE_ID));
        final Session primary = SessionStage.NO_CONNECTION == primaryConnectionId ?
            null : stage.sessionByConnection.get(primaryConnectionId);
        if (null == primary)
        {
            stage.links.remove(link);
            stage.refuse(event, ErrorCode.LINK_DECLINED);
            event.reply.length = stage.encoders.error(
                event.reply.buffer, frame.requestId, frame.templateId, ErrorCode.LINK_DECLINED, PRIMARY_OFFLINE);
            return;
        }

        link.newPollerIndex = session.pollerIndex;
        link.newConnectionId = session.connectionId;
        link.linkDeviceRequestId = frame.requestId;
        link.registrationId = registrationId;
        System.arraycopy(key, 0, link.loginKey, 0, key.length);
        stage.links.fingerprint(key, link.fingerprint);
        link.primaryPollerIndex = primary.pollerIndex;
        link.primaryConnectionId = primary.connectionId;
        event.link = link;
        event.reply.length = sessionEncoders.linkPending(
            event.reply.buffer, frame.requestId, stage.links.ttlSeconds(), link.fingerprint);
    }

    void deliver(final RingEvent event, final DeliveryStage stage)
    {
        final DeviceLink link = event.link;
        final int length = deliveryEncoders.linkRequest(deliveryScratch, link);
        stage.send(link.primaryPollerIndex, link.primaryConnectionId, deliveryScratch, length);
    }
}
