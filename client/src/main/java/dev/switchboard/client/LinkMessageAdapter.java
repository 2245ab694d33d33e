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
        final byte[] code = shortVarData(buffer, decoder.limit(), end);
        if (null == code)
        {
            return false;
        }
        handler.onLinkCode(decoder.requestId(), decoder.codeTtlSeconds(), new String(code, StandardCharsets.UTF_8));
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
        final byte[] fingerprint = shortVarData(buffer, decoder.limit(), end);
        if (null == fingerprint)
        {
            return false;
        }
        handler.onLinkPending(decoder.requestId(), decoder.waitSeconds(), fingerprint);
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
        final byte[] fingerprint = shortVarData(buffer, decoder.limit(), end);
        if (null == fingerprint)
        {
            return false;
        }
        handler.onLinkRequest(new LinkRequest(decoder.linkId(), (int)decoder.registrationId(), fingerprint));
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

    /**
     * The bytes of the block's one short var-data field (uint8 length, then the bytes), or null if it runs past the
     * frame's end. The flyweights' own getters are not used: these frames have that one field, read here directly.
     */
    private static byte[] shortVarData(final DirectBuffer buffer, final int limit, final int end)
    {
        if (limit + 1 > end)
        {
            return null;
        }
        final int length = buffer.getByte(limit) & 0xFF;
        if (limit + 1 + length > end)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(limit + 1, bytes);
        return bytes;
    }
}
