package dev.switchboard.server;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.KeyBundleDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchEncoder;
import dev.switchboard.codec.sbe.KeyBundleUploadDecoder;
import dev.switchboard.codec.sbe.KeyBundleUploadEncoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PreKeyStockDecoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.ring.RingConfiguration;
import dev.switchboard.ring.RingCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key directory over real sockets: KeyBundleUpload, KeyBundleFetch, PreKeyStock, the fetch quotas, every
 * refusal, and the directory across a restart.
 */
@Timeout(120)
class KeyDirectorySystemTest
{
    private static final String ALICE = "+15551290001";
    private static final String BOB = "+15551290002";
    private static final String CAROL = "+15551290003";
    private static final String SAME_PHONE_AGAIN = "switchboard.registration.phone.interval=0";
    private static final String NO_STRIKE_OUT = "switchboard.session.max.rejects=1000";

    @TempDir
    File dataDir;

    private TestServer server;

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    /** The keys one device uploads: distinct per seed, each a libsignal public key (0x05 and 32 bytes). */
    private static final class DeviceKeys
    {
        final int registrationId;
        final byte[] identityKey;
        int signedPreKeyId;
        byte[] signedPreKey;
        byte[] signature;
        int kyberPreKeyId;
        byte[] kyberPreKey;
        byte[] kyberSignature;

        DeviceKeys(final int seed)
        {
            registrationId = 1000 + seed;
            identityKey = key(seed * 100);
            rotate(seed * 100 + 1);
        }

        void rotate(final int signedSeed)
        {
            signedPreKeyId = signedSeed;
            signedPreKey = key(signedSeed + 50_000);
            signature = new byte[64];
            Arrays.fill(signature, (byte)signedSeed);
            signature[0] = (byte)(signedSeed >> 8);
            // the last-resort Kyber prekey rotates with the signed prekey
            kyberPreKeyId = signedSeed + 1;
            kyberPreKey = kyberKey(signedSeed);
            kyberSignature = Arrays.copyOf(signature, 64);
            kyberSignature[1] = (byte)~kyberSignature[1];
        }
    }

    /** A Kyber-1024 public key as libsignal serializes it: type byte 0x08, then 1,568 bytes. */
    static byte[] kyberKey(final int seed)
    {
        return key(1569, (byte)0x08, seed * 13 + 500_000);
    }

    static byte[] key(final int seed)
    {
        return key(33, (byte)0x05, seed);
    }

    private static byte[] key(final int length, final byte type, final int seed)
    {
        final byte[] key = new byte[length];
        key[0] = type;
        for (int i = 1; i < key.length; i++)
        {
            key[i] = (byte)(seed * 31 + i * 7 + (seed >> 8));
        }
        return key;
    }

    /** The one-time prekey the tests upload under an id. */
    static byte[] preKey(final int preKeyId)
    {
        return key(700_000 + preKeyId);
    }

    /**
     * Upload as given: any of the byte arrays may be of a wrong size; null signed prekey and signature send none.
     */
    private static void upload(
        final TestConnection device,
        final int registrationId,
        final byte[] identityKey,
        final int signedPreKeyId,
        final byte[] signedPreKey,
        final byte[] signature,
        final int[] preKeyIds,
        final byte[][] preKeys) throws IOException
    {
        upload(device, registrationId, identityKey, signedPreKeyId, signedPreKey, signature, preKeyIds, preKeys,
            0, null, null);
    }

