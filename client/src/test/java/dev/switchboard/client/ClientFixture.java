package dev.switchboard.client;

import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A fake server and the clients a test opens against it, with a recording listener; closes them all.
 */
final class ClientFixture implements AutoCloseable
{
    static final String PHONE = "+15550001234";
    static final long TIMEOUT_S = 10;

    final FakeServer server;
    final RecordingListener listener = new RecordingListener();
    private final File storeDir;
    private final List<SwitchboardClient> clients = new ArrayList<>();

    ClientFixture(final File storeDir) throws IOException
    {
        this.storeDir = storeDir;
        server = new FakeServer();
    }

    /**
     * Fast reconnects and no fsync, the store in the test's folder, the recording listener.
     */
    ClientContext context()
    {
        return context(server.port(), storeDir, listener);
    }

    /**
     * As {@link #context()} for any server port, folder and listener.
     */
    static ClientContext context(final int port, final File storeDir, final ClientListener listener)
    {
        return new ClientContext()
            .port(port)
            .storeDir(storeDir)
            .listener(listener)
            .reconnectInitialBackoff(20, TimeUnit.MILLISECONDS)
            .reconnectMaxBackoff(200, TimeUnit.MILLISECONDS)
            .connectTimeout(1, TimeUnit.SECONDS)
            .requestTimeout(TIMEOUT_S, TimeUnit.SECONDS)
            .storeSync(false);
    }

    SwitchboardClient open(final ClientContext ctx)
    {
        final SwitchboardClient client = SwitchboardClient.open(ctx);
        clients.add(client);
        return client;
    }

    /**
     * A client registered as {@link #PHONE} and logged in.
     */
    SwitchboardClient loggedInClient(final ClientContext ctx) throws Exception
    {
        final SwitchboardClient client = open(ctx);
        get(client.requestCode(PHONE));
        get(client.verify(PHONE, FakeServer.CODE));
        get(client.login());
        return client;
    }

    public void close() throws IOException
    {
        clients.forEach(CloseHelper::quietClose);
        server.close();
    }

    static <T> T get(final CompletableFuture<T> future) throws Exception
    {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /**
     * The server's refusal a future failed with.
     */
    static SwitchboardException failure(final CompletableFuture<?> future)
    {
        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> future.get(TIMEOUT_S, TimeUnit.SECONDS));
        return assertInstanceOf(SwitchboardException.class, ex.getCause());
    }

    static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(5);
        }
    }
}
