package dev.switchboard.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyDirectoryTest
{
    private static final int MAX_PRE_KEYS = 10;

    @TempDir
    Path dir;

    private SwitchboardState state;
    private KeyDirectory keys;
    private KeyUpload upload;

    @AfterEach
    void after()
    {
        if (null != state)
        {
            state.close();
        }
    }

    private SwitchboardState open()
    {
        return SwitchboardState.open(TestStates.context(dir).maxPreKeysPerDevice(MAX_PRE_KEYS));
    }

    private void openKeys()
    {
        state = open();
        keys = state.newKeyDirectory();
        upload = new KeyUpload(MAX_PRE_KEYS);
    }

    static byte[] publicKey(final int seed)
    {
        final byte[] key = new byte[KeyBundleRecord.PUBLIC_KEY_LENGTH];
        key[0] = KeyBundleRecord.KEY_TYPE_DJB;
        for (int i = 1; i < key.length; i++)
        {
            key[i] = (byte)(seed * 7 + i);
        }
        return key;
    }

    static byte[] signature(final int seed)
    {
        final byte[] signature = new byte[KeyBundleRecord.SIGNATURE_LENGTH];
        Arrays.fill(signature, (byte)seed);
        return signature;
    }

    static byte[] kyberKey(final int seed)
    {
        final byte[] key = new byte[KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH];
        key[0] = KeyBundleRecord.KEY_TYPE_KYBER_1024;
        for (int i = 1; i < key.length; i++)
        {
            key[i] = (byte)(seed * 11 + i);
        }
        return key;
    }

    private static KeyUpload upload(
        final KeyUpload upload, final int identitySeed, final int signedSeed, final int firstPreKeyId, final int count)
    {
        upload.reset(1234, signedSeed).identityKey(publicKey(identitySeed), KeyBundleRecord.PUBLIC_KEY_LENGTH);
        if (0 != signedSeed)
        {
            upload.signedPreKey(publicKey(signedSeed), KeyBundleRecord.PUBLIC_KEY_LENGTH)
                .signature(signature(signedSeed), KeyBundleRecord.SIGNATURE_LENGTH);
        }
        for (int i = 0; i < count; i++)
        {
            assertTrue(upload.addPreKey(firstPreKeyId + i, publicKey(1000 + firstPreKeyId + i), 33));
        }
        return upload;
    }

    @Test
    void shouldStoreAndConsumeEveryPreKeyOnceThenServeTheBundleWithout()
    {
        state = open();
        final KeyDirectory keys = state.newKeyDirectory();
        assertEquals(KeyDirectory.NO_BUNDLE, keys.preKeyCount(1, 1));
        assertFalse(keys.take(1, 1));

        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(new KeyUpload(MAX_PRE_KEYS), 1, 2, 1, 5)));
        assertEquals(5, keys.preKeyCount(1, 1));
        assertFalse(keys.take(1, 2));

        final Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 5; i++)
        {
            assertTrue(keys.take(1, 1));
            final int id = keys.takenPreKeyId();
            assertTrue(id >= 1 && id <= 5);
            assertTrue(taken.add(id));
            assertArrayEquals(publicKey(1000 + id), keys.takenPreKey());
            assertEquals(4 - i, keys.bundle().preKeyCount());
            assertEquals(1234, keys.bundle().registrationId());
            assertArrayEquals(publicKey(1), keys.bundle().identityKey());
            assertEquals(2, keys.bundle().signedPreKeyId());
            assertArrayEquals(publicKey(2), keys.bundle().signedPreKey());
            assertArrayEquals(signature(2), keys.bundle().signature());
        }
        assertTrue(keys.take(1, 1));
        assertEquals(0, keys.takenPreKeyId());
        assertEquals(0, keys.preKeyCount(1, 1));
    }

    @Test
    void shouldRefuseBadKeysDuplicatesAndOverstockWithoutChangingAnything()
    {
        openKeys();

        assertEquals(KeyDirectory.MISSING_SIGNED_PRE_KEY, keys.upload(1, 1, upload(upload, 1, 0, 1, 3)));
        assertEquals(KeyDirectory.INVALID_KEY,
            keys.upload(1, 1, upload(upload, 1, 2, 1, 3).identityKey(publicKey(1), 32)));
        final byte[] wrongType = publicKey(1);
        wrongType[0] = 0x06;
        assertEquals(KeyDirectory.INVALID_KEY,
            keys.upload(1, 1, upload(upload, 1, 2, 1, 3).identityKey(wrongType, 33)));
        assertEquals(KeyDirectory.INVALID_KEY,
            keys.upload(1, 1, upload(upload, 1, 2, 1, 3).signature(signature(2), 63)));
        assertEquals(KeyDirectory.INVALID_KEY,
            keys.upload(1, 1, upload(upload, 1, 2, 1, 3).signature(signature(2), 0)));
        assertEquals(KeyDirectory.INVALID_KEY,
            keys.upload(1, 1, upload(upload, 1, 2, 1, 3).signedPreKey(publicKey(2), 34)));
        final KeyUpload badPreKey = upload(upload, 1, 2, 1, 3);
        badPreKey.addPreKey(9, publicKey(9), 32);
        assertEquals(KeyDirectory.INVALID_KEY, keys.upload(1, 1, badPreKey));
        final KeyUpload zeroId = upload(upload, 1, 2, 1, 3);
        zeroId.addPreKey(0, publicKey(9), 33);
        assertEquals(KeyDirectory.INVALID_KEY, keys.upload(1, 1, zeroId));
        final KeyUpload repeated = upload(upload, 1, 2, 1, 3);
        repeated.addPreKey(2, publicKey(9), 33);
        assertEquals(KeyDirectory.DUPLICATE_PRE_KEY, keys.upload(1, 1, repeated));
        assertEquals(KeyDirectory.INVALID_DEVICE, keys.upload(1, 5, upload(upload, 1, 2, 1, 3)));
        assertEquals(KeyDirectory.INVALID_DEVICE, keys.upload(0, 1, upload(upload, 1, 2, 1, 3)));
        assertEquals(KeyDirectory.NO_BUNDLE, keys.preKeyCount(1, 1));

        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 1, 2, 1, 6)));
        assertEquals(KeyDirectory.DUPLICATE_PRE_KEY, keys.upload(1, 1, upload(upload, 1, 0, 6, 2)));
        assertEquals(KeyDirectory.TOO_MANY_PRE_KEYS, keys.upload(1, 1, upload(upload, 1, 0, 7, 5)));
        assertEquals(6, keys.preKeyCount(1, 1));
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 1, 0, 7, 4)));
        assertEquals(MAX_PRE_KEYS, keys.preKeyCount(1, 1));
        upload(upload, 1, 0, 100, MAX_PRE_KEYS);
        assertFalse(upload.addPreKey(99, publicKey(99), 33), "the holder takes no batch past the stock limit");
    }

    @Test
    void shouldRotateTheSignedPreKeyKeepingStockAndDropStockOnANewIdentity()
    {
        openKeys();
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 1, 2, 1, 4)));

        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 1, 3, 5, 1)));
        assertTrue(keys.take(1, 1));
        assertEquals(3, keys.bundle().signedPreKeyId());
        assertArrayEquals(publicKey(3), keys.bundle().signedPreKey());
        assertArrayEquals(signature(3), keys.bundle().signature());
        assertEquals(4, keys.bundle().preKeyCount());

        // new prekeys only, same identity: the signed prekey stays
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 1, 0, 20, 1)));
        assertTrue(keys.take(1, 1));
        assertEquals(3, keys.bundle().signedPreKeyId());

        // a new identity needs a signed prekey, and the old one-time prekeys go
        assertEquals(KeyDirectory.MISSING_SIGNED_PRE_KEY, keys.upload(1, 1, upload(upload, 9, 0, 30, 1)));
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 9, 8, 1, 2)));
        assertEquals(2, keys.preKeyCount(1, 1));
        assertTrue(keys.take(1, 1));
        assertArrayEquals(publicKey(9), keys.bundle().identityKey());

        keys.remove(1, 1);
        assertEquals(KeyDirectory.NO_BUNDLE, keys.preKeyCount(1, 1));
    }

    @Test
    void shouldServeTheKyberPreKeyOnEveryTakeAndRotateItWithTheSignedPreKey()
    {
        openKeys();
        upload(upload, 1, 2, 1, 2).kyberPreKey(5, kyberKey(5), kyberKey(5).length, signature(55), 64);
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload));
        for (int i = 0; i < 4; i++)
        {
            assertTrue(keys.take(1, 1));
            assertEquals(5, keys.bundle().kyberPreKeyId(), "the last-resort key is not consumed");
            assertArrayEquals(kyberKey(5), keys.bundle().kyberPreKey());
            assertArrayEquals(signature(55), keys.bundle().kyberSignature());
        }
        assertEquals(0, keys.takenPreKeyId());

        // one-time prekeys only: the Kyber prekey stays
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 1, 0, 10, 1)));
        assertTrue(keys.take(1, 1));
        assertEquals(5, keys.bundle().kyberPreKeyId());

        // rotated with the signed prekey
        upload(upload, 1, 3, 20, 0).kyberPreKey(6, kyberKey(6), kyberKey(6).length, signature(66), 64);
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload));
        assertTrue(keys.take(1, 1));
        assertEquals(3, keys.bundle().signedPreKeyId());
        assertEquals(6, keys.bundle().kyberPreKeyId());
        assertArrayEquals(kyberKey(6), keys.bundle().kyberPreKey());
        assertArrayEquals(signature(66), keys.bundle().kyberSignature());

        // a new identity without one drops it: it was signed by the old identity
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload(upload, 9, 8, 30, 1)));
        assertTrue(keys.take(1, 1));
        assertEquals(0, keys.bundle().kyberPreKeyId());
    }

    @Test
    void shouldRefuseAKyberPreKeyOfTheWrongSizeTypeOrSignatureWithoutChangingAnything()
    {
        openKeys();
        upload(upload, 1, 2, 1, 1).kyberPreKey(5, kyberKey(5), kyberKey(5).length, signature(55), 64);
        assertEquals(KeyDirectory.UPLOADED, keys.upload(1, 1, upload));

        final byte[] longKey = Arrays.copyOf(kyberKey(7), KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH + 1);
        final byte[] wrongType = kyberKey(7);
        wrongType[0] = KeyBundleRecord.KEY_TYPE_DJB;
        final int shortLength = KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH - 1;
        assertEquals(KeyDirectory.INVALID_KYBER_PRE_KEY, keys.upload(1, 1,
            upload(upload, 1, 3, 2, 1).kyberPreKey(7, kyberKey(7), shortLength, signature(77), 64)));
        assertEquals(KeyDirectory.INVALID_KYBER_PRE_KEY, keys.upload(1, 1,
            upload(upload, 1, 3, 2, 1).kyberPreKey(7, longKey, longKey.length, signature(77), 64)));
        assertEquals(KeyDirectory.INVALID_KYBER_PRE_KEY, keys.upload(1, 1,
            upload(upload, 1, 3, 2, 1).kyberPreKey(7, wrongType, wrongType.length, signature(77), 64)));
        assertEquals(KeyDirectory.INVALID_KYBER_PRE_KEY, keys.upload(1, 1,
            upload(upload, 1, 3, 2, 1).kyberPreKey(7, kyberKey(7), kyberKey(7).length, signature(77), 63)));
        assertEquals(KeyDirectory.INVALID_KYBER_PRE_KEY, keys.upload(1, 1,
            upload(upload, 1, 3, 2, 1).kyberPreKey(7, new byte[0], 0, signature(77), 64)));
        assertEquals(KeyDirectory.INVALID_KYBER_PRE_KEY, keys.upload(1, 1,
            upload(upload, 1, 3, 2, 1).kyberPreKey(0, kyberKey(7), kyberKey(7).length, signature(77), 64)));

        assertTrue(keys.take(1, 1));
        assertEquals(2, keys.bundle().signedPreKeyId());
        assertEquals(5, keys.bundle().kyberPreKeyId());
        assertArrayEquals(kyberKey(5), keys.bundle().kyberPreKey());
    }

    @Test
    void shouldReadAnEntryStoredBeforeTheKyberPreKeyAsHavingNone()
    {
        final KeyBundleRecord record = new KeyBundleRecord(MAX_PRE_KEYS);
        record.registrationId = 77;
        record.preKeyCount = 1;
        record.preKeyIds[0] = 3;
        record.kyberPreKeyId = 9;
        final net.openhft.chronicle.bytes.Bytes<?> bytes = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap();
        final KeyBundleRecordMarshaller marshaller = KeyBundleRecordMarshaller.INSTANCE;
        marshaller.write(bytes, marshaller.size(record), record);
        assertEquals(KeyBundleRecord.FIXED_LENGTH + KeyBundleRecord.PRE_KEY_LENGTH + KeyBundleRecord.KYBER_LENGTH,
            bytes.writePosition());

        final KeyBundleRecord read = new KeyBundleRecord(MAX_PRE_KEYS);
        marshaller.read(bytes, bytes.readRemaining(), read);
        assertEquals(9, read.kyberPreKeyId());

        // the same entry cut where the old layout ended
        bytes.readPosition(0);
        final long oldSize = KeyBundleRecord.FIXED_LENGTH + KeyBundleRecord.PRE_KEY_LENGTH;
        marshaller.read(bytes, oldSize, read);
        assertEquals(0, read.kyberPreKeyId());
        assertEquals(77, read.registrationId());
        assertEquals(1, read.preKeyCount());
        assertEquals(oldSize, bytes.readPosition());
    }

    @Test
    void shouldKeepTheDirectoryAcrossAReopen()
    {
        state = open();
        assertEquals(KeyDirectory.UPLOADED, state.newKeyDirectory().upload(7, 2,
            upload(new KeyUpload(MAX_PRE_KEYS), 1, 2, 1, 3).kyberPreKey(4, kyberKey(4), 1569, signature(44), 64)));
        state.close();

        state = open();
        final KeyDirectory keys = state.newKeyDirectory();
        assertEquals(3, keys.preKeyCount(7, 2));
        assertTrue(keys.take(7, 2));
        assertArrayEquals(publicKey(1000 + keys.takenPreKeyId()), keys.takenPreKey());
        assertArrayEquals(publicKey(1), keys.bundle().identityKey());
        assertEquals(4, keys.bundle().kyberPreKeyId());
        assertArrayEquals(kyberKey(4), keys.bundle().kyberPreKey());
        assertArrayEquals(signature(44), keys.bundle().kyberSignature());
    }

    @Test
    void shouldRefuseAStockLimitOutOfRange()
    {
        assertThrows(IllegalStateException.class, () -> TestStates.context(dir).maxPreKeysPerDevice(0).conclude());
        assertThrows(IllegalStateException.class, () -> TestStates.context(dir)
            .maxPreKeysPerDevice(StateConfiguration.MAX_PRE_KEYS_PER_DEVICE_LIMIT + 1).conclude());
    }

    @Test
    void shouldNotAllocateOnUploadTakeOrCount()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        state = open();
        final KeyDirectory keys = state.newKeyDirectory();
        final KeyUpload upload = new KeyUpload(MAX_PRE_KEYS);
        final byte[] identity = publicKey(1);
        final byte[] signed = publicKey(2);
        final byte[] signature = signature(2);
        final byte[] preKey = publicKey(3);
        final byte[] kyber = kyberKey(4);

        long allocated = 0;
        for (int round = 0; round < 6; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int userId = 1; userId <= 1_000; userId++)
            {
                upload.reset(1, 1).identityKey(identity, 33).signedPreKey(signed, 33).signature(signature, 64)
                    .kyberPreKey(4, kyber, kyber.length, signature, 64);
                for (int i = 1; i <= MAX_PRE_KEYS; i++)
                {
                    upload.addPreKey(i, preKey, 33);
                }
                keys.remove(userId, 1);
                assertEquals(KeyDirectory.UPLOADED, keys.upload(userId, 1, upload));
                for (int i = 0; i <= MAX_PRE_KEYS; i++)
                {
                    keys.take(userId, 1);
                }
                keys.preKeyCount(userId, 1);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        // the last round, warm: 1,000 uploads, 11,000 takes and counts; room for a one-off JIT allocation
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes");
    }
}
