package dev.switchboard.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Fetches the file a {@link MediaReference} names into a media folder: the ciphertext into
 * {@code .partial/<media id>} (a download cut off resumes there with a Range request), its SHA-256 checked against
 * the reference, then decrypted segment by segment into the folder. Nothing that failed the digest or the
 * decryption is kept. Files are named {@code <message id>-<file name>}.
 */
public final class MediaDownloader
{
    static final String PARTIAL_FOLDER = ".partial";
    /** GET attempts (each resuming from what arrived) before a download is given up. */
    static final int MAX_ATTEMPTS = 5;
    private static final int COPY_BYTES = 256 * 1024;

    private final Path mediaDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public MediaDownloader(final Path mediaDir)
    {
        this.mediaDir = mediaDir;
    }

    public Path mediaDir()
    {
        return mediaDir;
    }

    /**
     * Download, check and decrypt; the stored plaintext file. Fails with a {@link MediaException}.
     */
    public Path download(final MediaReference reference, final long messageId, final MediaProgress progress)
        throws IOException
    {
        final Path partialDir = mediaDir.resolve(PARTIAL_FOLDER);
        Files.createDirectories(partialDir);
        final Path partial = partialDir.resolve(reference.mediaId());
        fetch(reference, partial, null == progress ? MediaProgress.NONE : progress);
        if (!MessageDigest.isEqual(reference.digest(), sha256(partial)))
        {
            Files.deleteIfExists(partial);
            throw new MediaException(MediaFailure.DIGEST_MISMATCH, "ciphertext digest differs from the reference");
        }
        final Path target = mediaDir.resolve(messageId + "-" + safeName(reference.fileName()));
        final Path decrypting = Files.createTempFile(partialDir, "plain", ".tmp");
        try
        {
            if (!MediaCipher.decrypt(partial, decrypting, reference.key(), reference.noncePrefix()))
            {
                throw new MediaException(MediaFailure.DECRYPT_FAILED, "a segment failed authentication");
            }
            Files.move(decrypting, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
        finally
        {
            Files.deleteIfExists(decrypting);
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Bring the partial file up to the ciphertext's length, resuming from its current size.
     */
    void fetch(final MediaReference reference, final Path partial, final MediaProgress progress) throws IOException
    {
        final long length = reference.ciphertextBytes();
        IOException last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (have > length)
            {
                Files.delete(partial);
                have = 0;
            }
            if (have == length && length > 0)
            {
                return;
            }
            try
            {
                get(reference, partial, have, length, progress);
                if (Files.size(partial) == length)
                {
                    return;
                }
            }
            catch (final MediaException ex)
            {
                throw ex;
            }
            catch (final IOException ex)
            {
                last = ex;
            }
        }
        throw new MediaException(MediaFailure.IO_ERROR, null == last ? "download incomplete" : last.toString());
    }

    private void get(
        final MediaReference reference, final Path partial, final long have, final long length,
        final MediaProgress progress) throws IOException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(reference.url())).GET();
        if (have > 0)
        {
            request.header("Range", "bytes=" + have + "-");
        }
        final HttpResponse<InputStream> response;
        try
        {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        try (InputStream body = response.body())
        {
            final int status = response.statusCode();
            if (404 == status)
            {
                throw new MediaException(MediaFailure.NOT_FOUND, reference.mediaId());
            }
            if (200 != status && 206 != status)
            {
                throw new IOException("download refused " + status);
            }
            final long start = 206 == status ? have : 0; // a 200 is the whole blob: start over
            try (FileChannel out = FileChannel.open(
                partial, StandardOpenOption.WRITE, StandardOpenOption.CREATE))
            {
                out.truncate(start);
                final byte[] copy = new byte[COPY_BYTES];
                long position = start;
                int read;
                while ((read = body.read(copy)) >= 0)
                {
                    if (position + read > length)
                    {
                        throw new MediaException(MediaFailure.DIGEST_MISMATCH, "more bytes than the reference says");
                    }
                    final ByteBuffer buffer = ByteBuffer.wrap(copy, 0, read);
                    while (buffer.hasRemaining())
                    {
                        position += out.write(buffer, position);
                    }
                    progress.onProgress(position, length);
                }
            }
        }
    }

    static byte[] sha256(final Path file) throws IOException
    {
        final MessageDigest digest;
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        final byte[] copy = new byte[COPY_BYTES];
        try (InputStream in = Files.newInputStream(file))
        {
            int read;
            while ((read = in.read(copy)) >= 0)
            {
                digest.update(copy, 0, read);
            }
        }
        return digest.digest();
    }

    /** The sender's file name without any folder part or characters a file system may refuse. */
    static String safeName(final String fileName)
    {
        final String name = null == fileName ? "" : fileName.substring(
            Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        final String cleaned = name.replaceAll("[^A-Za-z0-9._ -]", "_").replaceAll("^\\.+", "_");
        return cleaned.isEmpty() ? "media" : cleaned;
    }
}
