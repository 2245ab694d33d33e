package dev.switchboard.state;

/**
 * One device's entry in the {@link KeyDirectory}, a reusable value: its registration id, identity key, signed prekey
 * with its signature, and its stock of one-time prekeys. Stored as
 * <pre>
 *   0                   4                   37                  41
 *   +-------------------+-------------------+-------------------+-------------------+
 *   | registrationId    | identityKey (33)  | signedPreKeyId    | signedPreKey (33) |
 *   +-------------------+-------------------+-------------------+-------------------+
 *   74                  138                 140
 *   +-------------------+-------------------+-----------------------------------------+
 *   | signature (64)    | preKeyCount (u16) | preKeyCount x (preKeyId, preKey (33))   |
 *   +-------------------+-------------------+-----------------------------------------+
 * </pre>
 * little endian, so an entry takes {@link #FIXED_LENGTH} + 37 bytes per one-time prekey.
 */
public final class KeyBundleRecord
{
    /** Bytes of a libsignal public key: the key type byte {@link #KEY_TYPE_DJB} then 32 bytes of Curve25519. */
    public static final int PUBLIC_KEY_LENGTH = 33;
    /** Bytes of an XEdDSA signature of the signed prekey. */
    public static final int SIGNATURE_LENGTH = 64;
    /** libsignal's type byte of a Curve25519 public key. */
    public static final byte KEY_TYPE_DJB = 0x05;
    /** Stored bytes before the one-time prekeys. */
    public static final int FIXED_LENGTH = 4 + PUBLIC_KEY_LENGTH + 4 + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH + 2;
    /** Stored bytes per one-time prekey. */
    public static final int PRE_KEY_LENGTH = 4 + PUBLIC_KEY_LENGTH;

    int registrationId;
    final byte[] identityKey = new byte[PUBLIC_KEY_LENGTH];
    int signedPreKeyId;
    final byte[] signedPreKey = new byte[PUBLIC_KEY_LENGTH];
    final byte[] signature = new byte[SIGNATURE_LENGTH];
    int preKeyCount;
    final int[] preKeyIds;
    /** Prekey i at {@code i * PUBLIC_KEY_LENGTH}. */
    final byte[] preKeys;

    /**
     * A value with room for this many one-time prekeys.
     *
     * @param preKeyCapacity one-time prekeys it can hold.
     */
    public KeyBundleRecord(final int preKeyCapacity)
    {
        preKeyIds = new int[preKeyCapacity];
        preKeys = new byte[preKeyCapacity * PUBLIC_KEY_LENGTH];
    }

    /**
     * Whether the bytes are a libsignal Curve25519 public key: 33 bytes, the first {@link #KEY_TYPE_DJB}.
     *
     * @param key    bytes.
     * @param length how many of them count.
     * @return true if acceptable.
     */
    public static boolean isPublicKey(final byte[] key, final int length)
    {
        return PUBLIC_KEY_LENGTH == length && KEY_TYPE_DJB == key[0];
    }

    /**
     * The device's registration id.
     *
     * @return the id the device chose.
     */
    public int registrationId()
    {
        return registrationId;
    }

    /**
     * The identity key, {@link #PUBLIC_KEY_LENGTH} bytes; read only.
     *
     * @return the key's bytes.
     */
    public byte[] identityKey()
    {
        return identityKey;
    }

    /**
     * The signed prekey's id.
     *
     * @return the id.
     */
    public int signedPreKeyId()
    {
        return signedPreKeyId;
    }

    /**
     * The signed prekey, {@link #PUBLIC_KEY_LENGTH} bytes; read only.
     *
     * @return the key's bytes.
     */
    public byte[] signedPreKey()
    {
        return signedPreKey;
    }

    /**
     * The identity key's signature of the signed prekey, {@link #SIGNATURE_LENGTH} bytes; read only.
     *
     * @return the signature's bytes.
     */
    public byte[] signature()
    {
        return signature;
    }

    /**
     * One-time prekeys in stock.
     *
     * @return the count.
     */
    public int preKeyCount()
    {
        return preKeyCount;
    }

    int indexOfPreKey(final int preKeyId)
    {
        for (int i = 0; i < preKeyCount; i++)
        {
            if (preKeyIds[i] == preKeyId)
            {
                return i;
            }
        }
        return -1;
    }
}
