package dev.switchboard.client;

import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.fingerprint.NumericFingerprintGenerator;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * libsignal over an {@link E2eStore}: this device's keys and what it uploads, X3DH (PQXDH) session setup from a
 * fetched bundle, the Double Ratchet for one device, Sender Keys for groups, and safety numbers. No cryptography of
 * its own: every key, signature and ciphertext comes from libsignal. Not thread safe: the caller serializes.
 */
public final class E2eCrypto
{
    /**
     * Iterations of the safety number's hash, as Signal uses.
     */
    public static final int FINGERPRINT_ITERATIONS = 5200;

    static final String META_NEXT_PREKEY_ID = "next_prekey_id";
    static final String META_SIGNED_PREKEY_ID = "signed_prekey_id";
    static final String META_SIGNED_PREKEY_CREATED_MS = "signed_prekey_created_ms";
    static final String META_KYBER_PREKEY_ID = "kyber_prekey_id";
    private static final int MAX_PREKEY_ID = 0xFFFFFF;

    private final E2eStore store;

    public E2eCrypto(final E2eStore store)
    {
        this.store = store;
    }

    public E2eStore store()
    {
        return store;
    }

    /**
     * Make this device's identity key pair, signed prekey and last-resort Kyber prekey once.
     */
    public void ensureIdentity(final int registrationId, final long nowMs)
    {
        if (store.hasIdentity())
        {
            return;
        }
        final IdentityKeyPair identity = IdentityKeyPair.generate();
        store.initIdentity(identity, registrationId);
        newSignedPreKey(nowMs);
        newKyberPreKey(nowMs);
    }

    /**
     * The first upload: identity key, the current signed prekey and last-resort Kyber prekey, and a batch of
     * one-time prekeys.
     */
    public KeyBundleUpload fullUpload(final int preKeyCount)
    {
        final SignedPreKeyRecord signed = currentSignedPreKey();
        final KyberPreKeyRecord kyber = currentKyberPreKey();
        return new KeyBundleUpload(
            store.getLocalRegistrationId(),
            identityKey().serialize(),
            signed.getId(),
            publicKey(signed),
            signed.getSignature(),
            newPreKeys(preKeyCount),
            kyber.getId(),
            publicKey(kyber),
            kyber.getSignature());
    }

    /**
     * A top-up: new one-time prekeys, the stored signed prekey left as it is.
     */
    public KeyBundleUpload topUp(final int preKeyCount)
    {
        return new KeyBundleUpload(
            store.getLocalRegistrationId(),
            identityKey().serialize(),
            currentSignedPreKey().getId(),
            new byte[0],
            new byte[0],
            newPreKeys(preKeyCount),
            0,
            new byte[0],
            new byte[0]);
    }

    /**
     * A rotation: a new signed prekey and a new last-resort Kyber prekey (the old ones stay in the store for
     * messages already on their way).
     */
    public KeyBundleUpload rotateSignedPreKey(final long nowMs)
    {
        final SignedPreKeyRecord signed = newSignedPreKey(nowMs);
        final KyberPreKeyRecord kyber = newKyberPreKey(nowMs);
        return new KeyBundleUpload(
            store.getLocalRegistrationId(), identityKey().serialize(), signed.getId(), publicKey(signed),
            signed.getSignature(), List.of(), kyber.getId(), publicKey(kyber), kyber.getSignature());
    }

    /**
     * When the current signed prekey was made, in epoch milliseconds.
     */
    public long signedPreKeyCreatedMs()
    {
        return store.meta(META_SIGNED_PREKEY_CREATED_MS, 0);
    }

    public IdentityKey identityKey()
    {
        return store.getIdentityKeyPair().getPublicKey();
    }

