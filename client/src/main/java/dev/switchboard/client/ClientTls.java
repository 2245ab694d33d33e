package dev.switchboard.client;

import org.agrona.concurrent.NanoClock;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection's TLS 1.3 client engine: verifies the server's certificate against the trust given and that it names
 * the host connected to, then wraps what {@link ClientConnection} writes and unwraps what it reads.
 */
final class ClientTls
{
    static final String PROTOCOL = "TLSv1.3";
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final long PARK_NS = TimeUnit.MICROSECONDS.toNanos(200);

    private final SSLEngine engine;
    /** Ciphertext read, not yet unwrapped; fill mode. */
    private final ByteBuffer netIn;
    /** Ciphertext wrapped, not yet written; drain mode. */
    private final ByteBuffer netOut;

    ClientTls(final SSLContext context, final String host, final int port)
    {
        engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[]{ PROTOCOL });
        // The certificate must name the host connected to (DNS name or IP address), as HTTPS clients check.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        netOut.flip();
    }

    /** Room the plaintext side must leave free for one record. */
    static int applicationBufferLength(final SSLContext context)
    {
        return context.createSSLEngine().getSession().getApplicationBufferSize();
    }

    /**
     * A TLSv1.3 client context trusting the PEM certificates in a file, or the JDK's authorities when it is null.
     */
    static SSLContext context(final String trustFile)
    {
        try
        {
            TrustManagerFactory trustManagers = null;
            if (null != trustFile)
            {
                final KeyStore trustStore = KeyStore.getInstance("PKCS12");
                trustStore.load(null, null);
                int i = 0;
                for (final Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Paths.get(trustFile)))))
                {
                    trustStore.setCertificateEntry("trusted-" + i++, certificate);
                }
                if (0 == i)
                {
                    throw new IllegalArgumentException("no certificate in trust file " + trustFile);
                }
                trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trustStore);
            }
            final SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(null, null == trustManagers ? null : trustManagers.getTrustManagers(), null);
            return context;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("TLS trust file unusable: " + trustFile + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Run the handshake on a non-blocking channel, parking briefly while the server thinks.
     *
     * @throws SSLHandshakeException naming the cause when the server's certificate is refused.
     */
    void handshake(final SocketChannel channel, final NanoClock clock, final long deadlineNs) throws IOException
    {
        final ByteBuffer plaintext = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
        while (true)
        {
            if (clock.nanoTime() - deadlineNs > 0)
            {
                throw new SocketTimeoutException("TLS handshake timed out");
            }
            switch (engine.getHandshakeStatus())
            {
                case NEED_TASK:
                    Runnable task;
                    while (null != (task = engine.getDelegatedTask()))
                    {
                        task.run();
                    }
                    break;

                case NEED_WRAP:
                    final ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                    final SSLEngineResult wrapped = engine.wrap(EMPTY, out);
                    out.flip();
                    while (out.hasRemaining())
                    {
                        if (0 == channel.write(out))
                        {
                            parkUntil(clock, deadlineNs);
                        }
                    }
                    if (SSLEngineResult.Status.CLOSED == wrapped.getStatus())
                    {
                        throw new SSLHandshakeException("TLS handshake closed by the engine");
                    }
                    break;

                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    netIn.flip();
                    final SSLEngineResult unwrapped = engine.unwrap(netIn, plaintext);
                    netIn.compact();
                    if (SSLEngineResult.Status.BUFFER_UNDERFLOW == unwrapped.getStatus())
                    {
                        final int read = channel.read(netIn);
                        if (read < 0)
                        {
                            throw new SSLHandshakeException("the server closed the connection during the TLS " +
                                "handshake (is it a TLS port?)");
                        }
                        if (0 == read)
                        {
                            parkUntil(clock, deadlineNs);
                        }
                    }
                    else if (SSLEngineResult.Status.CLOSED == unwrapped.getStatus())
                    {
                        throw new SSLHandshakeException("the server closed TLS during the handshake");
                    }
                    break;

                default:
                    return;
            }
        }
    }

    private static void parkUntil(final NanoClock clock, final long deadlineNs) throws SocketTimeoutException
    {
        if (clock.nanoTime() - deadlineNs > 0)
        {
            throw new SocketTimeoutException("TLS handshake timed out");
        }
        LockSupport.parkNanos(PARK_NS);
    }

    /**
     * Read ciphertext and unwrap it into {@code plaintext} (fill mode), calling {@code makeRoom} when it is full.
     *
     * @return ciphertext bytes read, or -1 at the end of the stream or on a TLS failure.
     */
    int read(final SocketChannel channel, final ByteBuffer plaintext, final Runnable makeRoom) throws IOException
    {
        final int bytesRead = channel.read(netIn);
        netIn.flip();
        try
        {
            while (netIn.hasRemaining())
            {
                final SSLEngineResult result = engine.unwrap(netIn, plaintext);
                if (SSLEngineResult.HandshakeStatus.NEED_TASK == result.getHandshakeStatus())
                {
                    Runnable task;
                    while (null != (task = engine.getDelegatedTask()))
                    {
                        task.run();
                    }
                }
                final SSLEngineResult.Status status = result.getStatus();
                if (SSLEngineResult.Status.BUFFER_UNDERFLOW == status)
                {
                    break;
                }
                if (SSLEngineResult.Status.CLOSED == status)
                {
                    return -1;
                }
                if (SSLEngineResult.Status.BUFFER_OVERFLOW == status)
                {
                    final int before = plaintext.position();
                    makeRoom.run();
                    if (plaintext.position() == before)
                    {
                        return -1;
                    }
                }
            }
        }
        catch (final SSLException ex)
        {
            return -1;
        }
        finally
        {
            netIn.compact();
        }

        return bytesRead;
    }

    /**
     * Write what waits encrypted, then wrap and write the plaintext (drain mode) until the socket is full.
     *
     * @return true when ciphertext still waits for the socket.
     */
    boolean flush(final SocketChannel channel, final ByteBuffer plaintext) throws IOException
    {
        while (true)
        {
            if (netOut.hasRemaining())
            {
                channel.write(netOut);
                if (netOut.hasRemaining())
                {
                    return true;
                }
            }
            if (!plaintext.hasRemaining())
            {
                return false;
            }
            netOut.clear();
            final SSLEngineResult result = engine.wrap(plaintext, netOut);
            netOut.flip();
            if (SSLEngineResult.Status.OK != result.getStatus())
            {
                throw new SSLException("TLS wrap failed: " + result.getStatus());
            }
        }
    }

    /** Whether ciphertext waits for the socket. */
    boolean hasUnflushed()
    {
        return netOut.hasRemaining();
    }
}
