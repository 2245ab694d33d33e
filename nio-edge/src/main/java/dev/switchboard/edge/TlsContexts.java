package dev.switchboard.edge;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * The server's TLS: an {@link SSLContext} from a PEM certificate chain and a PEM PKCS#8 private key (EC or RSA), read
 * with the JDK alone, and server engines limited to TLSv1.3.
 */
public final class TlsContexts
{
    /** The only protocol offered. */
    public static final String PROTOCOL = "TLSv1.3";

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";

    private TlsContexts()
    {
    }

    /**
     * A server context from PEM files.
     *
     * @param certificateFile the certificate chain, leaf first ({@code -----BEGIN CERTIFICATE-----} blocks).
     * @param privateKeyFile  the leaf's key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}).
     * @return a TLSv1.3 context.
     */
    public static SSLContext serverContext(final Path certificateFile, final Path privateKeyFile)
    {
        try
        {
            final Certificate[] chain = readCertificates(certificateFile);
            if (0 == chain.length)
            {
                throw new IllegalArgumentException("no certificate in " + certificateFile);
            }
            final PrivateKey key = readPrivateKey(privateKeyFile, chain[0].getPublicKey().getAlgorithm());
            final char[] password = new char[0];
            final KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", key, password, chain);
            final KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, password);
            final SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keyManagers.getKeyManagers(), null, new SecureRandom());

            return context;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("TLS certificate or key unusable: " + ex.getMessage(), ex);
        }
    }

    /**
     * A TLSv1.3 client context that trusts only the certificates in a PEM file: for tools and tests that talk to a
     * server with a self-signed certificate.
     */
    public static SSLContext clientContextTrusting(final Path certificateFile)
    {
        try
        {
            final KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            int i = 0;
            for (final Certificate certificate : readCertificates(certificateFile))
            {
                trustStore.setCertificateEntry("trusted-" + i++, certificate);
            }
            final TrustManagerFactory trustManagers =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustStore);
            final SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(null, trustManagers.getTrustManagers(), null);

            return context;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("certificates unusable: " + ex.getMessage(), ex);
        }
    }

    /** Every certificate in a PEM (or DER) file, in file order. */
    public static Certificate[] readCertificates(final Path file) throws IOException, GeneralSecurityException
    {
        final Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));

        return certificates.toArray(new Certificate[0]);
    }

    /**
     * An unencrypted PKCS#8 PEM private key.
     *
     * @param algorithm the key's algorithm as the certificate names it ("EC" or "RSA").
     */
    static PrivateKey readPrivateKey(final Path file, final String algorithm)
        throws IOException, GeneralSecurityException
    {
        final String pem = Files.readString(file, StandardCharsets.US_ASCII);
        final int begin = pem.indexOf(KEY_BEGIN);
        final int end = pem.indexOf(KEY_END);
        if (begin < 0 || end < begin)
        {
            throw new IllegalArgumentException(
                file + " holds no PKCS#8 key (" + KEY_BEGIN + "); convert with: openssl pkcs8 -topk8 -nocrypt");
        }
        final byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + KEY_BEGIN.length(), end));

        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** A server-side engine offering TLSv1.3 only. */
    static SSLEngine serverEngine(final SSLContext context)
    {
        final SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[]{ PROTOCOL });

        return engine;
    }
}
