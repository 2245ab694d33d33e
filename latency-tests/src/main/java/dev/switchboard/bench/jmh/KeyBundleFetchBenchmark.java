package dev.switchboard.bench.jmh;

import dev.switchboard.state.KeyBundleRecord;
import dev.switchboard.state.KeyDirectory;
import dev.switchboard.state.KeyUpload;
import dev.switchboard.state.StateContext;
import dev.switchboard.state.SwitchboardState;
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
import java.util.concurrent.TimeUnit;

/**
 * The session stage's side of a KeyBundleFetch: {@link KeyDirectory#take} of a random device among 20,000 that
 * uploaded 100 one-time prekeys each (read the entry, consume a prekey, write the entry back), in a persisted
 * Chronicle Map; every iteration starts from full stocks. {@code exhausted} reads a device with none left (no
 * write). {@code kyber}: whether each device also uploaded its 1,569-byte last-resort Kyber prekey, as current
 * clients do; without it an entry has the layout it had before the Kyber prekey existed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyBundleFetchBenchmark
{
    private static final int DEVICES = 20_000;
    private static final int PRE_KEYS = 100;
    private static final int MASK = 128 * 1024 - 1;

    @Param({ "true", "false" })
    public boolean kyber;

    private final long[] userIds = new long[MASK + 1];
    private final byte[] kyberKey = new byte[KeyBundleRecord.KYBER_PUBLIC_KEY_LENGTH];
    private File dataDir;
    private SwitchboardState state;
    private KeyDirectory keys;
    private KeyUpload upload;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dataDir = Files.createTempDirectory("key-directory-bench").toFile();
        state = SwitchboardState.open(new StateContext().dataDir(dataDir).keyDirectoryCapacity(2 * DEVICES));
        keys = state.newKeyDirectory();
        upload = new KeyUpload(PRE_KEYS);
        final Random random = new Random(42);
        for (int i = 0; i < userIds.length; i++)
        {
            userIds[i] = 1 + random.nextInt(DEVICES);
        }
        random.nextBytes(kyberKey);
        kyberKey[0] = KeyBundleRecord.KEY_TYPE_KYBER_1024;
        final byte[] empty = key(0);
        upload.reset(1, 1).identityKey(empty, empty.length).signedPreKey(empty, empty.length)
            .signature(new byte[KeyBundleRecord.SIGNATURE_LENGTH], KeyBundleRecord.SIGNATURE_LENGTH);
        check(keys.upload(DEVICES + 1, 1, upload));
    }

    @Setup(Level.Iteration)
    public void fillStocks()
    {
        for (int user = 1; user <= DEVICES; user++)
        {
            final byte[] identity = key(user);
            upload.reset(user, 1).identityKey(identity, identity.length).signedPreKey(identity, identity.length)
                .signature(new byte[KeyBundleRecord.SIGNATURE_LENGTH], KeyBundleRecord.SIGNATURE_LENGTH);
            if (kyber)
            {
                upload.kyberPreKey(1, kyberKey, kyberKey.length,
                    new byte[KeyBundleRecord.SIGNATURE_LENGTH], KeyBundleRecord.SIGNATURE_LENGTH);
            }
            for (int preKeyId = 1; preKeyId <= PRE_KEYS; preKeyId++)
            {
                upload.addPreKey(preKeyId, identity, identity.length);
            }
            keys.remove(user, 1);
            check(keys.upload(user, 1, upload));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        state.close();
        IoUtil.delete(dataDir, true);
    }

    @Benchmark
    public int take()
    {
        keys.take(userIds[next++ & MASK], 1);
        return keys.takenPreKeyId();
    }

    @Benchmark
    public int count()
    {
        return keys.preKeyCount(userIds[next++ & MASK], 1);
    }

    @Benchmark
    public int exhausted()
    {
        keys.take(DEVICES + 1, 1);
        return keys.takenPreKeyId();
    }

    private static byte[] key(final int seed)
    {
        final byte[] key = new byte[KeyBundleRecord.PUBLIC_KEY_LENGTH];
        key[0] = KeyBundleRecord.KEY_TYPE_DJB;
        for (int i = 1; i < key.length; i++)
        {
            key[i] = (byte)(seed * 31 + i);
        }
        return key;
    }

    private static void check(final int result)
    {
        if (KeyDirectory.UPLOADED != result)
        {
            throw new IllegalStateException("upload refused: " + result);
        }
    }
}