    /**
     * Start a session with a device from its server bundle, last-resort Kyber prekey included. libsignal verifies
     * both signatures against the bundle's identity key; a changed identity is saved (and announced by the store).
     *
     * @throws IllegalArgumentException if the bundle carries no Kyber prekey (PQXDH cannot start without one).
     */
    public void processBundle(final KeyBundle bundle) throws Exception
    {
        if (!bundle.hasKyberPreKey())
        {
            throw new IllegalArgumentException("device " + bundle.userId() + "/" + bundle.deviceId() +
                " uploaded no kyber prekey");
        }
        final ECPublicKey preKey = bundle.hasPreKey() ? new ECPublicKey(bundle.preKey()) : null;
        final PreKeyBundle preKeyBundle = new PreKeyBundle(
            bundle.registrationId(),
            bundle.deviceId(),
            bundle.hasPreKey() ? bundle.preKeyId() : PreKeyBundle.NULL_PRE_KEY_ID,
            preKey,
            bundle.signedPreKeyId(),
            new ECPublicKey(bundle.signedPreKey()),
            bundle.signedPreKeySignature(),
            new IdentityKey(bundle.identityKey()),
            bundle.kyberPreKeyId(),
            new KEMPublicKey(bundle.kyberPreKey()),
            bundle.kyberPreKeySignature());
        new SessionBuilder(store, address(bundle.userId(), bundle.deviceId())).process(preKeyBundle);
    }

    public boolean hasSession(final long userId, final int deviceId)
    {
        return store.containsSession(address(userId, deviceId));
    }

    /**
     * Encrypt content for one device with its session: a PREKEY envelope until the device answers, then WHISPER.
     */
    public byte[] encrypt(final long userId, final int deviceId, final byte[] content) throws Exception
    {
        final CiphertextMessage message = new SessionCipher(store, address(userId, deviceId)).encrypt(content);
        final byte type = CiphertextMessage.PREKEY_TYPE == message.getType() ?
            E2eEnvelope.TYPE_PREKEY : E2eEnvelope.TYPE_WHISPER;
        return E2eEnvelope.envelope(type, message.serialize());
    }

    /**
     * Decrypt a PREKEY or WHISPER envelope from a device; throws libsignal's exception when it does not decrypt.
     */
    public byte[] decrypt(final long userId, final int deviceId, final byte[] envelope) throws Exception
    {
        final SessionCipher cipher = new SessionCipher(store, address(userId, deviceId));
        final int type = E2eEnvelope.type(envelope);
        if (E2eEnvelope.TYPE_PREKEY == type)
        {
            return cipher.decrypt(new PreKeySignalMessage(E2eEnvelope.body(envelope)));
        }
        if (E2eEnvelope.TYPE_WHISPER == type)
        {
            return cipher.decrypt(new SignalMessage(E2eEnvelope.body(envelope)));
        }
        throw new IllegalArgumentException("not a 1:1 envelope: type " + type);
    }

    /**
     * This device's sender key distribution message for a distribution id (made on first use).
     */
    public byte[] senderKeyDistribution(final long selfUserId, final int selfDeviceId, final UUID distributionId)
    {
        return new GroupSessionBuilder(store).create(address(selfUserId, selfDeviceId), distributionId).serialize();
    }

    public void processSenderKeyDistribution(final long userId, final int deviceId, final byte[] distribution)
        throws Exception
    {
        new GroupSessionBuilder(store).process(
            address(userId, deviceId), new SenderKeyDistributionMessage(distribution));
    }

    /**
     * Encrypt group content once with this device's sender key: a SENDER_KEY envelope every member can decrypt.
     */
    public byte[] groupEncrypt(
        final long selfUserId, final int selfDeviceId, final UUID distributionId, final byte[] content) throws Exception
    {
        final CiphertextMessage message =
            new GroupCipher(store, address(selfUserId, selfDeviceId)).encrypt(distributionId, content);
        return E2eEnvelope.envelope(E2eEnvelope.TYPE_SENDER_KEY, message.serialize());
    }

    public byte[] groupDecrypt(final long userId, final int deviceId, final byte[] envelope) throws Exception
    {
        return new GroupCipher(store, address(userId, deviceId)).decrypt(E2eEnvelope.body(envelope));
    }

    /**
     * The safety number of this device and another, as 60 digits (libsignal's numeric fingerprint, version 2 with
     * the user ids as stable identifiers); the same on both sides.
     */
    public String safetyNumber(final long selfUserId, final long theirUserId, final IdentityKey theirIdentity)
    {
        return new NumericFingerprintGenerator(FINGERPRINT_ITERATIONS)
            .createFor(2, userIdBytes(selfUserId), identityKey(), userIdBytes(theirUserId), theirIdentity)
            .getDisplayableFingerprint()
            .getDisplayText();
    }

