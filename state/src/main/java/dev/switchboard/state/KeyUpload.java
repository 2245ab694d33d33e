package dev.switchboard.state;

/**
 * What one device uploads to the {@link KeyDirectory}, filled field by field from the wire and checked by
 * {@link KeyDirectory#upload}: a reusable holder, {@link #reset} before each upload. Lengths are kept as sent, so
 * a key of the wrong size is refused there rather than cut to fit here.
 */
public final class KeyUpload
{
    int registrationId;
    int signedPreKeyId;
    final byte[] identityKey = new byte[KeyBundleRecord.PUBLIC_KEY_LENGTH];
    int identityKeyLength;
    final byte[] signedPreKey = new byte[KeyBundleRecord.PUBLIC_KEY_LENGTH];
    int signedPreKeyLength;
    final byte[] signature = new byte[KeyBundleRecord.SIGNATURE_LENGTH];
    int signatureLength;
    final int[] preKeyIds;
    final byte[] preKeys;
    int preKeyCount;
    int kyberPreKeyId;
    final byte[] kyberPreKey = new byte[KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH];
    int kyberPreKeyLength;
    final byte[] kyberSignature = new byte[KeyBundleRecord.SIGNATURE_LENGTH];
    int kyberSignatureLength;
    /** A one-time prekey was not a libsignal public key. */
    boolean hasBadPreKey;

    /**
     * A holder for batches of up to this many one-time prekeys.
     *
     * @param maxPreKeys largest batch.
     */
    public KeyUpload(final int maxPreKeys)
    {
        preKeyIds = new int[maxPreKeys];
        preKeys = new byte[maxPreKeys * KeyBundleRecord.PUBLIC_KEY_LENGTH];
    }

    /**
     * Start a new upload.
     *
     * @param registrationId the device's registration id.
     * @param signedPreKeyId the signed prekey's id (ignored when no signed prekey is sent).
     * @return this for a fluent API.
     */
    public KeyUpload reset(final int registrationId, final int signedPreKeyId)
    {
        this.registrationId = registrationId;
        this.signedPreKeyId = signedPreKeyId;
        identityKeyLength = 0;
        signedPreKeyLength = 0;
        signatureLength = 0;
        kyberPreKeyId = 0;
        kyberPreKeyLength = 0;
        kyberSignatureLength = 0;
        preKeyCount = 0;
        hasBadPreKey = false;
        return this;
    }

    /**
     * The largest batch this holder takes.
     *
     * @return one-time prekeys.
     */
    public int maxPreKeys()
    {
        return preKeyIds.length;
    }

    /**
     * The identity key as sent.
     *
     * @param key    bytes.
     * @param length bytes sent; only a {@link KeyBundleRecord#PUBLIC_KEY_LENGTH} key is accepted.
     * @return this for a fluent API.
     */
    public KeyUpload identityKey(final byte[] key, final int length)
    {
        identityKeyLength = copy(key, length, identityKey);
        return this;
    }

    /**
     * The signed prekey as sent; none (length 0) keeps the stored one.
     *
     * @param key    bytes.
     * @param length bytes sent.
     * @return this for a fluent API.
     */
    public KeyUpload signedPreKey(final byte[] key, final int length)
    {
        signedPreKeyLength = copy(key, length, signedPreKey);
        return this;
    }

    /**
     * The signature of the signed prekey as sent.
     *
     * @param bytes  bytes.
     * @param length bytes sent; only {@link KeyBundleRecord#SIGNATURE_LENGTH} is accepted.
     * @return this for a fluent API.
     */
    public KeyUpload signature(final byte[] bytes, final int length)
    {
        signatureLength = copy(bytes, length, signature);
        return this;
    }

    /**
     * The last-resort Kyber prekey as sent, with the identity key's signature of it; none (both lengths 0) keeps the
     * stored one.
     *
     * @param kyberPreKeyId   the Kyber prekey's id, not 0.
     * @param key             bytes.
     * @param keyLength       bytes sent; only a {@link KeyBundleRecord#KYBER_PUBLIC_KEY_LENGTH} key is accepted.
     * @param signature       bytes.
     * @param signatureLength bytes sent; only {@link KeyBundleRecord#SIGNATURE_LENGTH} is accepted.
     * @return this for a fluent API.
     */
    public KeyUpload kyberPreKey(
        final int kyberPreKeyId,
        final byte[] key,
        final int keyLength,
        final byte[] signature,
        final int signatureLength)
    {
        this.kyberPreKeyId = kyberPreKeyId;
        kyberPreKeyLength = copy(key, keyLength, kyberPreKey);
        kyberSignatureLength = copy(signature, signatureLength, kyberSignature);
        return this;
    }

    /**
     * Add a one-time prekey to the batch.
     *
     * @param preKeyId the prekey's id, not 0 (0 means none on the wire).
     * @param key      bytes.
     * @param length   bytes sent.
     * @return false, and nothing added, when the batch is full.
     */
    public boolean addPreKey(final int preKeyId, final byte[] key, final int length)
    {
        if (preKeyCount == preKeyIds.length)
        {
            return false;
        }
        if (!KeyBundleRecord.isPublicKey(key, length))
        {
            hasBadPreKey = true;
        }
        preKeyIds[preKeyCount] = preKeyId;
        System.arraycopy(key, 0, preKeys, preKeyCount * KeyBundleRecord.PUBLIC_KEY_LENGTH,
            Math.min(length, KeyBundleRecord.PUBLIC_KEY_LENGTH));
        preKeyCount++;
        return true;
    }

    private static int copy(final byte[] source, final int length, final byte[] target)
    {
        System.arraycopy(source, 0, target, 0, Math.min(length, target.length));
        return length;
    }
}
