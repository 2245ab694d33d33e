package dev.switchboard.client;

import java.util.List;

/**
 * What a {@code KeyBundleUpload} frame carries: this device's identity key, optionally a (new) signed prekey with
 * its signature and a (new) last-resort Kyber prekey with its signature, and a batch of one-time prekeys. A top-up
 * leaves the signed prekey, the Kyber prekey and their signatures empty.
 */
public record KeyBundleUpload(
    int registrationId,
    byte[] identityKey,
    int signedPreKeyId,
    byte[] signedPreKey,
    byte[] signedPreKeySignature,
    List<PreKey> preKeys,
    int kyberPreKeyId,
    byte[] kyberPreKey,
    byte[] kyberPreKeySignature)
{
    /**
     * Longest key or signature one var-data field can carry (uint8 length).
     */
    public static final int MAX_FIELD_LENGTH = 254;

    /**
     * Longest Kyber prekey the field can carry (uint16 length); the server takes only 1,569 bytes.
     */
    public static final int MAX_KYBER_FIELD_LENGTH = 65_534;

    /**
     * A one-time prekey: its id (never 0) and its public key.
     */
    public record PreKey(int preKeyId, byte[] publicKey)
    {
    }

    public KeyBundleUpload
    {
        preKeys = List.copyOf(preKeys);
        check(identityKey, "identityKey");
        check(signedPreKey, "signedPreKey");
        check(signedPreKeySignature, "signedPreKeySignature");
        check(kyberPreKeySignature, "kyberPreKeySignature");
        if (null == kyberPreKey || kyberPreKey.length > MAX_KYBER_FIELD_LENGTH)
        {
            throw new IllegalArgumentException("kyberPreKey must be 0.." + MAX_KYBER_FIELD_LENGTH + " bytes");
        }
        for (final PreKey preKey : preKeys)
        {
            check(preKey.publicKey(), "preKey");
        }
    }

    /**
     * Upper bound of the encoded frame's length.
     */
    public int maxFrameLength()
    {
        return 64 + 4 * (1 + MAX_FIELD_LENGTH) + 2 + kyberPreKey.length + preKeys.size() * (4 + 1 + MAX_FIELD_LENGTH);
    }

    private static void check(final byte[] bytes, final String name)
    {
        if (null == bytes || bytes.length > MAX_FIELD_LENGTH)
        {
            throw new IllegalArgumentException(name + " must be 0.." + MAX_FIELD_LENGTH + " bytes");
        }
    }
}
