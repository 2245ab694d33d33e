package dev.switchboard.client;

/**
 * A message delivered to this device; the payload is a copy the application owns.
 */
public record IncomingMessage(
    long messageId,
    long fromUserId,
    int fromDeviceId,
    long groupId,
    long timestampMs,
    byte[] payload)
{
}
