package dev.switchboard.ring;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PreKeyStockEncoder;
import dev.switchboard.state.KeyDirectory;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Tells a device its one-time prekeys run low (PreKeyStock), on the delivery stage, which alone writes to
 * connections: when a fetch leaves its stock below {@link RingContext#preKeyLowStock()} while it is online, and
 * after its LoginAck while the stock is still below. A device that never uploaded keys is never told.
 */
final class PreKeyStockNotices
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final PreKeyStockEncoder encoder = new PreKeyStockEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final RingContext ctx;
    private final int lowStock;
    private KeyDirectory keys;

    PreKeyStockNotices(final RingContext ctx)
    {
        this.ctx = ctx;
        lowStock = ctx.preKeyLowStock();
    }

    /**
     * Whether a device with this many one-time prekeys left is to be told.
     */
    boolean isLow(final int preKeyCount)
    {
        return preKeyCount >= 0 && preKeyCount < lowStock;
    }

    /**
     * The device just logged in on this connection: tell it if its stock is low.
     */
    void afterLogin(
        final DeliveryStage stage,
        final long userId,
        final int deviceId,
        final int pollerIndex,
        final long connectionId)
    {
        if (0 == lowStock)
        {
            return;
        }
        if (null == keys)
        {
            // made on the delivery stage's thread, its only user; read only here
            keys = ctx.state().newKeyDirectory();
        }
        final int preKeyCount = keys.preKeyCount(userId, deviceId);
        if (isLow(preKeyCount))
        {
            send(stage, pollerIndex, connectionId, preKeyCount);
        }
    }

    void send(final DeliveryStage stage, final int pollerIndex, final long connectionId, final int preKeyCount)
    {
        encoder.wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, header).preKeyCount(preKeyCount);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        Sofh.write(buffer, 0, messageLength);
        stage.send(pollerIndex, connectionId, buffer, Sofh.HEADER_LENGTH + messageLength);
    }
}