    public static SignalProtocolAddress address(final long userId, final int deviceId)
    {
        return new SignalProtocolAddress(Long.toString(userId), deviceId);
    }

    private static byte[] userIdBytes(final long userId)
    {
        return ByteBuffer.allocate(8).putLong(userId).array();
    }

    private SignedPreKeyRecord currentSignedPreKey()
    {
        try
        {
            return store.loadSignedPreKey((int)store.meta(META_SIGNED_PREKEY_ID, 0));
        }
        catch (final InvalidKeyIdException ex)
        {
            throw new IllegalStateException("no signed prekey", ex);
        }
    }

    private SignedPreKeyRecord newSignedPreKey(final long nowMs)
    {
        final int signedPreKeyId = (int)(store.meta(META_SIGNED_PREKEY_ID, 0) % MAX_PREKEY_ID) + 1;
        final ECKeyPair keyPair = ECKeyPair.generate();
        final byte[] signature =
            store.getIdentityKeyPair().getPrivateKey().calculateSignature(keyPair.getPublicKey().serialize());
        final SignedPreKeyRecord record = new SignedPreKeyRecord(signedPreKeyId, nowMs, keyPair, signature);
        store.storeSignedPreKey(signedPreKeyId, record);
        store.putMeta(META_SIGNED_PREKEY_ID, signedPreKeyId);
        store.putMeta(META_SIGNED_PREKEY_CREATED_MS, nowMs);
        return record;
    }

    private KyberPreKeyRecord currentKyberPreKey()
    {
        try
        {
            return store.loadKyberPreKey((int)store.meta(META_KYBER_PREKEY_ID, 0));
        }
        catch (final InvalidKeyIdException ex)
        {
            throw new IllegalStateException("no kyber prekey", ex);
        }
    }

    private KyberPreKeyRecord newKyberPreKey(final long nowMs)
    {
        final int kyberPreKeyId = (int)(store.meta(META_KYBER_PREKEY_ID, 0) % MAX_PREKEY_ID) + 1;
        final KEMKeyPair keyPair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        final byte[] signature =
            store.getIdentityKeyPair().getPrivateKey().calculateSignature(keyPair.getPublicKey().serialize());
        final KyberPreKeyRecord record = new KyberPreKeyRecord(kyberPreKeyId, nowMs, keyPair, signature);
        store.storeKyberPreKey(kyberPreKeyId, record);
        store.putMeta(META_KYBER_PREKEY_ID, kyberPreKeyId);
        return record;
    }

    private List<KeyBundleUpload.PreKey> newPreKeys(final int count)
    {
        final List<KeyBundleUpload.PreKey> preKeys = new ArrayList<>(count);
        long nextId = store.meta(META_NEXT_PREKEY_ID, 1);
        for (int i = 0; i < count; i++)
        {
            final int preKeyId = (int)((nextId - 1) % MAX_PREKEY_ID) + 1;
            nextId = preKeyId + 1;
            final ECKeyPair keyPair = ECKeyPair.generate();
            store.storePreKey(preKeyId, new PreKeyRecord(preKeyId, keyPair));
            preKeys.add(new KeyBundleUpload.PreKey(preKeyId, keyPair.getPublicKey().serialize()));
        }
        store.putMeta(META_NEXT_PREKEY_ID, nextId);
        return preKeys;
    }

    private static byte[] publicKey(final SignedPreKeyRecord record)
    {
        try
        {
            return record.getKeyPair().getPublicKey().serialize();
        }
        catch (final InvalidKeyException ex)
        {
            throw new IllegalStateException("stored signed prekey unreadable", ex);
        }
    }

    private static byte[] publicKey(final KyberPreKeyRecord record)
    {
        try
        {
            return record.getKeyPair().getPublicKey().serialize();
        }
        catch (final InvalidKeyException ex)
        {
            throw new IllegalStateException("stored kyber prekey unreadable", ex);
        }
    }
}
