package dev.switchboard.client;

/**
 * The answer to a login: the device, the server's clock and how many messages and receipts wait for it.
 */
public record LoginInfo(DeviceAddress device, long serverTimeMs, int pendingCount)
{
}
