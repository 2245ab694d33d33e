package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Core NATS's own scenarios over its text protocol on raw sockets: idle subscribed connections and the login storm
 * (core NATS keeps no backlog, so there is no drain). Each bench user is a subject ({@code u.<n>}); ping, pingpong
 * and throughput run through the load engine ({@link NatsLoadWire}).
 */
final class NatsDriver implements PeerDriver
{
    private final NatsServerProcess server;
    private final PrintStream log;

    NatsDriver(final File outDir, final PrintStream log, final CpuAffinity affinity)
    {
        this.log = log;
        this.server = NatsServerProcess.start(outDir, affinity);
    }

    public String target()
    {
        return NatsLoadWire.TARGET;
    }

    public String serverVersion()
    {
        return NatsServerProcess.version();
    }

    public String serverSettings()
    {
        return server.settings();
    }

    public long serverPid()
    {
        return server.pid();
    }

    /**
     * N idle subscribed connections speaking the NATS text protocol on raw sockets: nats-server's resident memory
     * growth per connection and its CPU while they idle.
     */
    public BenchResult connections(final BenchSettings settings) throws Exception
    {
        final int count = settings.connectionsOr(2000);
        final BenchResult result = new BenchResult("connections", target());
        RawSessions.checkOpenFiles(count, "nats-server", server.pid());
        final IdleFootprint footprint = IdleFootprint.baseline(server);
        final List<Socket> sockets = new ArrayList<>(count);
        final byte[] buffer = new byte[4096];
        try
        {
            final long startNs = System.nanoTime();
            for (int i = 0; i < count; i++)
            {
                final Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
                sockets.add(socket);
                final BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII), 512);
                in.readLine(); // INFO
                final OutputStream out = socket.getOutputStream();
                out.write(("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB u." + i + " 1\r\nPING\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                final String pong = in.readLine();
                if (!"PONG".equals(pong))
                {
                    throw new IOException("unexpected " + pong);
                }
            }
            final long connectNs = System.nanoTime() - startNs;
            footprint.measureLoaded();
            log.println("bench: " + count + " NATS connections subscribed in " + connectNs / 1_000_000 + " ms");
            result.figure("connections", count);
            result.figure("loginsPerSecond", count * 1e9 / connectNs);
            footprint.addTo(result, count);
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                try
                {
                    // A reset, not TIME_WAIT: thousands of those would hold ports the next run needs.
                    socket.setSoLinger(true, 0);
                    socket.close();
                }
                catch (final IOException ignore)
                {
                    // Closing is best effort: the server goes next.
                }
            }
        }
        return result;
    }

    /**
     * N clients connect at once (raw CONNECT and PING, no subscription): each connect-to-PONG time and the overall
     * rate. The PONG comes after the server has processed the CONNECT, so it marks the login as done.
     */
    public BenchResult loginStorm(final BenchSettings settings) throws Exception
    {
        return PeerLoad.loginStorm(this, settings, "nats-server",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), new NatsHandshake());
    }

    /**
     * Core NATS keeps nothing for a subscriber that is not there: no drain.
     */
    public BenchResult drain(final BenchSettings settings)
    {
        throw new IllegalStateException(PeerScenarios.NATS_CORE_NO_BACKLOG);
    }

    public void close()
    {
        server.close();
    }

    /**
     * Raw sessions' handshake: CONNECT and PING, complete on the server's PONG (after its INFO line).
     */
    static final class NatsHandshake implements RawSessions.Handshake
    {
        private static final byte[] HELLO = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n"
            .getBytes(StandardCharsets.US_ASCII);

        public ByteBuffer hello(final int index)
        {
            return ByteBuffer.wrap(HELLO.clone());
        }

        public boolean isComplete(final ByteBuffer reply) throws IOException
        {
            final String text = new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
            final int error = text.indexOf("-ERR");
            if (error >= 0)
            {
                throw new IOException("nats-server refused: " + text.substring(error).trim());
            }
            return text.contains("\r\nPONG\r\n") || text.startsWith("PONG\r\n");
        }
    }
}
