package dev.switchboard.state;

import net.openhft.chronicle.map.ChronicleMap;

import java.util.Arrays;

/**
 * The end-to-end encryption key directory: per device its registration id, identity key, signed prekey with its
 * signature, a stock of one-time prekeys and a last-resort Kyber prekey with its signature, as libsignal's PQXDH
 * needs them. Written only by the session stage;
 * a view holds reusable buffers, so each thread keeps its own and nothing is allocated per call.
 */
public final class KeyDirectory
{
    /** The upload was stored. */
    public static final int UPLOADED = 0;
    /** A key or the signature has the wrong size or type, or a one-time prekey id is 0. */
    public static final int INVALID_KEY = 1;
    /** A first upload, or one with a new identity key, came without a signed prekey and its signature. */
    public static final int MISSING_SIGNED_PRE_KEY = 2;
    /** A one-time prekey id repeats within the batch or is already in stock. */
    public static final int DUPLICATE_PRE_KEY = 3;
    /** The batch would take the stock past {@link #maxPreKeysPerDevice()}. */
    public static final int TOO_MANY_PRE_KEYS = 4;
    /** No such user or device id. */
    public static final int INVALID_DEVICE = 5;

    /** The Kyber prekey or its signature has the wrong size or type, or its id is 0. */
    public static final int INVALID_KYBER_PRE_KEY = 6;

    /** Answer of {@link #preKeyCount(long, int)} for a device that never uploaded. */
    public static final int NO_BUNDLE = -1;

    private final ChronicleMap<LongRef, KeyBundleRecord> bundles;
    private final int maxDevicesPerAccount;
    private final int maxPreKeysPerDevice;
    private final LongRef key = new LongRef();
    private final KeyBundleRecord record;
    private final byte[] takenPreKey = new byte[KeyBundleRecord.PUBLIC_KEY_LENGTH];
    private int takenPreKeyId;
    private boolean identityChanged;
    private final byte[] previousIdentityKey = new byte[KeyBundleRecord.PUBLIC_KEY_LENGTH];

    KeyDirectory(
        final ChronicleMap<LongRef, KeyBundleRecord> bundles,
        final int maxDevicesPerAccount,
        final int maxPreKeysPerDevice)
    {
        this.bundles = bundles;
        this.maxDevicesPerAccount = maxDevicesPerAccount;
        this.maxPreKeysPerDevice = maxPreKeysPerDevice;
        record = new KeyBundleRecord(maxPreKeysPerDevice);
    }

    /**
     * One-time prekeys a device may hold.
     *
     * @return the stock limit.
     */
    public int maxPreKeysPerDevice()
    {
        return maxPreKeysPerDevice;
    }

    /**
     * Check an upload and merge it into the device's entry: the identity key always; the signed prekey and its
     * signature when sent (rotation), required on a first upload and with a new identity key, which also drops the
     * one-time prekeys of the old one; the batch of one-time prekeys added to the stock. Nothing is stored unless
     * all of it is valid.
     *
     * @return {@link #UPLOADED} or why not.
     */
    public int upload(final long userId, final int deviceId, final KeyUpload upload)
    {
        if (!DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount))
        {
            return INVALID_DEVICE;
        }
        final boolean hasSignedPreKey = upload.signedPreKeyLength > 0 || upload.signatureLength > 0;
        if (!KeyBundleRecord.isPublicKey(upload.identityKey, upload.identityKeyLength) ||
            (hasSignedPreKey && (!KeyBundleRecord.isPublicKey(upload.signedPreKey, upload.signedPreKeyLength) ||
            KeyBundleRecord.SIGNATURE_LENGTH != upload.signatureLength)) ||
            upload.hasBadPreKey)
        {
            return INVALID_KEY;
        }
        final boolean hasKyberPreKey = upload.kyberPreKeyLength > 0 || upload.kyberSignatureLength > 0;
        if (hasKyberPreKey && (0 == upload.kyberPreKeyId ||
            !KeyBundleRecord.isKyberPublicKey(upload.kyberPreKey, upload.kyberPreKeyLength) ||
            KeyBundleRecord.SIGNATURE_LENGTH != upload.kyberSignatureLength))
        {
            return INVALID_KYBER_PRE_KEY;
        }
        final int batch = upload.preKeyCount;
        for (int i = 0; i < batch; i++)
        {
            final int preKeyId = upload.preKeyIds[i];
            if (0 == preKeyId)
            {
                return INVALID_KEY;
            }
            for (int j = 0; j < i; j++)
            {
                if (upload.preKeyIds[j] == preKeyId)
                {
                    return DUPLICATE_PRE_KEY;
                }
            }
        }

