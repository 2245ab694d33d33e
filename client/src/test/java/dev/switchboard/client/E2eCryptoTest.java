package dev.switchboard.client;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libsignal over the SQLite store without a server: session setup from an uploaded bundle, the ratchet both ways,
 * Sender Keys, tampering, safety numbers, and the store's migrations and reopening.
 */
class E2eCryptoTest
{
    private static final long ALICE = 11;
    private static final long BOB = 22;
    private static final long CAROL = 33;

    @TempDir
    File dir;

    private E2eStore aliceStore;
    private E2eStore bobStore;
    private E2eStore carolStore;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(aliceStore, bobStore, carolStore);
    }

    static E2eCrypto device(final E2eStore store, final int registrationId)
    {
        final E2eCrypto crypto = new E2eCrypto(store);
        crypto.ensureIdentity(registrationId, System.currentTimeMillis());
        return crypto;
    }

    /** The bundle the server would hand out for this upload, taking its first one-time prekey (or none). */
    static KeyBundle bundle(final long userId, final int deviceId, final KeyBundleUpload upload, final boolean preKey)
    {
        final KeyBundleUpload.PreKey first = preKey ? upload.preKeys().get(0) : null;
        return new KeyBundle(userId, deviceId, upload.registrationId(), upload.signedPreKeyId(),
            null == first ? 0 : first.preKeyId(), upload.identityKey(), upload.signedPreKey(),
            upload.signedPreKeySignature(), null == first ? new byte[0] : first.publicKey(), upload.kyberPreKeyId(),
            upload.kyberPreKey(), upload.kyberPreKeySignature());
    }

    private E2eCrypto[] openThree()
    {
        aliceStore = E2eStore.open(new File(dir, "alice.db"));
        bobStore = E2eStore.open(new File(dir, "bob.db"));
        carolStore = E2eStore.open(new File(dir, "carol.db"));
        return new E2eCrypto[]{ device(aliceStore, 100), device(bobStore, 200), device(carolStore, 300) };
    }

    private static byte[] text(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRunSessionBothWaysWithAndWithoutOneTimePreKey() throws Exception
    {
        final E2eCrypto[] devices = openThree();
        final E2eCrypto alice = devices[0];
        final E2eCrypto bob = devices[1];
        final E2eCrypto carol = devices[2];
        final KeyBundleUpload bobUpload = bob.fullUpload(5);
        assertEquals(5, bobUpload.preKeys().size());
        assertEquals(33, bobUpload.identityKey().length);
        assertEquals(33, bobUpload.signedPreKey().length);
        assertEquals(64, bobUpload.signedPreKeySignature().length);
        // the sizes the server's key directory accepts: exactly these, or the upload is refused
        assertEquals(1, bobUpload.kyberPreKeyId());
        assertEquals(1569, bobUpload.kyberPreKey().length);
        assertEquals(0x08, bobUpload.kyberPreKey()[0], "libsignal's Kyber-1024 type byte");
        assertEquals(64, bobUpload.kyberPreKeySignature().length);

        alice.processBundle(bundle(BOB, 1, bobUpload, true));
        final byte[] first = alice.encrypt(BOB, 1, E2eEnvelope.message(text("hello bob")));
        final byte[] second = alice.encrypt(BOB, 1, E2eEnvelope.message(text("hello bob")));
        assertEquals(E2eEnvelope.TYPE_PREKEY, E2eEnvelope.type(first));
        assertFalse(java.util.Arrays.equals(first, second), "same plaintext, same ciphertext");

        assertArrayEquals(text("hello bob"), E2eEnvelope.payload(bob.decrypt(ALICE, 1, first)));
        assertArrayEquals(text("hello bob"), E2eEnvelope.payload(bob.decrypt(ALICE, 1, second)));
        assertFalse(bobStore.containsPreKey(bobUpload.preKeys().get(0).preKeyId()), "one-time prekey used up");

        final byte[] reply = bob.encrypt(ALICE, 1, E2eEnvelope.message(text("hi alice")));
        assertEquals(E2eEnvelope.TYPE_WHISPER, E2eEnvelope.type(reply));
        assertArrayEquals(text("hi alice"), E2eEnvelope.payload(alice.decrypt(BOB, 1, reply)));

        // No one-time prekey left: the session still starts from the signed prekey and the Kyber prekey.
        carol.processBundle(bundle(BOB, 1, bobUpload, false));
        final byte[] fromCarol = carol.encrypt(BOB, 1, E2eEnvelope.message(text("no prekey")));
        assertArrayEquals(text("no prekey"), E2eEnvelope.payload(bob.decrypt(CAROL, 1, fromCarol)));

        // Tampered: rejected with libsignal's exception, and the session still decrypts what follows.
        final byte[] next = alice.encrypt(BOB, 1, E2eEnvelope.message(text("after tamper")));
        final byte[] tampered = next.clone();
        tampered[tampered.length - 12] ^= 0x01;
        assertThrows(Exception.class, () -> bob.decrypt(ALICE, 1, tampered));
        assertArrayEquals(text("after tamper"), E2eEnvelope.payload(bob.decrypt(ALICE, 1, next)));

        final String aliceView = alice.safetyNumber(ALICE, BOB, bob.identityKey());
        final String bobView = bob.safetyNumber(BOB, ALICE, alice.identityKey());
        assertEquals(60, aliceView.length());
        assertEquals(aliceView, bobView);
    }

    @Test
    void shouldRotateTheKyberPreKeyWithTheSignedPreKeyAndStillServeSessionsFromTheOldBundle() throws Exception
    {
        // alice fetched bob's bundle before his rotation, carol after
        final E2eCrypto[] aliceBobCarol = openThree();
        final E2eCrypto bob = aliceBobCarol[1];
        final KeyBundleUpload before = bob.fullUpload(2);
        final KeyBundleUpload rotated = bob.rotateSignedPreKey(System.currentTimeMillis());
        assertEquals(before.kyberPreKeyId() + 1, rotated.kyberPreKeyId());
        assertEquals(1569, rotated.kyberPreKey().length);
        assertFalse(java.util.Arrays.equals(before.kyberPreKey(), rotated.kyberPreKey()));
        final KeyBundleUpload topUp = bob.topUp(1);
        assertEquals(0, topUp.kyberPreKeyId());
        assertEquals(0, topUp.kyberPreKey().length);

        // a bundle fetched before the rotation still starts a session: the old keys stay in the device's store
        final E2eCrypto alice = aliceBobCarol[0];
        alice.processBundle(bundle(BOB, 1, before, true));
        assertArrayEquals(text("old"), E2eEnvelope.payload(
            bob.decrypt(ALICE, 1, alice.encrypt(BOB, 1, E2eEnvelope.message(text("old"))))));
        final KeyBundleUpload rotatedWithPreKey = new KeyBundleUpload(rotated.registrationId(), rotated.identityKey(),
            rotated.signedPreKeyId(), rotated.signedPreKey(), rotated.signedPreKeySignature(), before.preKeys(),
            rotated.kyberPreKeyId(), rotated.kyberPreKey(), rotated.kyberPreKeySignature());
        final E2eCrypto carol = aliceBobCarol[2];
        carol.processBundle(bundle(BOB, 1, rotatedWithPreKey, false));
        assertArrayEquals(text("new"), E2eEnvelope.payload(
            bob.decrypt(CAROL, 1, carol.encrypt(BOB, 1, E2eEnvelope.message(text("new"))))));
    }

    @Test
    void shouldRefuseABundleWithoutAKyberPreKeyOrWithAForgedSignature()
    {
        final E2eCrypto[] devices = openThree();
        final E2eCrypto alice = devices[0];
        final KeyBundleUpload bobUpload = devices[1].fullUpload(1);
        final KeyBundle full = bundle(BOB, 1, bobUpload, true);
        final KeyBundle noKyber = new KeyBundle(BOB, 1, full.registrationId(), full.signedPreKeyId(),
            full.preKeyId(), full.identityKey(), full.signedPreKey(), full.signedPreKeySignature(), full.preKey(),
            0, new byte[0], new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> alice.processBundle(noKyber));

        final byte[] forged = full.kyberPreKeySignature().clone();
        forged[5] ^= 0x01;
        final KeyBundle badSignature = new KeyBundle(BOB, 1, full.registrationId(), full.signedPreKeyId(),
            full.preKeyId(), full.identityKey(), full.signedPreKey(), full.signedPreKeySignature(), full.preKey(),
            full.kyberPreKeyId(), full.kyberPreKey(), forged);
        assertThrows(Exception.class, () -> alice.processBundle(badSignature));
        assertFalse(alice.hasSession(BOB, 1));
    }

    @Test
    void shouldShareSenderKeyAndDecryptGroupMessages() throws Exception
    {
        final E2eCrypto[] devices = openThree();
        final E2eCrypto alice = devices[0];
        final E2eCrypto bob = devices[1];
        final E2eCrypto carol = devices[2];
        final UUID distributionId = UUID.randomUUID();

        final byte[] distribution = alice.senderKeyDistribution(ALICE, 1, distributionId);
        bob.processSenderKeyDistribution(ALICE, 1, distribution);
        carol.processSenderKeyDistribution(ALICE, 1, distribution);

        final byte[] one = alice.groupEncrypt(ALICE, 1, distributionId, E2eEnvelope.message(text("hi group")));
        final byte[] two = alice.groupEncrypt(ALICE, 1, distributionId, E2eEnvelope.message(text("hi group")));
        assertEquals(E2eEnvelope.TYPE_SENDER_KEY, E2eEnvelope.type(one));
        assertFalse(java.util.Arrays.equals(one, two));
        assertArrayEquals(text("hi group"), E2eEnvelope.payload(bob.groupDecrypt(ALICE, 1, one)));
        assertArrayEquals(text("hi group"), E2eEnvelope.payload(carol.groupDecrypt(ALICE, 1, one)));
        assertArrayEquals(text("hi group"), E2eEnvelope.payload(carol.groupDecrypt(ALICE, 1, two)));

        final byte[] tampered = one.clone();
        tampered[E2eEnvelope.HEADER_LENGTH + 30] ^= 0x01;
        // libsignal 0.86.5 reports a bad sender key signature as an AssertionError wrapping InvalidKeyException.
        assertThrows(Throwable.class, () -> bob.groupDecrypt(ALICE, 1, tampered));
        assertArrayEquals(text("hi group"), E2eEnvelope.payload(bob.groupDecrypt(ALICE, 1, two)));
    }

    @Test
    void shouldMigrateEmptyFileAndKeepEverythingAcrossReopen() throws Exception
    {
        final File file = new File(dir, "device.db");
        aliceStore = E2eStore.open(file);
        assertEquals(E2eStore.latestSchemaVersion(), aliceStore.schemaVersion());
        final E2eCrypto alice = device(aliceStore, 4321);
        final byte[] identity = alice.identityKey().serialize();
        final KeyBundleUpload upload = alice.fullUpload(3);
        final long row = aliceStore.addMessage(BOB, 0, true, ALICE, 1, 1000, E2eStore.STATUS_QUEUED, text("kept"));
        aliceStore.addMessagePart(77, row);
        aliceStore.onSent(77, 9001);
        aliceStore.onReceipt(9001, E2eStore.STATUS_DELIVERED);
        aliceStore.close();

        aliceStore = E2eStore.open(file);
        assertEquals(E2eStore.latestSchemaVersion(), aliceStore.schemaVersion());
        assertEquals(4321, aliceStore.getLocalRegistrationId());
        assertArrayEquals(identity, aliceStore.getIdentityKeyPair().getPublicKey().serialize());
        assertTrue(aliceStore.containsPreKey(upload.preKeys().get(2).preKeyId()));
        final E2eStore.StoredMessage kept = aliceStore.history(BOB, 0, 10).get(0);
        assertArrayEquals(text("kept"), kept.body());
        assertEquals(E2eStore.STATUS_DELIVERED, kept.status());
        assertEquals(1, aliceStore.chats().size());
        aliceStore.close();

        // Every migration ran once and in order: the version row is the count of migrations, the tables exist.
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.getAbsolutePath());
            Statement statement = connection.createStatement();
            ResultSet rs = statement.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version"))
        {
            rs.next();
            assertEquals(1, rs.getInt(1));
            assertEquals(E2eStore.MIGRATIONS.length, rs.getInt(2));
        }
        aliceStore = null;
    }

    @Test
    void shouldApplyLaterMigrationsToAnOlderFile() throws Exception
    {
        final File file = new File(dir, "old.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.getAbsolutePath());
            Statement statement = connection.createStatement())
        {
            statement.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            for (final String sql : E2eStore.MIGRATIONS[0])
            {
                statement.execute(sql);
            }
            statement.execute("INSERT INTO schema_version (version) VALUES (1)");
            statement.execute("INSERT INTO contacts (user_id, phone) VALUES (5, '+15550000005')");
        }

        aliceStore = E2eStore.open(file);
        assertEquals(E2eStore.latestSchemaVersion(), aliceStore.schemaVersion());
        assertEquals("+15550000005", aliceStore.contactPhone(5));
        aliceStore.addDevice(5, 2);
        assertEquals(java.util.List.of(2), aliceStore.devices(5));
        assertNotNull(aliceStore.chats());
    }
}