    /**
     * Upload as given, with a Kyber prekey: null key and signature send none.
     */
    private static void upload(
        final TestConnection device,
        final int registrationId,
        final byte[] identityKey,
        final int signedPreKeyId,
        final byte[] signedPreKey,
        final byte[] signature,
        final int[] preKeyIds,
        final byte[][] preKeys,
        final int kyberPreKeyId,
        final byte[] kyberPreKey,
        final byte[] kyberSignature) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        final KeyBundleUploadEncoder encoder = new KeyBundleUploadEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(device.nextRequestId())
            .registrationId(registrationId)
            .signedPreKeyId(signedPreKeyId)
            .kyberPreKeyId(kyberPreKeyId);
        final KeyBundleUploadEncoder.PreKeysEncoder group = encoder.preKeysCount(preKeyIds.length);
        for (int i = 0; i < preKeyIds.length; i++)
        {
            group.next().preKeyId(preKeyIds[i]).putPublicKey(preKeys[i], 0, preKeys[i].length);
        }
        encoder.putIdentityKey(identityKey, 0, identityKey.length);
        final byte[] spk = null == signedPreKey ? new byte[0] : signedPreKey;
        final byte[] sig = null == signature ? new byte[0] : signature;
        encoder.putSignedPreKeyPublic(spk, 0, spk.length);
        encoder.putSignedPreKeySignature(sig, 0, sig.length);
        final byte[] kyber = null == kyberPreKey ? new byte[0] : kyberPreKey;
        final byte[] kyberSig = null == kyberSignature ? new byte[0] : kyberSignature;
        encoder.putKyberPreKeyPublic(kyber, 0, kyber.length);
        encoder.putKyberPreKeySignature(kyberSig, 0, kyberSig.length);
        device.writeRaw(LinkFrames.frame(buffer, encoder.encodedLength()));
    }

    private static void upload(
        final TestConnection device, final DeviceKeys keys, final boolean withSignedPreKey, final int... preKeyIds)
        throws IOException
    {
        final byte[][] preKeys = new byte[preKeyIds.length][];
        for (int i = 0; i < preKeyIds.length; i++)
        {
            preKeys[i] = preKey(preKeyIds[i]);
        }
        upload(device, keys.registrationId, keys.identityKey, keys.signedPreKeyId,
            withSignedPreKey ? keys.signedPreKey : null, withSignedPreKey ? keys.signature : null, preKeyIds, preKeys,
            keys.kyberPreKeyId, withSignedPreKey ? keys.kyberPreKey : null,
            withSignedPreKey ? keys.kyberSignature : null);
    }

    private static void uploadAcked(
        final TestConnection device, final DeviceKeys keys, final boolean withSignedPreKey, final int... preKeyIds)
        throws IOException
    {
        upload(device, keys, withSignedPreKey, preKeyIds);
        final TestConnection.Frame frame = device.expect(RequestAckDecoder.TEMPLATE_ID);
        final RequestAckDecoder ack = new RequestAckDecoder().wrap(
            frame.buffer, Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH, frame.blockLength, frame.version);
        assertEquals(KeyBundleUploadDecoder.TEMPLATE_ID, ack.templateId());
    }

    private static void fetch(final TestConnection device, final long userId, final int deviceId) throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final KeyBundleFetchEncoder encoder = new KeyBundleFetchEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(device.nextRequestId());
        encoder.device().userId(userId).deviceId(deviceId);
        device.writeRaw(LinkFrames.frame(buffer, encoder.encodedLength()));
    }

    /** One KeyBundle as received. */
    private record Bundle(
        long userId,
        int deviceId,
        int registrationId,
        int signedPreKeyId,
        int preKeyId,
        byte[] identityKey,
        byte[] signedPreKey,
        byte[] signature,
        byte[] preKey,
        int kyberPreKeyId,
        byte[] kyberPreKey,
        byte[] kyberSignature)
    {
    }

    private static Bundle bundle(final TestConnection device) throws IOException
    {
        final TestConnection.Frame frame = device.expect(KeyBundleDecoder.TEMPLATE_ID);
        final KeyBundleDecoder decoder = new KeyBundleDecoder().wrap(
            frame.buffer, Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH, frame.blockLength, frame.version);
        final long userId = decoder.device().userId();
        final int deviceId = decoder.device().deviceId();
        final int registrationId = (int)decoder.registrationId();
        final int signedPreKeyId = (int)decoder.signedPreKeyId();
        final int preKeyId = (int)decoder.preKeyId();
        final byte[] identityKey = new byte[decoder.identityKeyLength()];
        decoder.getIdentityKey(identityKey, 0, identityKey.length);
        final byte[] signedPreKey = new byte[decoder.signedPreKeyPublicLength()];
        decoder.getSignedPreKeyPublic(signedPreKey, 0, signedPreKey.length);
        final byte[] signature = new byte[decoder.signedPreKeySignatureLength()];
        decoder.getSignedPreKeySignature(signature, 0, signature.length);
        final byte[] preKey = new byte[decoder.preKeyPublicLength()];
        decoder.getPreKeyPublic(preKey, 0, preKey.length);
        final int kyberPreKeyId = (int)decoder.kyberPreKeyId();
        final byte[] kyberPreKey = new byte[decoder.kyberPreKeyPublicLength()];
        decoder.getKyberPreKeyPublic(kyberPreKey, 0, kyberPreKey.length);
        final byte[] kyberSignature = new byte[decoder.kyberPreKeySignatureLength()];
        decoder.getKyberPreKeySignature(kyberSignature, 0, kyberSignature.length);
        return new Bundle(userId, deviceId, registrationId, signedPreKeyId, preKeyId, identityKey, signedPreKey,
            signature, preKey, kyberPreKeyId, kyberPreKey, kyberSignature);
    }

    /** Assert the bundle is the device's keys, byte for byte, and return the one-time prekey id it carried. */
    private static int assertBundle(final Bundle bundle, final TestConnection owner, final DeviceKeys keys)
    {
        assertEquals(owner.userId, bundle.userId());
        assertEquals(owner.deviceId, bundle.deviceId());
        assertEquals(keys.registrationId, bundle.registrationId());
        assertEquals(keys.signedPreKeyId, bundle.signedPreKeyId());
        assertArrayEquals(keys.identityKey, bundle.identityKey());
        assertArrayEquals(keys.signedPreKey, bundle.signedPreKey());
        assertArrayEquals(keys.signature, bundle.signature());
        // the last-resort Kyber prekey comes with every bundle, never consumed
        assertEquals(keys.kyberPreKeyId, bundle.kyberPreKeyId());
        assertArrayEquals(keys.kyberPreKey, bundle.kyberPreKey());
        assertArrayEquals(keys.kyberSignature, bundle.kyberSignature());
        if (0 == bundle.preKeyId())
        {
            assertEquals(0, bundle.preKey().length);
        }
        else
        {
            assertArrayEquals(preKey(bundle.preKeyId()), bundle.preKey());
        }
        return bundle.preKeyId();
    }

    private static ErrorDecoder error(final TestConnection device, final ErrorCode code, final int templateId)
        throws IOException
    {
        final TestConnection.Frame frame = device.expect(ErrorDecoder.TEMPLATE_ID);
        final ErrorDecoder error = frame.error();
        assertEquals(code, error.code());
        assertEquals(templateId, error.templateId());
        return error;
    }

    private static int preKeyStock(final TestConnection device) throws IOException
    {
        final TestConnection.Frame frame = device.expect(PreKeyStockDecoder.TEMPLATE_ID);
        return (int)new PreKeyStockDecoder().wrap(
            frame.buffer, Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH, frame.blockLength, frame.version)
            .preKeyCount();
    }

    /** Alice, who uploaded keys, and bob, who fetches them. */
    private record Pair(TestConnection alice, TestConnection bob, DeviceKeys aliceKeys)
    {
    }

    /**
     * A server with the properties, and alice and bob logged in; alice has uploaded keys with these prekeys.
     */
    private Pair start(final String[] properties, final int... alicePreKeyIds) throws IOException
    {
        server = TestServer.launch(dataDir, properties);
        final Pair pair = new Pair(server.device(ALICE), server.device(BOB), new DeviceKeys(1));
        uploadAcked(pair.alice(), pair.aliceKeys(), true, alicePreKeyIds);
        return pair;
    }

    private long counter(final int id)
    {
        return server.server().ring().counters().get(id);
    }

    @Test
    void shouldServeOneBundlePerDeviceByteExactConsumingADifferentPreKeyEachFetchUntilNoneIsLeft() throws IOException
    {
        server = TestServer.launch(dataDir, SAME_PHONE_AGAIN, "switchboard.keys.prekey.low.stock=0");
        final TestConnection alice1 = server.device(ALICE);
        final TestConnection alice2 = server.linked(alice1);
        final TestConnection bob = server.device(BOB);
        final TestConnection carol = server.device(CAROL);
        assertEquals(alice1.userId, alice2.userId);
        assertEquals(2, alice2.deviceId);
        final DeviceKeys alice1Keys = new DeviceKeys(1);
        final DeviceKeys alice2Keys = new DeviceKeys(2);
        uploadAcked(alice1, alice1Keys, true, 1, 2, 3);
        uploadAcked(alice2, alice2Keys, true, 11, 12, 13);

        final Set<Integer> alice1Taken = new HashSet<>();
        final Set<Integer> alice2Taken = new HashSet<>();
        for (int i = 0; i < 3; i++)
        {
            fetch(bob, alice1.userId, 0);
            assertTrue(alice1Taken.add(assertBundle(bundle(bob), alice1, alice1Keys)));
            assertTrue(alice2Taken.add(assertBundle(bundle(bob), alice2, alice2Keys)));
        }
        assertEquals(Set.of(1, 2, 3), alice1Taken);
        assertEquals(Set.of(11, 12, 13), alice2Taken);

        // none left: the bundles still come, without a one-time prekey, as Signal's do
        fetch(bob, alice1.userId, 0);
        assertEquals(0, assertBundle(bundle(bob), alice1, alice1Keys));
        assertEquals(0, assertBundle(bundle(bob), alice2, alice2Keys));
        assertEquals(2, counter(RingCounters.PRE_KEYS_EXHAUSTED));

        // one device by its id; a device fetching its own user's devices, itself included
        uploadAcked(alice2, alice2Keys, false, 14);
        fetch(bob, alice2.userId, 2);
        assertEquals(14, assertBundle(bundle(bob), alice2, alice2Keys));
        uploadAcked(alice2, alice2Keys, false, 15);
        fetch(alice1, alice1.userId, 0);
        assertEquals(0, assertBundle(bundle(alice1), alice1, alice1Keys));
        assertEquals(15, assertBundle(bundle(alice1), alice2, alice2Keys));
        assertEquals(11, counter(RingCounters.KEY_BUNDLES_FETCHED));
        assertEquals(4, counter(RingCounters.KEY_BUNDLES_UPLOADED));

        // rotation: a new signed prekey keeps the stock of one-time prekeys
        alice1Keys.rotate(77);
        uploadAcked(alice1, alice1Keys, true, 4);
        fetch(carol, alice1.userId, 1);
        assertEquals(4, assertBundle(bundle(carol), alice1, alice1Keys));

        // nothing to serve
        fetch(bob, carol.userId, 0);
        error(bob, ErrorCode.NO_KEY_BUNDLE, KeyBundleFetchDecoder.TEMPLATE_ID);
        fetch(bob, carol.userId, 1);
        error(bob, ErrorCode.NO_KEY_BUNDLE, KeyBundleFetchDecoder.TEMPLATE_ID);
        fetch(bob, alice1.userId, 3);
        error(bob, ErrorCode.UNKNOWN_DEVICE, KeyBundleFetchDecoder.TEMPLATE_ID);
        fetch(bob, alice1.userId, 65_535);
        error(bob, ErrorCode.UNKNOWN_DEVICE, KeyBundleFetchDecoder.TEMPLATE_ID);
        fetch(bob, 999_999, 0);
        error(bob, ErrorCode.UNKNOWN_USER, KeyBundleFetchDecoder.TEMPLATE_ID);
        fetch(bob, 999_999, 1);
        error(bob, ErrorCode.UNKNOWN_USER, KeyBundleFetchDecoder.TEMPLATE_ID);

        // refusals are not strikes: the connection serves on
        fetch(bob, alice2.userId, 2);
        assertEquals(0, assertBundle(bundle(bob), alice2, alice2Keys));
    }

    @Test
    void shouldTellADeviceItsStockRunsLowWhileOnlineAndAtItsNextLogin() throws IOException
    {
        final Pair pair = start(new String[]{ "switchboard.keys.prekey.low.stock=3" }, 1, 2, 3, 4);
        final TestConnection alice = pair.alice();
        final TestConnection bob = pair.bob();
        final DeviceKeys aliceKeys = pair.aliceKeys();

        fetch(bob, alice.userId, 0);
        assertBundle(bundle(bob), alice, aliceKeys);
        alice.expectSilence(200); // 3 left: not below the threshold

        fetch(bob, alice.userId, 0);
        assertBundle(bundle(bob), alice, aliceKeys);
        assertEquals(2, preKeyStock(alice));

        alice.close();
        fetch(bob, alice.userId, 1);
        assertBundle(bundle(bob), alice, aliceKeys);
        final TestConnection aliceAgain = server.again(alice);
        assertEquals(1, preKeyStock(aliceAgain));

        uploadAcked(aliceAgain, aliceKeys, false, 5, 6, 7);
        final TestConnection aliceThird = server.again(aliceAgain);
        aliceThird.expectSilence(300); // 4 left: nothing to say

        // a device that never uploaded keys is never told
        bob.close();
        server.again(bob).expectSilence(300);
    }

    @Test
    void shouldRefuseEveryInvalidUploadKeepingWhatWasStored() throws IOException
    {
        server = TestServer.launch(dataDir, NO_STRIKE_OUT, "switchboard.state.max.prekeys.per.device=5",
            "switchboard.keys.prekey.low.stock=0");
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);
        final int upload = KeyBundleUploadDecoder.TEMPLATE_ID;
        final DeviceKeys keys = new DeviceKeys(1);
        final byte[] wrongType = key(5);
        wrongType[0] = 0x06;
        final int[] one = { 1 };
        final byte[][] oneKey = { preKey(1) };

        // nothing stored yet: a first upload needs the signed prekey and its signature
        upload(alice, keys, false, 1);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, Arrays.copyOf(keys.identityKey, 32), 1, keys.signedPreKey, keys.signature, one, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, Arrays.copyOf(keys.identityKey, 34), 1, keys.signedPreKey, keys.signature, one, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, wrongType, 1, keys.signedPreKey, keys.signature, one, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, keys.identityKey, 1, Arrays.copyOf(keys.signedPreKey, 32), keys.signature, one, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, keys.identityKey, 1, wrongType, keys.signature, one, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, keys.identityKey, 1, keys.signedPreKey, Arrays.copyOf(keys.signature, 63), one, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, keys.identityKey, 1, keys.signedPreKey, null, one, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, keys.identityKey, 1, keys.signedPreKey, keys.signature, one, new byte[][]{ key(1) });
        upload(alice, 4242, keys.identityKey, 1, keys.signedPreKey, keys.signature, one,
            new byte[][]{ Arrays.copyOf(preKey(1), 32) });
        // the first of the two was valid
        alice.expect(RequestAckDecoder.TEMPLATE_ID);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        upload(alice, 4242, keys.identityKey, 1, keys.signedPreKey, keys.signature, new int[]{ 0 }, oneKey);
        error(alice, ErrorCode.INVALID_FIELD, upload);

        // the Kyber prekey: exactly 1,569 bytes of type 8, a 64-byte signature, an id other than 0
        final byte[] kyberWrongType = kyberKey(9);
        kyberWrongType[0] = 0x07;
        final byte[][] badKybers = { Arrays.copyOf(kyberKey(9), 1568), Arrays.copyOf(kyberKey(9), 1570),
            kyberWrongType, new byte[0], kyberKey(9), kyberKey(9) };
        final byte[][] badKyberSignatures = { keys.signature, keys.signature, keys.signature, keys.signature,
            Arrays.copyOf(keys.signature, 63), new byte[0] };
        for (int i = 0; i < badKybers.length; i++)
        {
            upload(alice, 4242, keys.identityKey, 1, keys.signedPreKey, keys.signature, new int[]{ 20 + i },
                new byte[][]{ preKey(20 + i) }, 9, badKybers[i], badKyberSignatures[i]);
            final ErrorDecoder badKyber = error(alice, ErrorCode.INVALID_FIELD, upload);
            final byte[] kyberDetail = new byte[badKyber.detailLength()];
            badKyber.getDetail(kyberDetail, 0, kyberDetail.length);
            assertTrue(new String(kyberDetail, StandardCharsets.UTF_8).startsWith("kyber prekey must be 1569 bytes"));
        }
        upload(alice, 4242, keys.identityKey, 1, keys.signedPreKey, keys.signature, new int[]{ 30 },
            new byte[][]{ preKey(30) }, 0, kyberKey(9), keys.signature);
        error(alice, ErrorCode.INVALID_FIELD, upload);

        // the device's stock is the one prekey 1 stored above; start again from a clean slate with another identity
        final DeviceKeys fresh = new DeviceKeys(2);
        upload(alice, fresh, true, 1, 2, 2);
        final ErrorDecoder duplicate = error(alice, ErrorCode.INVALID_FIELD, upload);
        final byte[] detail = new byte[duplicate.detailLength()];
        duplicate.getDetail(detail, 0, detail.length);
        assertEquals("duplicate one-time prekey id", new String(detail, StandardCharsets.UTF_8));
        upload(alice, fresh, true, 1, 2, 3, 4, 5, 6);
        error(alice, ErrorCode.INVALID_FIELD, upload);
        uploadAcked(alice, fresh, true, 1, 2, 3, 4);
        upload(alice, fresh, false, 4);
        error(alice, ErrorCode.INVALID_FIELD, upload); // already in stock
        upload(alice, fresh, false, 5, 6);
        error(alice, ErrorCode.INVALID_FIELD, upload); // past the stock limit of 5
        uploadAcked(alice, fresh, false, 5);

        // what was stored is exactly the accepted uploads: five prekeys of the fresh identity, then none
        final Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 5; i++)
        {
            fetch(bob, alice.userId, 0);
            assertTrue(taken.add(assertBundle(bundle(bob), alice, fresh)));
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), taken);
        fetch(bob, alice.userId, 0);
        assertEquals(0, assertBundle(bundle(bob), alice, fresh));

        // before login: no key requests at all
        final TestConnection stranger = server.connect();
        upload(stranger, keys, true, 1);
        error(stranger, ErrorCode.NOT_AUTHENTICATED, upload);
        fetch(stranger, alice.userId, 0);
        error(stranger, ErrorCode.NOT_AUTHENTICATED, KeyBundleFetchDecoder.TEMPLATE_ID);
    }

    @Test
    void shouldLimitFetchesPerRequesterPerMinute() throws IOException
    {
        assertQuota("switchboard.keys.fetches.per.minute=3", 3);
    }

    @Test
    void shouldLimitFetchesPerRequesterPerDay() throws IOException
    {
        assertQuota("switchboard.keys.fetches.per.day=4", 4);
    }

    private void assertQuota(final String property, final int allowed) throws IOException
    {
        server = TestServer.launch(dataDir, SAME_PHONE_AGAIN, property, "switchboard.keys.prekey.low.stock=0");
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob1 = server.device(BOB);
        final TestConnection bob2 = server.linked(bob1);
        final TestConnection carol = server.device(CAROL);
        final DeviceKeys keys = new DeviceKeys(1);
        uploadAcked(alice, keys, true, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

        // the quota is the user's, whichever of its devices asks
        for (int i = 0; i < allowed; i++)
        {
            final TestConnection bob = 0 == i % 2 ? bob1 : bob2;
            fetch(bob, alice.userId, 0);
            assertTrue(assertBundle(bundle(bob), alice, keys) > 0);
        }
        fetch(bob1, alice.userId, 0);
        error(bob1, ErrorCode.RATE_LIMITED, KeyBundleFetchDecoder.TEMPLATE_ID);
        fetch(bob2, alice.userId, 0);
        error(bob2, ErrorCode.RATE_LIMITED, KeyBundleFetchDecoder.TEMPLATE_ID);

        // another requester has its own quota, and the refused fetches consumed nothing
        fetch(carol, alice.userId, 0);
        assertTrue(assertBundle(bundle(carol), alice, keys) > 0);
        for (int i = allowed + 1; i < 10; i++)
        {
            fetch(carol, alice.userId, 0);
            if (i - allowed < allowed)
            {
                assertTrue(assertBundle(bundle(carol), alice, keys) > 0);
            }
            else
            {
                error(carol, ErrorCode.RATE_LIMITED, KeyBundleFetchDecoder.TEMPLATE_ID);
            }
        }
    }

    @Test
    void shouldNotAllocatePerFetchOrUploadOnServerThreads() throws IOException
    {
        final int fetches = 6_000;
        final int warmUp = 2_000;
        final Pair pair = start(new String[]{ RingConfiguration.FRAMES_PER_SECOND_PROP_NAME + "=10000000",
            "switchboard.keys.fetches.per.minute=1000000", "switchboard.keys.fetches.per.day=1000000",
            "switchboard.keys.prekey.low.stock=0" }, 1);
        final TestConnection alice = pair.alice();
        final TestConnection bob = pair.bob();
        long before = 0;
        int nextPreKeyId = 2;
        for (int i = 0; i < fetches; i++)
        {
            if (warmUp == i)
            {
                before = HotPathAllocationSystemTest.serverThreadAllocatedBytes();
            }
            if (0 == i % 50)
            {
                // a top-up of 50 prekeys in a frame larger than a ring slot
                final int[] ids = new int[50];
                for (int j = 0; j < ids.length; j++)
                {
                    ids[j] = nextPreKeyId++;
                }
                uploadAcked(alice, pair.aliceKeys(), false, ids);
            }
            fetch(bob, alice.userId, 0);
            assertTrue(assertBundle(bundle(bob), alice, pair.aliceKeys()) > 0);
        }
        final long allocated = HotPathAllocationSystemTest.serverThreadAllocatedBytes() - before;
        final double perFetch = (double)allocated / (fetches - warmUp);
        System.out.printf("server threads allocated %,d bytes over %,d fetches and %,d uploads: %.3f B/fetch%n",
            allocated, fetches - warmUp, (fetches - warmUp) / 50, perFetch);
        // one object per fetch would be 64,000 bytes at least; leave room for a one-off allocation (JIT, a map)
        assertTrue(allocated < 16 * 1024, "bytes on server threads: " + allocated);
    }

    @Test
    void shouldKeepTheDirectoryAcrossARestart() throws IOException
    {
        final Pair pair = start(new String[]{ "switchboard.keys.prekey.low.stock=0" }, 1, 2, 3);
        final TestConnection alice = pair.alice();
        final TestConnection bob = pair.bob();
        final DeviceKeys keys = pair.aliceKeys();
        fetch(bob, alice.userId, 0);
        final int first = assertBundle(bundle(bob), alice, keys);

        server.restart();
        final TestConnection bobAgain = server.again(bob);
        final Set<Integer> taken = new HashSet<>(Set.of(first));
        for (int i = 0; i < 2; i++)
        {
            fetch(bobAgain, alice.userId, 0);
            assertTrue(taken.add(assertBundle(bundle(bobAgain), alice, keys)));
        }
        assertEquals(Set.of(1, 2, 3), taken);
        fetch(bobAgain, alice.userId, 0);
        assertEquals(0, assertBundle(bundle(bobAgain), alice, keys));
    }
}
