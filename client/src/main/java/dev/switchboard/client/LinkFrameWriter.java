package dev.switchboard.client;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeviceListRequestEncoder;
import dev.switchboard.codec.sbe.LinkApproveEncoder;
import dev.switchboard.codec.sbe.LinkDeviceEncoder;
import dev.switchboard.codec.sbe.LinkStartEncoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.UnlinkEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the linked-device requests, {@link Sofh} header included, at an offset; each returns the frame length.
 * Used by the I/O thread only: the flyweights are reused.
 */
final class LinkFrameWriter
{
    private static final int MESSAGE_OFFSET = Sofh.HEADER_LENGTH;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final LinkStartEncoder linkStartEncoder = new LinkStartEncoder();
    private final LinkDeviceEncoder linkDeviceEncoder = new LinkDeviceEncoder();
    private final LinkApproveEncoder linkApproveEncoder = new LinkApproveEncoder();
    private final DeviceListRequestEncoder deviceListRequestEncoder = new DeviceListRequestEncoder();
    private final UnlinkEncoder unlinkEncoder = new UnlinkEncoder();

    int linkStart(final MutableDirectBuffer buffer, final int offset, final long requestId)
    {
        linkStartEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder).requestId(requestId);
        return frame(buffer, offset, linkStartEncoder.encodedLength());
    }

    int linkDevice(
        final MutableDirectBuffer buffer,
        final int offset,
        final long requestId,
        final int registrationId,
        final String code,
        final byte[] loginKey)
    {
        linkDeviceEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .registrationId(registrationId)
            .code(code)
            .putLoginKey(loginKey, 0, loginKey.length);
        return frame(buffer, offset, linkDeviceEncoder.encodedLength());
    }

    int linkApprove(
        final MutableDirectBuffer buffer, final int offset, final long requestId, final long linkId, final boolean approve)
    {
        linkApproveEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .linkId(linkId)
            .approve((short)(approve ? 1 : 0));
        return frame(buffer, offset, linkApproveEncoder.encodedLength());
    }

    int deviceListRequest(final MutableDirectBuffer buffer, final int offset, final long requestId)
    {
        deviceListRequestEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId);
        return frame(buffer, offset, deviceListRequestEncoder.encodedLength());
    }

    int unlink(final MutableDirectBuffer buffer, final int offset, final long requestId, final int deviceId)
    {
        unlinkEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .requestId(requestId)
            .deviceId(deviceId);
        return frame(buffer, offset, unlinkEncoder.encodedLength());
    }

    private static int frame(final MutableDirectBuffer buffer, final int offset, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, offset, messageLength);
        return Sofh.HEADER_LENGTH + messageLength;
    }
}
