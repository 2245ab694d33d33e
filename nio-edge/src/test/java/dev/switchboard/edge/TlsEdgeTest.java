package dev.switchboard.edge;

import dev.switchboard.codec.sbe.PongDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS 1.3 in the edge, stepped on the test thread while JDK TLS sockets talk to it from others.
 */
class TlsEdgeTest
{
    @TempDir
    static Path folder;
    private static SelfSignedCertificate.PemFiles ecFiles;
    private static SSLContext clientContext;

    private EdgeFixture fixture;

    @BeforeAll
    static void makeCertificate() throws Exception
    {
        ecFiles = SelfSignedCertificate.generate(folder, "ec", "EC");
        clientContext = TlsContexts.clientContextTrusting(ecFiles.certificate());
    }

    @AfterEach
    void close()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldCarryFramesBothWaysOverTls() throws Exception
    {
        fixture = new EdgeFixture(tlsContext(ecFiles));
        final byte[] send = Frames.send(7, 100);
        final Future<byte[]> pong = run(() ->
        {
            try (SSLSocket socket = connect())
            {
                socket.getOutputStream().write(Frames.concat(send, Frames.ping(42)));
                return readFrame(socket.getInputStream());
            }
        });
        fixture.awaitTrue(pong::isDone);

        final byte[] answer = pong.get();
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(answer));
        assertEquals(1, fixture.sink.frames.size());
        assertArrayEquals(send, fixture.sink.frames.get(0).bytes());
        assertEquals(1, fixture.poller().stats().tlsHandshakes());
        assertEquals(0, fixture.poller().stats().tlsFailures());
    }

    @Test
    void shouldServeRsaCertificates() throws Exception
    {
        final SelfSignedCertificate.PemFiles rsaFiles = SelfSignedCertificate.generate(folder, "rsa", "RSA");
        fixture = new EdgeFixture(tlsContext(rsaFiles));
        final SSLContext rsaClient = TlsContexts.clientContextTrusting(rsaFiles.certificate());
        final Future<byte[]> pong = run(() ->
        {
            try (SSLSocket socket = (SSLSocket)rsaClient.getSocketFactory().createSocket("127.0.0.1", port()))
            {
                socket.getOutputStream().write(Frames.ping(1));
                return readFrame(socket.getInputStream());
            }
        });
        fixture.awaitTrue(pong::isDone);
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(pong.get()));
    }

    @Test
    void shouldCarryBurstsLargerThanTheReadBufferInOrder() throws Exception
    {
        fixture = new EdgeFixture(tlsContext(ecFiles));
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            sent.add(Frames.send(i, 10_000 + i));
        }
        final Future<byte[]> pong = run(() ->
        {
            try (SSLSocket socket = connect())
            {
                // about 600 KB in one write: many records, more than one read buffer's worth each cycle
                socket.getOutputStream().write(Frames.concat(Frames.concat(sent.toArray(new byte[0][])),
                    Frames.ping(5)));
                return readFrame(socket.getInputStream());
            }
        });
        fixture.awaitTrue(pong::isDone);
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(pong.get()));
        assertEquals(sent.size(), fixture.sink.frames.size());
        for (int i = 0; i < sent.size(); i++)
        {
            assertArrayEquals(sent.get(i), fixture.sink.frames.get(i).bytes());
        }
    }

    @Test
    void shouldCloseAndCountPlaintextAndGarbageOnATlsPort() throws Exception
    {
        fixture = new EdgeFixture(tlsContext(ecFiles));
        final TestClient plaintext = fixture.connect();
        plaintext.send(Frames.ping(1));
        fixture.awaitTrue(() -> 1 == fixture.poller().stats().tlsFailures());

        final TestClient garbage = fixture.connect();
        final byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        garbage.send(noise);
        fixture.awaitTrue(() -> 2 == fixture.poller().stats().tlsFailures());

        fixture.awaitTrue(() -> 0 == fixture.poller().stats().connectionCount());
        assertEquals(2, fixture.poller().stats().connectionsClosed());
        assertEquals(0, fixture.sink.frames.size());
        assertEquals(0, fixture.poller().stats().errors());
        fixture.awaitTrue(() ->
        {
            plaintext.poll();
            garbage.poll();
            return plaintext.isEndOfStream() && garbage.isEndOfStream();
        });

        // the poller lives on: a real TLS client is served after them
        final Future<byte[]> pong = pingOverTls(2);
        fixture.awaitTrue(pong::isDone);
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(pong.get()));
    }

    @Test
    void shouldReleaseEveryTlsBufferAfterManyConnections() throws Exception
    {
        fixture = new EdgeFixture(tlsContext(ecFiles));
        final int connections = 150;
        final Future<Integer> pongs = run(() ->
        {
            int count = 0;
            for (int i = 0; i < connections; i++)
            {
                try (SSLSocket socket = connect())
                {
                    socket.getOutputStream().write(Frames.concat(Frames.send(i, 3_000), Frames.ping(i)));
                    if (PongDecoder.TEMPLATE_ID == Frames.templateId(readFrame(socket.getInputStream())))
                    {
                        count++;
                    }
                }
            }
            return count;
        });
        fixture.awaitTrue(pongs::isDone);
        assertEquals(connections, pongs.get());
        fixture.awaitTrue(() -> 0 == fixture.poller().stats().connectionCount());

        final EdgePoller poller = fixture.poller();
        assertEquals(connections, poller.stats().tlsHandshakes());
        assertEquals(0, poller.stats().tlsSessions());
        assertEquals(0, poller.stats().borrowedTlsBuffers());
        assertEquals(0, poller.stats().borrowedChunks());
        assertEquals(connections, poller.stats().connectionsClosed());
    }

    @Test
    void shouldServeOtherHandshakesWhileOnesTasksAreHeld() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger taskBatches = new AtomicInteger();
        final Executor holdFirst = (task) -> new Thread(() ->
        {
            if (1 == taskBatches.incrementAndGet())
            {
                await(release);
            }
            task.run();
        }).start();
        fixture = new EdgeFixture(tlsContext(ecFiles).tlsTaskExecutor(holdFirst));

        final Future<byte[]> held = pingOverTls(1);
        fixture.awaitTrue(() -> 1 == taskBatches.get());

        final Future<byte[]> other = pingOverTls(2);
        fixture.awaitTrue(other::isDone);
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(other.get()));
        assertFalse(held.isDone());

        release.countDown();
        fixture.awaitTrue(held::isDone);
        assertEquals(PongDecoder.TEMPLATE_ID, Frames.templateId(held.get()));
        assertEquals(2, fixture.poller().stats().tlsHandshakes());
    }

    @Test
    void shouldStayPlaintextWithoutCertificate()
    {
        final EdgeContext ctx = new EdgeContext().tlsCertificateFile(null).tlsPrivateKeyFile(null).conclude();
        assertFalse(ctx.tlsEnabled());
        assertTrue(new EdgeContext().tlsCertificateFile(ecFiles.certificate().toString())
            .tlsPrivateKeyFile(ecFiles.privateKey().toString()).conclude().tlsEnabled());
    }

    private static EdgeContext tlsContext(final SelfSignedCertificate.PemFiles files)
    {
        return new EdgeContext()
            .tlsCertificateFile(files.certificate().toString())
            .tlsPrivateKeyFile(files.privateKey().toString());
    }

    /** A Ping from a TLS client on its own thread; the future holds the answer. */
    private Future<byte[]> pingOverTls(final long timestampNs)
    {
        return run(() ->
        {
            try (SSLSocket socket = connect())
            {
                socket.getOutputStream().write(Frames.ping(timestampNs));
                return readFrame(socket.getInputStream());
            }
        });
    }

    private int port()
    {
        return fixture.edge.boundPort();
    }

    private SSLSocket connect() throws IOException
    {
        final SSLSocket socket = (SSLSocket)clientContext.getSocketFactory().createSocket("127.0.0.1", port());
        socket.setSoTimeout(20_000);
        socket.setEnabledProtocols(new String[]{ "TLSv1.3" });
        return socket;
    }

    private static byte[] readFrame(final InputStream in) throws IOException
    {
        final DataInputStream data = new DataInputStream(in);
        final byte[] lengthBytes = new byte[4];
        data.readFully(lengthBytes);
        final int length = java.nio.ByteBuffer.wrap(lengthBytes).order(java.nio.ByteOrder.BIG_ENDIAN).getInt();
        final byte[] frame = Arrays.copyOf(lengthBytes, length);
        data.readFully(frame, 4, length - 4);
        return frame;
    }

    private static <T> Future<T> run(final java.util.concurrent.Callable<T> callable)
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                future.complete(callable.call());
            }
            catch (final Throwable ex)
            {
                future.completeExceptionally(ex);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
