package dev.switchboard.client;

/**
 * One device's public keys from the server's key directory, as a {@code KeyBundle} frame carries them; preKeyId 0
 * and an empty preKey when the device's one-time prekeys ran out; kyberPreKeyId 0 and an empty Kyber key and
 * signature when the device uploaded no last-resort Kyber prekey.
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
    byte[] preKey,
    int kyberPreKeyId,
    byte[] kyberPreKey,
    byte[] kyberPreKeySignature)
{
    /**
     * Whether the bundle carries a one-time prekey.
     */
    public boolean hasPreKey()
    {
        return 0 != preKeyId && preKey.length > 0;
    }

    /**
     * Whether the bundle carries a last-resort Kyber prekey, without which PQXDH cannot start a session.
     */
    public boolean hasKyberPreKey()
    {
        return 0 != kyberPreKeyId && kyberPreKey.length > 0 && kyberPreKeySignature.length > 0;
    }
}
