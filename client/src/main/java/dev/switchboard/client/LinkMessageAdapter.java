package dev.switchboard.client;

import dev.switchboard.codec.sbe.DeviceListDecoder;
import dev.switchboard.codec.sbe.IdentityChangedDecoder;
import dev.switchboard.codec.sbe.LinkCodeDecoder;
import dev.switchboard.codec.sbe.LinkPendingDecoder;
import dev.switchboard.codec.sbe.LinkRequestDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the frames of linked devices and identity notices for the {@link ServerMessageAdapter}, checking every
 * length against the frame's end before a decoder reads it, and hands them to the {@link ServerMessageHandler}.
 */
final class LinkMessageAdapter
{
    private final ServerMessageHandler handler;
    private final LinkCodeDecoder linkCodeDecoder = new LinkCodeDecoder();
    private final LinkPendingDecoder linkPendingDecoder = new LinkPendingDecoder();
    private final LinkRequestDecoder linkRequestDecoder = new LinkRequestDecoder();
    private final DeviceListDecoder deviceListDecoder = new DeviceListDecoder();
    private final IdentityChangedDecoder identityChangedDecoder = new IdentityChangedDecoder();

    LinkMessageAdapter(final ServerMessageHandler handler)
    {
        this.handler = handler;
    }

    static boolean handles(final int templateId)
    {
        switch (templateId)
        {
            case LinkCodeDecoder.TEMPLATE_ID:
            case LinkPendingDecoder.TEMPLATE_ID:
            case LinkRequestDecoder.TEMPLATE_ID:
            case DeviceListDecoder.TEMPLATE_ID:
            case IdentityChangedDecoder.TEMPLATE_ID:
                return true;
            default:
                return false;
        }
    }

    /**
     * @return false if the frame is malformed.
     */
    boolean dispatch(
        final int templateId,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version,
        final int end)
    {
        switch (templateId)
        {
            case LinkCodeDecoder.TEMPLATE_ID:
                return onLinkCode(buffer, offset, blockLength, version, end);
            case LinkPendingDecoder.TEMPLATE_ID:
                return onLinkPending(buffer, offset, blockLength, version, end);
            case LinkRequestDecoder.TEMPLATE_ID:
                return onLinkRequest(buffer, offset, blockLength, version, end);
            case DeviceListDecoder.TEMPLATE_ID:
                return onDeviceList(buffer, offset, blockLength, version, end);
            case IdentityChangedDecoder.TEMPLATE_ID:
                return onIdentityChanged(buffer, offset, blockLength, version);
            default:
                return false;
        }
    }

    private boolean onLinkCode(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < LinkCodeDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final LinkCodeDecoder decoder = linkCodeDecoder.wrap(buffer, offset, blockLength, version);
        final int length = shortVarDataLength(buffer, decoder.limit(), end);
        if (length < 0)
        {
            return false;
        }
        final long requestId = decoder.requestId();
        final long ttlSeconds = decoder.codeTtlSeconds();
        final byte[] code = new byte[length];
        decoder.getCode(code, 0, length);
        handler.onLinkCode(requestId, ttlSeconds, new String(code, StandardCharsets.UTF_8));
        return true;
    }

    private boolean onLinkPending(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < LinkPendingDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final LinkPendingDecoder decoder = linkPendingDecoder.wrap(buffer, offset, blockLength, version);
        final int length = shortVarDataLength(buffer, decoder.limit(), end);
        if (length < 0)
        {
            return false;
        }
        final long requestId = decoder.requestId();
        final long waitSeconds = decoder.waitSeconds();
        final byte[] fingerprint = new byte[length];
        decoder.getFingerprint(fingerprint, 0, length);
        handler.onLinkPending(requestId, waitSeconds, fingerprint);
        return true;
    }

    private boolean onLinkRequest(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < LinkRequestDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final LinkRequestDecoder decoder = linkRequestDecoder.wrap(buffer, offset, blockLength, version);
        final int length = shortVarDataLength(buffer, decoder.limit(), end);
        if (length < 0)
        {
            return false;
        }
        final long linkId = decoder.linkId();
        final int registrationId = (int)decoder.registrationId();
        final byte[] fingerprint = new byte[length];
        decoder.getFingerprint(fingerprint, 0, length);
        handler.onLinkRequest(new LinkRequest(linkId, registrationId, fingerprint));
        return true;
    }

    private boolean onDeviceList(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int end)
    {
        if (blockLength < DeviceListDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final DeviceListDecoder decoder = deviceListDecoder.wrap(buffer, offset, blockLength, version);
        final int position = decoder.limit();
        final int groupHeaderLength = DeviceListDecoder.DevicesDecoder.sbeHeaderSize();
        if (position + groupHeaderLength > end)
        {
            return false;
        }
        final int elementBlockLength = buffer.getShort(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(position + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (elementBlockLength < DeviceListDecoder.DevicesDecoder.sbeBlockLength() ||
            position + groupHeaderLength + (long)count * elementBlockLength > end)
        {
            return false;
        }
        final long requestId = decoder.requestId();
        final List<LinkedDevice> devices = new ArrayList<>(count);
        for (final DeviceListDecoder.DevicesDecoder device : decoder.devices())
        {
            devices.add(new LinkedDevice(
                device.deviceId(),
                (int)device.registrationId(),
                1 == device.primary(),
                1 == device.online(),
                device.lastSeenMs()));
        }
        handler.onDeviceList(requestId, devices);
        return true;
    }

    private boolean onIdentityChanged(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (blockLength < IdentityChangedDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final IdentityChangedDecoder decoder = identityChangedDecoder.wrap(buffer, offset, blockLength, version);
        handler.onIdentityChanged(
            decoder.messageId(), decoder.timestampMs(), decoder.device().userId(), decoder.device().deviceId());
        return true;
    }

    private static int shortVarDataLength(final DirectBuffer buffer, final int limit, final int end)
    {
        if (limit + 1 > end)
        {
            return -1;
        }
        final int length = buffer.getByte(limit) & 0xFF;
        return limit + 1 + length > end ? -1 : length;
    }
}