        final KeyBundleRecord record = this.record;
        key.set(DeviceKeys.pack(userId, deviceId));
        final boolean exists = null != bundles.getUsing(key, record);
        if (exists)
        {
            System.arraycopy(record.identityKey, 0, previousIdentityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        }
        identityChanged = false;
        if (!exists || !Arrays.equals(
            record.identityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH,
            upload.identityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH))
        {
            if (!hasSignedPreKey)
            {
                return MISSING_SIGNED_PRE_KEY;
            }
            // a new identity: the old one-time prekeys were made for the old one and can no longer be used
            System.arraycopy(upload.identityKey, 0, record.identityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
            record.preKeyCount = 0;
            // so was the Kyber prekey: signed by the old identity, it would fail the sender's check
            record.kyberPreKeyId = 0;
        }
        for (int i = 0; i < batch; i++)
        {
            if (record.indexOfPreKey(upload.preKeyIds[i]) >= 0)
            {
                return DUPLICATE_PRE_KEY;
            }
        }
        if (record.preKeyCount + batch > maxPreKeysPerDevice)
        {
            return TOO_MANY_PRE_KEYS;
        }

        record.registrationId = upload.registrationId;
        if (hasSignedPreKey)
        {
            record.signedPreKeyId = upload.signedPreKeyId;
            System.arraycopy(upload.signedPreKey, 0, record.signedPreKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
            System.arraycopy(upload.signature, 0, record.signature, 0, KeyBundleRecord.SIGNATURE_LENGTH);
        }
        if (hasKyberPreKey)
        {
            record.kyberPreKeyId = upload.kyberPreKeyId;
            System.arraycopy(upload.kyberPreKey, 0, record.kyberPreKey, 0, KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH);
            System.arraycopy(upload.kyberSignature, 0, record.kyberSignature, 0, KeyBundleRecord.SIGNATURE_LENGTH);
        }
        System.arraycopy(upload.preKeyIds, 0, record.preKeyIds, record.preKeyCount, batch);
        System.arraycopy(
            upload.preKeys,
            0,
            record.preKeys,
            record.preKeyCount * KeyBundleRecord.PUBLIC_KEY_LENGTH,
            batch * KeyBundleRecord.PUBLIC_KEY_LENGTH);
        record.preKeyCount += batch;
        bundles.put(key, record);
        identityChanged = exists && !Arrays.equals(
            previousIdentityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH,
            upload.identityKey, 0, KeyBundleRecord.PUBLIC_KEY_LENGTH);
        return UPLOADED;
    }

    /**
     * Read a device's bundle for a fetch, consuming one one-time prekey if any is left; the last-resort Kyber prekey
     * is never consumed. The bundle is then
     * {@link #bundle()}, the prekey handed out {@link #takenPreKeyId()} and {@link #takenPreKey()}, and what is left
     * {@code bundle().preKeyCount()}, until the next call.
     *
     * @return false when the device has no bundle.
     */
    public boolean take(final long userId, final int deviceId)
    {
        takenPreKeyId = 0;
        if (!DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount) ||
            null == bundles.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), record))
        {
            return false;
        }
        final KeyBundleRecord record = this.record;
        if (record.preKeyCount > 0)
        {
            // the newest first: taking from the end moves nothing
            final int last = --record.preKeyCount;
            takenPreKeyId = record.preKeyIds[last];
            System.arraycopy(
                record.preKeys, last * KeyBundleRecord.PUBLIC_KEY_LENGTH, takenPreKey, 0, takenPreKey.length);
            bundles.put(key, record);
        }
        return true;
    }

    /**
     * The bundle the last {@link #take} read; read only.
     *
     * @return the reused record.
     */
    public KeyBundleRecord bundle()
    {
        return record;
    }

    /**
     * The one-time prekey id the last {@link #take} consumed.
     *
     * @return the id, 0 when none was left.
     */
    public int takenPreKeyId()
    {
        return takenPreKeyId;
    }

    /**
     * The one-time prekey the last {@link #take} consumed, {@link KeyBundleRecord#PUBLIC_KEY_LENGTH} bytes; read
     * only, meaningful only when {@link #takenPreKeyId()} is not 0.
     *
     * @return the key's bytes.
     */
    public byte[] takenPreKey()
    {
        return takenPreKey;
    }

    /**
     * One-time prekeys a device has in stock.
     *
     * @return the count, or {@link #NO_BUNDLE} if the device never uploaded.
     */
    public int preKeyCount(final long userId, final int deviceId)
    {
        if (!DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount) ||
            null == bundles.getUsing(key.set(DeviceKeys.pack(userId, deviceId)), record))
        {
            return NO_BUNDLE;
        }
        return record.preKeyCount;
    }

    /**
     * Whether the last {@link #upload} stored a new identity key over another one (a reinstall), as opposed to a
     * device's first upload or an upload with the same identity.
     *
     * @return true if the identity key changed.
     */
    public boolean identityChanged()
    {
        return identityChanged;
    }

    /**
     * Forget a device's keys (it was removed).
     */
    public void remove(final long userId, final int deviceId)
    {
        if (DeviceKeys.isValid(userId, deviceId, maxDevicesPerAccount))
        {
            bundles.remove(key.set(DeviceKeys.pack(userId, deviceId)));
        }
    }
}
