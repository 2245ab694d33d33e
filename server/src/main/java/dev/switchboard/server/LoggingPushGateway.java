package dev.switchboard.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For development: each push is a log line instead of a call to a push service. The agent's coalescing and rate
 * limit bound the lines to one per device per interval.
 */
final class LoggingPushGateway implements PushGateway
{
    private static final Logger LOG = LoggerFactory.getLogger(LoggingPushGateway.class);

    public boolean push(final long userId, final int deviceId, final int platform, final String token)
    {
        LOG.info("push to device {}/{} (platform {}, token {}...)", userId, deviceId, platform,
            token.substring(0, Math.min(8, token.length())));
        return true;
    }

    public boolean pushCall(final long userId, final int deviceId, final int platform, final String token)
    {
        LOG.info("call push to device {}/{} (platform {}, token {}...)", userId, deviceId, platform,
            token.substring(0, Math.min(8, token.length())));
        return true;
    }
}
