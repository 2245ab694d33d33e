package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeviceListEncoder;
import dev.switchboard.codec.sbe.IdentityChangedEncoder;
import dev.switchboard.codec.sbe.LinkCodeEncoder;
import dev.switchboard.codec.sbe.LinkPendingEncoder;
import dev.switchboard.codec.sbe.LinkRequestEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the frames of linked devices and identity notices, {@link Sofh} header included, at offset 0 of a caller's
 * buffer; each method returns the frame length. One instance per thread: the flyweights are reused.
 */
final class LinkEncoders
{
    private static final int BODY_OFFSET = Sofh.HEADER_LENGTH;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final LinkCodeEncoder linkCode = new LinkCodeEncoder();
    private final LinkPendingEncoder linkPending = new LinkPendingEncoder();
    private final LinkRequestEncoder linkRequest = new LinkRequestEncoder();
    private final DeviceListEncoder deviceList = new DeviceListEncoder();
    private final IdentityChangedEncoder identityChanged = new IdentityChangedEncoder();

    int linkCode(final MutableDirectBuffer buffer, final long requestId, final long ttlSeconds, final String code)
    {
        linkCode.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .codeTtlSeconds(ttlSeconds)
            .code(code);
        return frame(buffer, linkCode.encodedLength());
    }

    int linkPending(
        final MutableDirectBuffer buffer, final long requestId, final long waitSeconds, final byte[] fingerprint)
    {
        linkPending.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .waitSeconds(waitSeconds)
            .putFingerprint(fingerprint, 0, fingerprint.length);
        return frame(buffer, linkPending.encodedLength());
    }

    int linkRequest(final MutableDirectBuffer buffer, final DeviceLink link)
    {
        linkRequest.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .linkId(link.linkId)
            .registrationId(link.registrationId)
            .putFingerprint(link.fingerprint, 0, link.fingerprint.length);
        return frame(buffer, linkRequest.encodedLength());
    }

    /**
     * Starts a DeviceList of this many devices: fill each with the returned encoder, then {@link #endDeviceList}.
     */
    DeviceListEncoder.DevicesEncoder deviceList(final MutableDirectBuffer buffer, final long requestId, final int count)
    {
        return deviceList.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .requestId(requestId)
            .devicesCount(count);
    }

    int endDeviceList(final MutableDirectBuffer buffer)
    {
        return frame(buffer, deviceList.encodedLength());
    }

    int identityChanged(
        final MutableDirectBuffer buffer,
        final long messageId,
        final long timestampMs,
        final long userId,
        final int deviceId)
    {
        identityChanged.wrapAndApplyHeader(buffer, BODY_OFFSET, header)
            .messageId(messageId)
            .timestampMs(timestampMs)
            .device().userId(userId).deviceId(deviceId);
        return frame(buffer, identityChanged.encodedLength());
    }

    private static int frame(final MutableDirectBuffer buffer, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
