package dev.switchboard.bench;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.edge.SelfSignedCertificate;
import dev.switchboard.edge.TlsContexts;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What TLS costs, plaintext and TLS servers measured in turn in one run on the same host: heap per idle connection
 * (handshaken, not logged in: the login deadline is pushed out of the way) after a full GC in the child server, and
 * the round trip of a Ping answered by the edge, through the whole socket path on both sides. Run by hand:
 * {@code mvn -pl latency-tests -am test -Dtest=TlsCostMeasurement -Dswitchboard.bench.tls.cost=true}.
 */
@EnabledIfSystemProperty(named = "switchboard.bench.tls.cost", matches = "true")
class TlsCostMeasurement
{
    private static final int IDLE_CONNECTIONS = Integer.getInteger("switchboard.bench.tls.cost.connections", 2_000);
    private static final int WARMUP_ROUND_TRIPS = 20_000;
    private static final int ROUND_TRIPS = 50_000;
    private static final int ROUNDS = 3;

    @TempDir
    Path folder;

    @Test
    void shouldMeasureTlsAgainstPlaintext() throws Exception
    {
        final SelfSignedCertificate.PemFiles files = SelfSignedCertificate.generate(folder, "bench", "EC");
        final SSLContext client = TlsContexts.clientContextTrusting(files.certificate());
        final StringBuilder report = new StringBuilder();
        for (int round = 1; round <= ROUNDS; round++)
        {
            final Figures plain = measure(null, null, round);
            final Figures tls = measure(files, client, round);
            report.append(String.format(
                "round %d: heap per idle connection plaintext %,d B, TLS %,d B (x%.1f); ping round trip p50 " +
                "plaintext %.1f us, TLS %.1f us (x%.2f); p99 plaintext %.1f us, TLS %.1f us (x%.2f); " +
                "p99.9 plaintext %.1f us, TLS %.1f us%n",
                round, plain.heapPerConnection, tls.heapPerConnection,
                tls.heapPerConnection / (double)plain.heapPerConnection,
                plain.p50Us, tls.p50Us, tls.p50Us / plain.p50Us, plain.p99Us, tls.p99Us, tls.p99Us / plain.p99Us,
                plain.p999Us, tls.p999Us));
        }
        System.out.print(report);
        assertTrue(report.length() > 0);
    }

    private record Figures(long heapPerConnection, double p50Us, double p99Us, double p999Us)
    {
    }

    private Figures measure(final SelfSignedCertificate.PemFiles files, final SSLContext client, final int round)
        throws Exception
    {
        final List<String> options = new ArrayList<>(List.of(
            "-Dswitchboard.edge.login.timeout=3600s", "-Dswitchboard.media.port=0", "-Dchronicle.analytics.disable=true"));
        if (null != files)
        {
            options.add("-Dswitchboard.tls.cert=" + files.certificate());
            options.add("-Dswitchboard.tls.key=" + files.privateKey());
        }
        final String name = (null == files ? "plain-" : "tls-") + round;
        final File dataDir = folder.resolve(name).toFile();
        final List<Socket> sockets = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(System.getProperty("java.class.path"),
            JvmFlags.forChild(BenchCli.repoRoot()), LoopbackServerProcess.freePort(), dataDir, "balanced", options,
            new File(dataDir, "server.log"), CpuAffinity.none()))
        {
            final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            try (Socket socket = open(client, server.port()))
            {
                roundTrips(socket, WARMUP_ROUND_TRIPS, null);
                roundTrips(socket, ROUND_TRIPS, histogram);
            }

            final long before = heapUsedAfterGc(server.pid());
            for (int i = 0; i < IDLE_CONNECTIONS; i++)
            {
                final Socket socket = open(client, server.port());
                sockets.add(socket);
                // a ping answered proves the handshake finished and the server holds the connection
                roundTrips(socket, 1, null);
            }
            final long after = heapUsedAfterGc(server.pid());

            return new Figures((after - before) / IDLE_CONNECTIONS,
                histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getValueAtPercentile(99.9) / 1000.0);
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                CloseHelper.quietClose(socket);
            }
        }
    }

    private static Socket open(final SSLContext client, final int port) throws Exception
    {
        final Socket socket = null == client ?
            new Socket("127.0.0.1", port) : client.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        if (socket instanceof SSLSocket)
        {
            ((SSLSocket)socket).startHandshake();
        }
        return socket;
    }

    private static void roundTrips(final Socket socket, final int count, final Histogram histogram) throws Exception
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PingEncoder ping = new PingEncoder().wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH,
            new MessageHeaderEncoder());
        final int frameLength = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + ping.encodedLength();
        Sofh.write(buffer, 0, frameLength - Sofh.HEADER_LENGTH);
        final byte[] frame = new byte[frameLength];
        final OutputStream out = socket.getOutputStream();
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final byte[] answer = new byte[256];
        for (int i = 0; i < count; i++)
        {
            final long startNs = System.nanoTime();
            ping.timestampNs(startNs);
            buffer.getBytes(0, frame);
            out.write(frame);
            out.flush();
            readFrame(in, answer);
            if (null != histogram)
            {
                histogram.recordValue(System.nanoTime() - startNs);
            }
        }
    }

    private static void readFrame(final DataInputStream in, final byte[] into) throws Exception
    {
        in.readFully(into, 0, 4);
        final int length = new UnsafeBuffer(into).getInt(0, java.nio.ByteOrder.BIG_ENDIAN);
        in.readFully(into, 4, length - 4);
    }

    private static long heapUsedAfterGc(final long pid) throws Exception
    {
        final String jcmd = new File(System.getProperty("java.home"), "bin/jcmd").getPath();
        run(jcmd, Long.toString(pid), "GC.run");
        run(jcmd, Long.toString(pid), "GC.run");
        final String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        // "garbage-first heap   total 262144K, used 12345K [..."
        final int used = info.indexOf("used ");
        final int end = info.indexOf('K', used);
        return Long.parseLong(info.substring(used + 5, end).trim()) * 1024;
    }

    private static String run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }
}
