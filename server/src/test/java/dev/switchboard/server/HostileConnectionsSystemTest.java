package dev.switchboard.server;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.edge.PollerStats;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Connections that never log in, never finish a frame or never read are closed by their deadlines, over real
 * sockets, with short timeouts set as a user would, by property.
 */
@Timeout(60)
class HostileConnectionsSystemTest
{
    private static final long LOGIN_TIMEOUT_MS = 3_000;
    private static final long FRAME_TIMEOUT_MS = 1_000;
    private static final long WRITE_TIMEOUT_MS = 1_000;

    @TempDir
    File dataDir;

    private TestServer server;
    private SocketChannel neverReads;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(neverReads, server);
    }

    private TestServer launch()
    {
        return TestServer.launch(dataDir,
            "switchboard.edge.login.timeout=" + LOGIN_TIMEOUT_MS + "ms",
            "switchboard.edge.frame.timeout=" + FRAME_TIMEOUT_MS + "ms",
            "switchboard.edge.write.timeout=" + WRITE_TIMEOUT_MS + "ms",
            "switchboard.edge.so.sndbuf=4096",
            "switchboard.edge.max.pending.write=4m");
    }

    @Test
    void shouldCloseAConnectionThatNeverLogsInWithNotAuthenticated() throws IOException
    {
        server = launch();
        final TestConnection idle = server.connect();
        final long startNs = System.nanoTime();

        final TestConnection.Frame frame = idle.read();
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertEquals(ErrorDecoder.TEMPLATE_ID, frame.templateId());
        assertEquals(ErrorCode.NOT_AUTHENTICATED, frame.error().code());
        assertEquals(0, frame.error().requestId());
        assertTrue(idle.awaitClosed());
        assertTrue(elapsedMs >= LOGIN_TIMEOUT_MS - 100 && elapsedMs < LOGIN_TIMEOUT_MS + 2_000, elapsedMs + " ms");
        awaitTrue(() -> 1 == edgeSum(PollerStats::loginTimeouts), "login timeout counted");
    }

    @Test
    void shouldKeepALoggedInConnectionPastTheLoginTimeout() throws IOException
    {
        server = launch();
        final TestConnection device = server.device("+15551900001");

        device.expectSilence((int)LOGIN_TIMEOUT_MS + 500);
        device.ping(42);
        assertEquals(dev.switchboard.codec.sbe.PongDecoder.TEMPLATE_ID, device.read().templateId());
        assertEquals(0, edgeSum(PollerStats::loginTimeouts));
    }

    @Test
    void shouldCloseAConnectionThatLeavesAFramePartialWithMalformedFrame() throws IOException
    {
        server = launch();
        final TestConnection partial = server.connect();
        partial.writeRaw(new byte[] { 0, 0, 0, 40, 0x5B, (byte)0xE0, 1, 2 });
        final long startNs = System.nanoTime();

        final TestConnection.Frame frame = partial.read();
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertEquals(ErrorCode.MALFORMED_FRAME, frame.error().code());
        assertEquals(0, frame.error().requestId());
        assertTrue(partial.awaitClosed());
        assertTrue(elapsedMs >= FRAME_TIMEOUT_MS - 100 && elapsedMs < LOGIN_TIMEOUT_MS, elapsedMs + " ms");
        awaitTrue(() -> 1 == edgeSum(PollerStats::frameTimeouts), "frame timeout counted");
    }

    @Test
    void shouldRefuseAFrameAboveTheCodecLimitWithFrameTooLarge() throws IOException
    {
        server = TestServer.launch(dataDir, "switchboard.codec.max.frame.length=1024");
        final TestConnection connection = server.connect();
        final byte[] frame = new byte[2_040];
        java.nio.ByteBuffer.wrap(frame).putInt(frame.length).putShort((short)0x5BE0);
        connection.writeRaw(frame);

        final TestConnection.Frame error = connection.read();
        assertEquals(ErrorCode.FRAME_TOO_LARGE, error.error().code());
        assertEquals(0, error.error().requestId());
        assertTrue(connection.awaitClosed());
        assertEquals(1024, server.server().edge().poller(0).outbound().maxFrameLength());
    }

    @Test
    void shouldCloseAConnectionThatNeverReadsWhatItAskedFor() throws IOException
    {
        server = launch();
        neverReads = SocketChannel.open();
        neverReads.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        neverReads.connect(new InetSocketAddress("127.0.0.1", server.port()));

        // Pings the edge answers without a login: far more Pongs than the two sockets' buffers hold.
        final byte[] ping = ping();
        final ByteBuffer pings = ByteBuffer.allocate(ping.length * 20_000);
        while (pings.hasRemaining())
        {
            pings.put(ping);
        }
        pings.flip();
        final long startNs = System.nanoTime();
        neverReads.configureBlocking(false);
        while (pings.hasRemaining() && System.nanoTime() - startNs < TimeUnit.MILLISECONDS.toNanos(500))
        {
            neverReads.write(pings);
        }

        awaitTrue(() -> 1 == edgeSum(PollerStats::writeTimeouts), "write timeout counted");
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(elapsedMs >= WRITE_TIMEOUT_MS - 100 && elapsedMs < LOGIN_TIMEOUT_MS, elapsedMs + " ms");
        awaitTrue(() -> 0 == edgeSum(PollerStats::connectionCount), "closed");
        assertEquals(0, edgeSum(PollerStats::loginTimeouts));
        assertEquals(0, edgeSum(PollerStats::slowConsumerCloses));
    }

    private static byte[] ping()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PingEncoder encoder = new PingEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .timestampNs(7);
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        Sofh.write(buffer, 0, messageLength);
        final byte[] frame = new byte[Sofh.HEADER_LENGTH + messageLength];
        buffer.getBytes(0, frame);
        return frame;
    }

    private long edgeSum(final java.util.function.ToLongFunction<PollerStats> figure)
    {
        long sum = 0;
        for (int i = 0; i < server.server().edge().pollerCount(); i++)
        {
            sum += figure.applyAsLong(server.server().edge().poller(i).stats());
        }
        return sum;
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out waiting for: " + what);
            }
            Thread.onSpinWait();
        }
    }
}
