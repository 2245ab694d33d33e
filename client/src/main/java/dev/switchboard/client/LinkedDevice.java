package dev.switchboard.client;

/**
 * One device of this account, as {@link SwitchboardClient#devices()} lists it.
 *
 * @param deviceId       its id; 1 is the primary.
 * @param registrationId its Signal registration id.
 * @param primary        the device verified with the phone number, which links and unlinks the others.
 * @param online         logged in now.
 * @param lastSeenMs     when it was last online (epoch ms), 0 when unknown.
 */
public record LinkedDevice(int deviceId, int registrationId, boolean primary, boolean online, long lastSeenMs)
{
}
