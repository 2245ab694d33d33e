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
 * then, when the device uploaded one, its last-resort Kyber prekey:
 * <pre>
 *   +-------------------+--------------------------+---------------------+
 *   | kyberPreKeyId     | kyberPreKey (1,569)      | kyberSignature (64) |
 *   +-------------------+--------------------------+---------------------+
 * </pre>
 * little endian, so an entry takes {@link #FIXED_LENGTH} + 37 bytes per one-time prekey, plus {@link #KYBER_LENGTH}
 * with a Kyber prekey. The Kyber part comes last so entries stored before it existed still read: their size ends
 * with the one-time prekeys, and they read as having none.
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
    /** Bytes of a serialized libsignal Kyber-1024 public key: the type byte {@link #KEY_TYPE_KYBER_1024}, then 1,568. */
    public static final int KYBER_PUBLIC_KEY_LENGTH = 1 + 1568;
    /** libsignal's type byte of a Kyber-1024 public key. */
    public static final byte KEY_TYPE_KYBER_1024 = 0x08;
    /** Stored bytes of the last-resort Kyber prekey: id, key, signature. */
    public static final int KYBER_LENGTH = 4 + KYBER_PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH;

    int registrationId;
    final byte[] identityKey = new byte[PUBLIC_KEY_LENGTH];
    int signedPreKeyId;
    final byte[] signedPreKey = new byte[PUBLIC_KEY_LENGTH];
    final byte[] signature = new byte[SIGNATURE_LENGTH];
    int preKeyCount;
    final int[] preKeyIds;
    /** Prekey i at {@code i * PUBLIC_KEY_LENGTH}. */
    final byte[] preKeys;
    /** 0: no Kyber prekey stored. */
    int kyberPreKeyId;
    final byte[] kyberPreKey = new byte[KYBER_PUBLIC_KEY_LENGTH];
    final byte[] kyberSignature = new byte[SIGNATURE_LENGTH];

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
     * Whether the bytes are a libsignal Kyber-1024 public key: {@link #KYBER_PUBLIC_KEY_LENGTH} bytes, the first
     * {@link #KEY_TYPE_KYBER_1024}.
     *
     * @param key    bytes.
     * @param length how many of them count.
     * @return true if acceptable.
     */
    public static boolean isKyberPublicKey(final byte[] key, final int length)
    {
        return KYBER_PUBLIC_KEY_LENGTH == length && KEY_TYPE_KYBER_1024 == key[0];
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

    /**
     * The last-resort Kyber prekey's id; it is never consumed.
     *
     * @return the id, 0 when the device uploaded none.
     */
    public int kyberPreKeyId()
    {
        return kyberPreKeyId;
    }

    /**
     * The last-resort Kyber prekey, {@link #KYBER_PUBLIC_KEY_LENGTH} bytes; read only, meaningful only when
     * {@link #kyberPreKeyId()} is not 0.
     *
     * @return the key's bytes.
     */
    public byte[] kyberPreKey()
    {
        return kyberPreKey;
    }

    /**
     * The identity key's signature of the Kyber prekey, {@link #SIGNATURE_LENGTH} bytes; read only, meaningful only
     * when {@link #kyberPreKeyId()} is not 0.
     *
     * @return the signature's bytes.
     */
    public byte[] kyberSignature()
    {
        return kyberSignature;
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
