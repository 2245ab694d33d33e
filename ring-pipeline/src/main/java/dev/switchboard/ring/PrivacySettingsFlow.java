package dev.switchboard.ring;

import dev.switchboard.codec.sbe.PrivacySettingsDecoder;

/**
 * PrivacySettings: who may see the user's last-seen time and online state. Acknowledged.
 */
final class PrivacySettingsFlow extends Flow
{
    private final PrivacySettingsDecoder settings = new PrivacySettingsDecoder();

    PrivacySettingsFlow()
    {
        super(AFTER_LOGIN, true);
    }

    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
        final InboundFrame frame = event.frame;
        frame.decode(settings);
        stage.privacy.set(session.userId, settings.lastSeenRaw(), settings.onlineRaw());
        event.reply.requestAck(stage.encoders, frame);
    }
}
