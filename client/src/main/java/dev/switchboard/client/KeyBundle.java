package dev.switchboard.client;

/**
 * One device's public keys from the server's key directory, as a {@code KeyBundle} frame carries them; preKeyId 0
 * and an empty preKey when the device's one-time prekeys ran out.
 */
public record KeyBundle(
    long userId,
    int deviceId,
    int registrationId,
    int signedPreKeyId,
    int preKeyId,
    byte[] identityKey,
    byte[] signedPreKey,
    byte[] signedPreKeySignature,
    byte[] preKey)
{
    /**
     * Whether the bundle carries a one-time prekey.
     */
    public boolean hasPreKey()
    {
        return 0 != preKeyId && preKey.length > 0;
    }
}
