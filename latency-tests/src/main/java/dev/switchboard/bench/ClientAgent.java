package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client JVM holding a slice of the idle connections of the {@code connections} scenario, so that more
 * connections than one process's descriptor limit can be held. It logs its devices in, prints one line
 * {@code ready <loggedIn> <failed> <elapsedMs> <base64 histogram of connect-to-LoginAck ns>}, then keeps them
 * alive (answering pings) until its standard input closes.
 *
 * <p>Arguments: host port dataDir fromDevice count sourceAddresses sourceOffset handshakesInFlight.
 */
public final class ClientAgent
{
    private ClientAgent()
    {
    }

    /**
     * Run one agent; see the class comment for the arguments.
     */
    public static void main(final String[] args) throws IOException
    {
        final InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        final DeviceBook book = DeviceBook.open(new File(args[2]));
        final int from = Integer.parseInt(args[3]);
        final int count = Integer.parseInt(args[4]);
        final int sourceCount = Integer.parseInt(args[5]);
        final int sourceOffset = Integer.parseInt(args[6]);
        final int handshakesInFlight = Integer.parseInt(args[7]);
        final List<InetAddress> sources = new ArrayList<>();
        for (int i = 0; i < sourceCount; i++)
        {
            sources.add(loopback(1 + (sourceOffset + i) % 250));
        }

        final Histogram login = BenchResult.newHistogram();
        final LoadListener listener = new LoginRecorder(login);
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread stdinWatcher = new Thread(() -> awaitEof(System.in, running), "agent-stdin");
        stdinWatcher.setDaemon(true);
        stdinWatcher.start();

        try (LoadPoller poller = new LoadPoller(server, sources, book, null, listener, handshakesInFlight))
        {
            final List<LoadConnection> connections = new ArrayList<>(count);
            final long startNs = System.nanoTime();
            for (int i = 0; i < count; i++)
            {
                final LoadConnection connection = new LoadConnection(i, book.get(from + i), 512);
                connections.add(connection);
                poller.start(connection, true);
            }
            LoadRig.pollUntil(poller, () -> poller.handshakesInFlight() == 0 || !running.get(),
                TimeUnit.MINUTES.toNanos(10));
            final long elapsedNs = System.nanoTime() - startNs;
            final ByteBuffer encoded = ByteBuffer.allocate(login.getNeededByteBufferCapacity());
            login.encodeIntoCompressedByteBuffer(encoded);
            encoded.flip();
            final byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            System.out.println("ready " + poller.counters().loggedIn + " " + (count - poller.counters().loggedIn) +
                " " + TimeUnit.NANOSECONDS.toMillis(elapsedNs) + " " + Base64.getEncoder().encodeToString(bytes));
            System.out.flush();
            while (running.get())
            {
                if (poller.poll(System.nanoTime()) == 0)
                {
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly()
    {
        try
        {
            // Idle connections: a millisecond's nap keeps this JVM's own CPU out of the server's idle figure.
            Thread.sleep(1);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitEof(final InputStream in, final AtomicBoolean running)
    {
        try
        {
            while (in.read() >= 0)
            {
                // Anything written is ignored: only the end of the stream means stop.
            }
        }
        catch (final IOException ignore)
        {
            // A broken pipe means the bench has gone: stop too.
        }
        running.set(false);
    }

    private static InetAddress loopback(final int lastOctet)
    {
        try
        {
            return InetAddress.getByAddress(new byte[]{ 127, 0, 0, (byte)lastOctet });
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Records connect-to-LoginAck time per connection.
     */
    static final class LoginRecorder implements LoadListener
    {
        private final Histogram login;

        LoginRecorder(final Histogram login)
        {
            this.login = login;
        }

        public void onLoggedIn(final LoadConnection connection, final long nowNs)
        {
            BenchResult.record(login, nowNs - connection.startNs);
        }
    }
}
