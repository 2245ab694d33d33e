package dev.switchboard.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for development and tests, made by the JDK's keytool: PEM files for
 * {@link EdgeConfiguration#TLS_CERT_PROP_NAME} and {@link EdgeConfiguration#TLS_KEY_PROP_NAME}, valid for localhost and
 * 127.0.0.1. Never for production: nothing vouches for it but itself.
 */
public final class SelfSignedCertificate
{
    private static final String STORE_PASSWORD = "development";

    /** The PEM files written. */
    public record PemFiles(Path certificate, Path privateKey)
    {
    }

    private SelfSignedCertificate()
    {
    }

    /**
     * Write {@code NAME-cert.pem} and {@code NAME-key.pem} (PKCS#8) into a folder.
     *
     * @param keyAlgorithm "EC" (P-256) or "RSA" (2048 bits).
     */
    public static PemFiles generate(final Path folder, final String name, final String keyAlgorithm)
    {
        return generate(folder, name, keyAlgorithm, "dns:localhost,ip:127.0.0.1");
    }

    /**
     * As {@link #generate(Path, String, String)}, for the hosts a keytool {@code SAN=} list names (such as
     * {@code dns:chat.example,ip:10.0.0.1}).
     */
    public static PemFiles generate(
        final Path folder, final String name, final String keyAlgorithm, final String subjectAlternativeNames)
    {
        final Path keyStoreFile = folder.resolve(name + ".p12");
        final Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        final boolean ec = "EC".equalsIgnoreCase(keyAlgorithm);
        try
        {
            Files.deleteIfExists(keyStoreFile);
            final Process process = new ProcessBuilder(
                keytool.toString(), "-genkeypair", "-alias", "server",
                "-keyalg", ec ? "EC" : "RSA", ec ? "-groupname" : "-keysize", ec ? "secp256r1" : "2048",
                "-dname", "CN=localhost", "-ext", "SAN=" + subjectAlternativeNames, "-validity", "30",
                "-storetype", "PKCS12", "-keystore", keyStoreFile.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                .redirectErrorStream(true)
                .start();
            final byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || 0 != process.exitValue())
            {
                throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
            }

            final KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStoreFile))
            {
                keyStore.load(in, STORE_PASSWORD.toCharArray());
            }
            final Key key = keyStore.getKey("server", STORE_PASSWORD.toCharArray());
            final Path certificateFile = folder.resolve(name + "-cert.pem");
            final Path keyFile = folder.resolve(name + "-key.pem");
            Files.writeString(
                certificateFile, pem("CERTIFICATE", keyStore.getCertificate("server").getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
            Files.delete(keyStoreFile);

            return new PemFiles(certificateFile, keyFile);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, new byte[]{ '\n' }).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }
}
