package dev.switchboard.client;

/**
 * One device of one user; device 0 addresses every device of the user.
 */
public record DeviceAddress(long userId, int deviceId)
{
}
