package dev.switchboard.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a file as media: encrypts it ({@link MediaCipher}) into a temporary file beside the client's store, asks the
 * server for an upload ticket, uploads the ciphertext to the media service with tus 1.0 (POST, then PATCH; after a
 * failure HEAD tells the offset and the PATCH resumes there, with a new ticket if the old one expired), then sends the
 * {@link MediaReference} as an ordinary message. One per client, on its own daemon thread.
 */
public final class MediaUploader implements AutoCloseable
{
    static final String TUS_VERSION = "1.0.0";
    /** Attempts of the PATCH phase before the upload is given up. */
    static final int MAX_ATTEMPTS = 5;
    private static final long TICKET_TIMEOUT_S = 30;

    private final SwitchboardClient client;
    private final HttpClient http;
    private final ExecutorService executor;
    private final SecureRandom random = new SecureRandom();

    MediaUploader(final SwitchboardClient client)
    {
        this.client = client;
        executor = Executors.newSingleThreadExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, "switchboard-media-send");
            thread.setDaemon(true);
            return thread;
        });
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    static MediaUploader of(final SwitchboardClient client)
    {
        return client.mediaUploader();
    }

    CompletableFuture<Long> sendMedia(
        final long toUserId,
        final int toDeviceId,
        final long groupId,
        final Path file,
        final String mimeType,
        final MediaProgress progress)
    {
        final MediaProgress callback = null == progress ? MediaProgress.NONE : progress;
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                final byte[] payload = prepare(file, mimeType, callback).encode();
                final E2eMessenger e2e = client.e2e();
                if (null != e2e)
                {
                    // The reference carries the file's key: with encryption on it goes through the Signal sessions,
                    // to every device of the recipient (history row id returned).
                    return 0 != groupId ? e2e.sendGroup(groupId, payload) : e2e.send(toUserId, payload);
                }
                return 0 != groupId ? client.sendGroup(groupId, payload) : client.send(toUserId, toDeviceId, payload);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }, executor);
    }

    /**
     * Encrypt and upload a file; the reference to send.
     */
    public MediaReference prepare(final Path file, final String mimeType, final MediaProgress progress)
        throws IOException
    {
        final long plaintextBytes = Files.size(file);
        final byte[] material = MediaCipher.newKeyAndNonce(random);
        final byte[] key = Arrays.copyOf(material, MediaCipher.KEY_BYTES);
        final byte[] noncePrefix = Arrays.copyOfRange(material, MediaCipher.KEY_BYTES, material.length);
        final Path outgoing = client.context().storeDir().toPath().resolve("media-outgoing");
        Files.createDirectories(outgoing);
        final Path sealed = Files.createTempFile(outgoing, "upload", ".sealed");
        try
        {
            final byte[] digest = MediaCipher.encrypt(file, sealed, key, noncePrefix);
            final long ciphertextBytes = Files.size(sealed);
            final MediaTicket ticket = ticket(ciphertextBytes);
            final String mediaId = upload(ticket, sealed, progress);
            final MediaReference reference = new MediaReference(
                ticket.baseUri() + "/media/" + mediaId, key, noncePrefix, digest, ciphertextBytes, plaintextBytes,
                null == mimeType ? "application/octet-stream" : mimeType,
                String.valueOf(file.getFileName()), Thumbnails.of(file, mimeType, plaintextBytes));
            if (!reference.mediaId().equals(mediaId))
            {
                throw new MediaException(MediaFailure.DIGEST_MISMATCH, "the media service stored " + mediaId);
            }
            return reference;
        }
        finally
        {
            Files.deleteIfExists(sealed);
        }
    }

    /**
     * Upload a file of ciphertext; returns the media id the service answers with.
     */
    String upload(final MediaTicket firstTicket, final Path sealed, final MediaProgress progress) throws IOException
    {
        final long length = Files.size(sealed);
        final MediaTicket ticket = firstTicket;
        final HttpResponse<Void> created = send(HttpRequest.newBuilder(URI.create(ticket.baseUri() + "/files/"))
            .header("Tus-Resumable", TUS_VERSION)
            .header("Authorization", ticket.authorization())
            .header("Upload-Length", Long.toString(length))
            .POST(HttpRequest.BodyPublishers.noBody()));
        if (201 != created.statusCode())
        {
            throw refused("create", created);
        }
        final URI location = ticket.baseUri().resolve(created.headers().firstValue("Location").orElseThrow(
            () -> new IOException("no Location in the answer")));
        final String done = created.headers().firstValue("Media-Id").orElse(null);
        if (null != done)
        {
            progress.onProgress(length, length);
            return done;
        }
        return resume(location, ticket, sealed, progress);
    }

    /**
     * Send what the service lacks of an upload, from the offset it tells, until it is complete.
     */
    String resume(final URI location, final MediaTicket firstTicket, final Path sealed, final MediaProgress progress)
        throws IOException
    {
        final long length = Files.size(sealed);
        MediaTicket ticket = firstTicket;
        IOException last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            try
            {
                if (System.currentTimeMillis() >= ticket.expiresAtMs() - 1_000)
                {
                    ticket = ticket(ticket.maxBytes());
                }
                final HttpResponse<Void> head = send(HttpRequest.newBuilder(location)
                    .header("Tus-Resumable", TUS_VERSION)
                    .header("Authorization", ticket.authorization())
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
                if (200 != head.statusCode())
                {
                    throw refused("resume", head);
                }
                final String mediaId = head.headers().firstValue("Media-Id").orElse(null);
                if (null != mediaId)
                {
                    progress.onProgress(length, length);
                    return mediaId;
                }
                final long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElse("0"));
                progress.onProgress(offset, length);
                final HttpResponse<Void> patched = send(HttpRequest.newBuilder(location)
                    .header("Tus-Resumable", TUS_VERSION)
                    .header("Authorization", ticket.authorization())
                    .header("Upload-Offset", Long.toString(offset))
                    .header("Content-Type", "application/offset+octet-stream")
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new FileStream(sealed, offset, length, progress)),
                        length - offset)));
                if (204 != patched.statusCode())
                {
                    throw refused("upload", patched);
                }
                final String completed = patched.headers().firstValue("Media-Id").orElse(null);
                if (null != completed)
                {
                    return completed;
                }
            }
            catch (final MediaException ex)
            {
                throw ex;
            }
            catch (final IOException ex)
            {
                last = ex; // the connection broke: HEAD tells where to go on
            }
        }
        throw null == last ? new IOException("upload incomplete after " + MAX_ATTEMPTS + " attempts") : last;
    }

    private MediaTicket ticket(final long sizeBytes) throws IOException
    {
        try
        {
            return client.requestMediaTicket(sizeBytes).get(TICKET_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IOException("no upload ticket: " + ex.getCause().getMessage(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IOException("no upload ticket in time", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    private HttpResponse<Void> send(final HttpRequest.Builder request) throws IOException
    {
        try
        {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    private static MediaException refused(final String step, final HttpResponse<?> response)
    {
        final int status = response.statusCode();
        return new MediaException(404 == status ? MediaFailure.NOT_FOUND : MediaFailure.IO_ERROR, step + " refused " +
            status + " " + response.headers().firstValue("Media-Error").orElse(""));
    }

    public void close()
    {
        executor.shutdownNow();
    }

    /**
     * The file from an offset, counting what the HTTP client has taken.
     */
    private static final class FileStream extends InputStream
    {
        private final FileChannel channel;
        private final long length;
        private final MediaProgress progress;
        private long position;

        FileStream(final Path file, final long offset, final long length, final MediaProgress progress)
        {
            try
            {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            this.position = offset;
            this.length = length;
            this.progress = progress;
        }

        public int read() throws IOException
        {
            final byte[] one = new byte[1];
            return -1 == read(one, 0, 1) ? -1 : one[0] & 0xFF;
        }

        public int read(final byte[] bytes, final int offset, final int count) throws IOException
        {
            if (position >= length)
            {
                return -1;
            }
            final int read = channel.read(ByteBuffer.wrap(bytes, offset, (int)Math.min(count, length - position)),
                position);
            if (read > 0)
            {
                position += read;
                progress.onProgress(position, length);
            }
            return read;
        }

        public void close() throws IOException
        {
            channel.close();
        }
    }
}
