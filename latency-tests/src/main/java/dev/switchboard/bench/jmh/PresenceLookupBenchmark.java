package dev.switchboard.bench.jmh;

import dev.switchboard.state.Presence;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The route and delivery stages' presence reads: one {@link Presence#connectionId} lookup of a random device among
 * 100,000 online ones in a persisted Chronicle Map sized for the default million accounts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PresenceLookupBenchmark
{
    private static final int ONLINE_USERS = 100_000;
    private static final int MASK = 128 * 1024 - 1;

    private final long[] userIds = new long[MASK + 1];
    private File dataDir;
    private SwitchboardState state;
    private Presence presence;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dataDir = Files.createTempDirectory("presence-bench").toFile();
        state = SwitchboardState.open(new StateContext().dataDir(dataDir));
        presence = state.newPresence();
        for (int user = 1; user <= ONLINE_USERS; user++)
        {
            presence.online(user, 1, 0, user * 256L, System.currentTimeMillis());
        }
        final java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < userIds.length; i++)
        {
            userIds[i] = 1 + random.nextInt(ONLINE_USERS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        state.close();
        IoUtil.delete(dataDir, true);
    }

    @Benchmark
    public long connectionId()
    {
        return presence.connectionId(userIds[next++ & MASK], 1);
    }
}
