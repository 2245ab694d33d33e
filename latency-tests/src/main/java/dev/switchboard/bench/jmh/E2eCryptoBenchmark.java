package dev.switchboard.bench.jmh;

import dev.switchboard.client.E2eCrypto;
import dev.switchboard.client.E2eStore;
import dev.switchboard.client.KeyBundle;
import dev.switchboard.client.KeyBundleUpload;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.nio.file.Files;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The client-side cost of end-to-end encryption, as the SDK pays it: libsignal over the SQLite device store
 * ({@link E2eStore}: WAL, synchronous=NORMAL), so each operation includes loading and saving its session or sender
 * key record; {@code store=file} on the temporary folder's file system, {@code store=memory} an in-memory SQLite
 * database, which leaves mostly libsignal's own cost.
 * <ul>
 *   <li>{@code oneToOne}: encrypt a 1 KiB message for a device (Double Ratchet) and decrypt it on the other side;</li>
 *   <li>{@code group}: encrypt a 1 KiB group message once with a sender key and decrypt it at one member;</li>
 *   <li>{@code sessionSetup}: process a fetched bundle with a one-time prekey and the device's Kyber prekey
 *   (PQXDH), encrypt the first 1 KiB message and decrypt it (the PreKeySignalMessage) on the other side, each time
 *   between two addresses new to each other.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class E2eCryptoBenchmark
{
    private static final long ALICE = 1;
    private static final long BOB = 2;
    private static final int PAYLOAD_LENGTH = 1024;

    @Param({ "file", "memory" })
    public String store;

    private final byte[] payload = new byte[PAYLOAD_LENGTH];
    private File dir;
    private E2eStore aliceStore;
    private E2eStore bobStore;
    private E2eCrypto alice;
    private E2eCrypto bob;
    private UUID distributionId;
    private KeyBundleUpload signed;
    private KeyBundle freshBundle;
    private long setupPeer = BOB;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        new Random(7).nextBytes(payload);
        dir = Files.createTempDirectory("e2e-bench").toFile();
        final boolean inMemory = "memory".equals(store);
        aliceStore = inMemory ? E2eStore.openInMemory() : E2eStore.open(new File(dir, "alice.db"));
        bobStore = inMemory ? E2eStore.openInMemory() : E2eStore.open(new File(dir, "bob.db"));
        alice = new E2eCrypto(aliceStore);
        bob = new E2eCrypto(bobStore);
        alice.ensureIdentity(101, System.currentTimeMillis());
        bob.ensureIdentity(202, System.currentTimeMillis());

        // An established session both ways, so oneToOne measures ratchet messages, not prekey messages.
        signed = bob.fullUpload(1);
        alice.processBundle(bundle(signed, signed, BOB));
        bob.decrypt(ALICE, 1, alice.encrypt(BOB, 1, payload));
        alice.decrypt(BOB, 1, bob.encrypt(ALICE, 1, payload));

        distributionId = UUID.randomUUID();
        bob.processSenderKeyDistribution(ALICE, 1, alice.senderKeyDistribution(ALICE, 1, distributionId));
    }

    @Setup(Level.Invocation)
    public void nextPreKey()
    {
        // A fresh one-time prekey per session setup, as the server hands out, and a user address never seen before
        // on either side, so no session record grows with archived states: a first contact each time. (Device ids
        // must stay within libsignal's 1..127.)
        setupPeer++;
        freshBundle = bundle(signed, bob.topUp(1), setupPeer);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        CloseHelper.closeAll(aliceStore, bobStore);
        IoUtil.delete(dir, true);
    }

    @Benchmark
    public int oneToOne() throws Exception
    {
        return bob.decrypt(ALICE, 1, alice.encrypt(BOB, 1, payload)).length;
    }

    @Benchmark
    public int group() throws Exception
    {
        return bob.groupDecrypt(ALICE, 1, alice.groupEncrypt(ALICE, 1, distributionId, payload)).length;
    }

    @Benchmark
    public int sessionSetup() throws Exception
    {
        alice.processBundle(freshBundle);
        // Bob sees the sender under a new user id too: its side of the session is new as well.
        return bob.decrypt(-setupPeer, 1, alice.encrypt(setupPeer, 1, payload)).length;
    }

    private static KeyBundle bundle(final KeyBundleUpload signed, final KeyBundleUpload preKeys, final long userId)
    {
        final KeyBundleUpload.PreKey preKey = preKeys.preKeys().get(0);
        return new KeyBundle(userId, 1, signed.registrationId(), signed.signedPreKeyId(), preKey.preKeyId(),
            signed.identityKey(), signed.signedPreKey(), signed.signedPreKeySignature(), preKey.publicKey(),
            signed.kyberPreKeyId(), signed.kyberPreKey(), signed.kyberPreKeySignature());
    }
}
