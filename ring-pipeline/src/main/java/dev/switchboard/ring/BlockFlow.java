package dev.switchboard.ring;

import dev.switchboard.codec.sbe.BlockDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.UnblockDecoder;

/**
 * Block or Unblock a user (one instance each): a blocked user's messages get one tick and are never delivered, and
 * the blocker's presence is hidden from them. Acknowledged; an unknown user is refused.
 */
final class BlockFlow extends Flow
{
    private final boolean isBlock;
    private final BlockDecoder block = new BlockDecoder();
    private final UnblockDecoder unblock = new UnblockDecoder();
    /** Route step only. */
    private final BlockDecoder routeBlock = new BlockDecoder();
    private final UnblockDecoder routeUnblock = new UnblockDecoder();

    BlockFlow(final boolean isBlock)
    {
        super(AFTER_LOGIN, true);
        this.isBlock = isBlock;
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        final long userId = isBlock ? frame.decode(block).userId() : frame.decode(unblock).userId();
        if (!stage.accounts.exists(userId))
        {
            stage.refuse(event, ErrorCode.UNKNOWN_USER);
            return;
        }
        if (isBlock)
        {
            if (!stage.blocks.add(session.userId, userId, event.timestampMs))
            {
                stage.refuse(event, ErrorCode.STATE_FULL);
                return;
            }
        }
        else
        {
            stage.blocks.remove(session.userId, userId);
        }
        event.reply.requestAck(stage.encoders, frame);
    }

    void route(final RingEvent event, final RouteStage stage)
    {
        final InboundFrame frame = event.frame;
        final long userId = isBlock ? frame.decode(routeBlock).userId() : frame.decode(routeUnblock).userId();
        stage.blockChanged(event.caller.userId, userId);
    }
}
