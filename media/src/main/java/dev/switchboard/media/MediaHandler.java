package dev.switchboard.media;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.switchboard.codec.MediaTickets;
import org.agrona.ErrorHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP requests of the media service, on its worker threads. Uploads (tus 1.0.0, {@code /files/}) and downloads
 * ({@code /media/<id>}); see docs/protocol.md, section "Media service". Every body is streamed through the worker's
 * copy buffer; nothing holds a whole body.
 */
final class MediaHandler implements HttpHandler
{
    static final String UPLOADS_PATH = "/files/";
    static final String MEDIA_PATH = "/media/";
    static final String TUS_VERSION = "1.0.0";
    static final String OFFSET_CONTENT_TYPE = "application/offset+octet-stream";
    static final String MEDIA_ID_HEADER = "Media-Id";
    static final String ERROR_HEADER = "Media-Error";
    private static final String BEARER = "Bearer ";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final int NO_BODY = -1;

    private final MediaContext ctx;
    private final BlobStore store;
    private final MediaCounters counters;
    private final ErrorHandler errorHandler;
    private final UploadQuota quota;
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<MediaTickets> tickets;
    private final ThreadLocal<byte[]> copyBuffers;
    private final ThreadLocal<ByteRange> ranges = ThreadLocal.withInitial(ByteRange::new);
    private final ThreadLocal<boolean[]> duplicates = ThreadLocal.withInitial(() -> new boolean[1]);

    MediaHandler(
        final MediaContext ctx, final BlobStore store, final MediaCounters counters, final ErrorHandler errorHandler)
    {
        this.ctx = ctx;
        this.store = store;
        this.counters = counters;
        this.errorHandler = errorHandler;
        quota = new UploadQuota(ctx.quotaBytesPerDay());
        final byte[] secret = ctx.secret();
        tickets = ThreadLocal.withInitial(() -> new MediaTickets(secret));
        final int copyBufferBytes = ctx.copyBufferBytes();
        copyBuffers = ThreadLocal.withInitial(() -> new byte[copyBufferBytes]);
    }

    public void handle(final HttpExchange exchange)
    {
        try
        {
            exchange.getResponseHeaders().set("Tus-Resumable", TUS_VERSION);
            final String path = exchange.getRequestURI().getRawPath();
            final String method = exchange.getRequestMethod();
            if (path.startsWith(MEDIA_PATH))
            {
                download(exchange, path.substring(MEDIA_PATH.length()), "HEAD".equals(method));
            }
            else if (!path.startsWith(UPLOADS_PATH) && !(path + "/").equals(UPLOADS_PATH))
            {
                refuse(exchange, 404, MediaCounters.NOT_FOUND, "no such resource");
            }
            else
            {
                upload(exchange, method, path.length() <= UPLOADS_PATH.length() ? "" :
                    path.substring(UPLOADS_PATH.length()));
            }
        }
        catch (final IOException ex)
        {
            // the peer went away or the disk failed mid-body: the exchange is closed, the connection with it
            counters.increment(MediaCounters.ERRORS);
        }
        catch (final RuntimeException ex)
        {
            onError(ex);
            respondQuietly(exchange, 500);
        }
        finally
        {
            exchange.close();
        }
    }

    private void upload(final HttpExchange exchange, final String method, final String uploadId) throws IOException
    {
        if ("OPTIONS".equals(method))
        {
            final Headers headers = exchange.getResponseHeaders();
            headers.set("Tus-Version", TUS_VERSION);
            headers.set("Tus-Extension", "creation,expiration");
            headers.set("Tus-Max-Size", Long.toString(ctx.maxBytes()));
            exchange.sendResponseHeaders(204, NO_BODY);
            return;
        }
        if (!TUS_VERSION.equals(exchange.getRequestHeaders().getFirst("Tus-Resumable")))
        {
            exchange.getResponseHeaders().set("Tus-Version", TUS_VERSION);
            refuse(exchange, 412, MediaCounters.BAD_REQUESTS, "Tus-Resumable 1.0.0 required");
            return;
        }
        final MediaTickets ticket = checkTicket(exchange);
        if (null == ticket)
        {
            return;
        }
        if (uploadId.isEmpty())
        {
            if ("POST".equals(method))
            {
                create(exchange, ticket);
            }
            else
            {
                refuse(exchange, 405, MediaCounters.BAD_REQUESTS, "POST creates an upload");
            }
            return;
        }
        final Upload upload = uploads.get(uploadId);
        if (null == upload || upload.lapsed)
        {
            refuse(exchange, 404, MediaCounters.NOT_FOUND, "no such upload");
        }
        else if (upload.userId != ticket.userId())
        {
            refuse(exchange, 403, MediaCounters.TICKETS_REFUSED, "upload of another user");
        }
        else if ("HEAD".equals(method))
        {
            final Headers headers = exchange.getResponseHeaders();
            headers.set("Upload-Offset", Long.toString(upload.offset));
            headers.set("Upload-Length", Long.toString(upload.length));
            headers.set("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(upload.deadlineMs)));
            headers.set("Cache-Control", "no-store");
            if (null != upload.mediaId)
            {
                headers.set(MEDIA_ID_HEADER, upload.mediaId);
            }
            exchange.sendResponseHeaders(200, NO_BODY);
        }
        else if ("PATCH".equals(method))
        {
            append(exchange, upload);
        }
        else
        {
            refuse(exchange, 405, MediaCounters.BAD_REQUESTS, "HEAD or PATCH an upload");
        }
    }

    private void create(final HttpExchange exchange, final MediaTickets ticket) throws IOException
    {
        final long length = parseLength(exchange.getRequestHeaders().getFirst("Upload-Length"));
        if (length < 0)
        {
            refuse(exchange, 400, MediaCounters.BAD_REQUESTS, "Upload-Length required");
            return;
        }
        if (length > ctx.maxBytes() || length > ticket.maxBytes())
        {
            refuse(exchange, 413, MediaCounters.TOO_LARGE, "larger than the ticket or the service allow");
            return;
        }
        final long nowMs = ctx.epochClock().time();
        if (!quota.tryReserve(ticket.userId(), length, nowMs))
        {
            refuse(exchange, 429, MediaCounters.QUOTA_EXCEEDED, "daily upload quota reached");
            return;
        }
        final byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        final String id = BlobStore.hex(idBytes);
        final Upload upload = new Upload(
            id, ticket.userId(), length, nowMs, nowMs + ctx.uploadDeadlineMs(), store.partFile(id));
        try
        {
            Files.createFile(upload.partFile);
        }
        catch (final IOException ex)
        {
            quota.release(upload.userId, length, nowMs);
            throw ex;
        }
        uploads.put(id, upload);
        counters.increment(MediaCounters.UPLOADS_CREATED);
        final Headers headers = exchange.getResponseHeaders();
        headers.set("Location", UPLOADS_PATH + id);
        headers.set("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(upload.deadlineMs)));
        if (0 == length)
        {
            complete(upload, nowMs, headers);
        }
        exchange.sendResponseHeaders(201, NO_BODY);
    }

    private void append(final HttpExchange exchange, final Upload upload) throws IOException
    {
        final Headers request = exchange.getRequestHeaders();
        if (!OFFSET_CONTENT_TYPE.equals(request.getFirst("Content-Type")))
        {
            refuse(exchange, 415, MediaCounters.BAD_REQUESTS, "Content-Type " + OFFSET_CONTENT_TYPE + " required");
            return;
        }
        final long offset = parseLength(request.getFirst("Upload-Offset"));
        final String contentLengthHeader = request.getFirst("Content-Length");
        final long contentLength = null == contentLengthHeader ? -1 : parseLength(contentLengthHeader);
        if (offset < 0 || (null != contentLengthHeader && contentLength < 0))
        {
            refuse(exchange, 400, MediaCounters.BAD_REQUESTS, "Upload-Offset required");
            return;
        }
        if (!upload.lock.tryLock())
        {
            refuse(exchange, 409, MediaCounters.BAD_REQUESTS, "upload busy");
            return;
        }
        // A refusal gives the upload back before it answers: answering a request whose body was not read may block
        // on the connection, and the client's next PATCH must not find the upload busy meanwhile.
        boolean locked = true;
        try
        {
            if (upload.lapsed || offset != upload.offset || null != upload.mediaId)
            {
                final boolean lapsed = upload.lapsed;
                final long currentOffset = upload.offset;
                upload.lock.unlock();
                locked = false;
                exchange.getResponseHeaders().set("Upload-Offset", Long.toString(currentOffset));
                refuse(exchange, lapsed ? 404 : 409, MediaCounters.BAD_REQUESTS, "offset mismatch");
                return;
            }
            if (contentLength > upload.length - offset)
            {
                upload.lock.unlock();
                locked = false;
                refuse(exchange, 413, MediaCounters.TOO_LARGE, "body past Upload-Length");
                return;
            }
            if (!receive(exchange, upload))
            {
                refuse(exchange, 413, MediaCounters.TOO_LARGE, "body past Upload-Length");
                return;
            }
            final Headers headers = exchange.getResponseHeaders();
            if (upload.offset == upload.length)
            {
                complete(upload, ctx.epochClock().time(), headers);
            }
            headers.set("Upload-Offset", Long.toString(upload.offset));
            exchange.sendResponseHeaders(204, NO_BODY);
        }
        finally
        {
            if (locked)
            {
                upload.lock.unlock();
            }
        }
    }

    /**
     * Stream the body into the partial file, hashing it on the way; false (and file and hash rolled back) if it runs
     * past the upload's length. Bytes received before the peer goes away are kept, with the hash in step: the client
     * resumes from the offset HEAD tells.
     */
    private boolean receive(final HttpExchange exchange, final Upload upload) throws IOException
    {
        final byte[] copy = copyBuffers.get();
        final ByteBuffer buffer = ByteBuffer.wrap(copy);
        final long start = upload.offset;
        final MessageDigest before = cloneOf(upload.digest);
        long hashed = start;
        try (InputStream body = exchange.getRequestBody();
            FileChannel file = FileChannel.open(upload.partFile, StandardOpenOption.WRITE))
        {
            try
            {
                while (true)
                {
                    final int want = (int)Math.min(copy.length, upload.length - hashed);
                    final int read = body.read(copy, 0, Math.max(1, want));
                    if (read < 0)
                    {
                        break;
                    }
                    if (read > want)
                    {
                        upload.digest = before;
                        hashed = start;
                        return false;
                    }
                    buffer.clear().limit(read);
                    long position = hashed;
                    while (buffer.hasRemaining())
                    {
                        position += file.write(buffer, position);
                    }
                    upload.digest.update(copy, 0, read);
                    hashed = position;
                    upload.offset = hashed; // HEAD tells progress while the body streams
                    counters.add(MediaCounters.BYTES_RECEIVED, read);
                }
            }
            finally
            {
                // a failed write may leave bytes past what was hashed: cut them off
                file.truncate(hashed);
                upload.offset = hashed;
            }
        }
        return true;
    }

    private static MessageDigest cloneOf(final MessageDigest digest)
    {
        try
        {
            return (MessageDigest)digest.clone();
        }
        catch (final CloneNotSupportedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void complete(final Upload upload, final long nowMs, final Headers headers) throws IOException
    {
        final boolean[] duplicate = duplicates.get();
        upload.mediaId = store.commit(upload.partFile, BlobStore.hex(upload.digest.digest()), nowMs, duplicate);
        counters.increment(duplicate[0] ? MediaCounters.UPLOADS_DEDUPLICATED : MediaCounters.UPLOADS_COMPLETED);
        headers.set(MEDIA_ID_HEADER, upload.mediaId);
    }

    private void download(final HttpExchange exchange, final String mediaId, final boolean head) throws IOException
    {
        final String method = exchange.getRequestMethod();
        if (!head && !"GET".equals(method))
        {
            refuse(exchange, 405, MediaCounters.BAD_REQUESTS, "GET or HEAD a blob");
            return;
        }
        if (ctx.downloadTicket() && null == checkTicket(exchange))
        {
            return;
        }
        final Path blob = store.blob(mediaId);
        final FileChannel file;
        try
        {
            file = null == blob ? null : FileChannel.open(blob, StandardOpenOption.READ);
        }
        catch (final NoSuchFileException ex)
        {
            refuse(exchange, 404, MediaCounters.NOT_FOUND, "no such blob");
            return;
        }
        if (null == file)
        {
            refuse(exchange, 404, MediaCounters.NOT_FOUND, "no such blob");
            return;
        }
        try (file)
        {
            serve(exchange, file, head, mediaId);
        }
    }

    private void serve(final HttpExchange exchange, final FileChannel file, final boolean head, final String mediaId)
        throws IOException
    {
        final long size = file.size();
        final Headers headers = exchange.getResponseHeaders();
        headers.set("Accept-Ranges", "bytes");
        headers.set("Content-Type", "application/octet-stream");
        headers.set("ETag", '"' + mediaId + '"');
        headers.set("Cache-Control", "private, immutable");
        final String rangeHeader = exchange.getRequestHeaders().getFirst("Range");
        final ByteRange range = ranges.get();
        if (!range.parse(rangeHeader, size))
        {
            headers.set("Content-Range", "bytes */" + size);
            refuse(exchange, 416, MediaCounters.BAD_REQUESTS, "range not satisfiable");
            return;
        }
        final int status = null == rangeHeader ? 200 : 206;
        if (206 == status)
        {
            headers.set("Content-Range", "bytes " + range.first + '-' + range.last + '/' + size);
        }
        final long length = 0 == size ? 0 : range.length();
        if (head)
        {
            headers.set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, NO_BODY);
            return;
        }
        counters.increment(MediaCounters.DOWNLOADS);
        exchange.sendResponseHeaders(status, 0 == length ? NO_BODY : length);
        if (0 == length)
        {
            return;
        }
        final byte[] copy = copyBuffers.get();
        final ByteBuffer buffer = ByteBuffer.wrap(copy);
        long position = range.first;
        long left = length;
        try (OutputStream body = exchange.getResponseBody())
        {
            while (left > 0)
            {
                buffer.clear().limit((int)Math.min(copy.length, left));
                final int read = file.read(buffer, position);
                if (read < 0)
                {
                    throw new IOException("blob shorter than its size");
                }
                body.write(copy, 0, read);
                position += read;
                left -= read;
                counters.add(MediaCounters.BYTES_SENT, read);
            }
        }
    }

    /**
     * The request's ticket if valid and current; else the refusal is sent (401 none or unreadable, 403 a wrong
     * signature or expired) and null returned.
     */
    private MediaTickets checkTicket(final HttpExchange exchange) throws IOException
    {
        final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (null == authorization || !authorization.startsWith(BEARER))
        {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            refuse(exchange, 401, MediaCounters.TICKETS_REFUSED, "ticket required");
            return null;
        }
        final byte[] bytes;
        try
        {
            bytes = Base64.getUrlDecoder().decode(authorization.substring(BEARER.length()).trim());
        }
        catch (final IllegalArgumentException ex)
        {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            refuse(exchange, 401, MediaCounters.TICKETS_REFUSED, "ticket unreadable");
            return null;
        }
        if (MediaTickets.LENGTH != bytes.length)
        {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            refuse(exchange, 401, MediaCounters.TICKETS_REFUSED, "ticket unreadable");
            return null;
        }
        final MediaTickets ticket = tickets.get();
        if (!ticket.verify(bytes, 0, bytes.length))
        {
            refuse(exchange, 403, MediaCounters.TICKETS_REFUSED, "ticket invalid");
            return null;
        }
        if (ctx.epochClock().time() - ticket.expiresAtMs() >= 0)
        {
            refuse(exchange, 403, MediaCounters.TICKETS_REFUSED, "ticket expired");
            return null;
        }
        return ticket;
    }

    void sweep() throws IOException
    {
        final long nowMs = ctx.epochClock().time();
        final long[] reclaimed = store.expire(nowMs, ctx.expiryMs());
        counters.add(MediaCounters.BLOBS_EXPIRED, reclaimed[0]);
        counters.add(MediaCounters.BYTES_RECLAIMED, reclaimed[1]);
        for (final Iterator<Upload> it = uploads.values().iterator(); it.hasNext(); )
        {
            final Upload upload = it.next();
            if (nowMs - upload.deadlineMs >= 0 && upload.lock.tryLock())
            {
                try
                {
                    upload.lapsed = true;
                    it.remove();
                    if (null == upload.mediaId)
                    {
                        quota.release(upload.userId, upload.length, upload.createdAtMs);
                        counters.add(MediaCounters.BYTES_RECLAIMED, upload.offset);
                        counters.increment(MediaCounters.UPLOADS_LAPSED);
                        Files.deleteIfExists(upload.partFile);
                    }
                }
                finally
                {
                    upload.lock.unlock();
                }
            }
        }
        quota.sweep(nowMs);
    }

    int uploadCount()
    {
        return uploads.size();
    }

    long quotaUsed(final long userId)
    {
        return quota.used(userId, ctx.epochClock().time());
    }

    void onError(final Throwable ex)
    {
        counters.increment(MediaCounters.ERRORS);
        errorHandler.onError(ex);
    }

    private void refuse(final HttpExchange exchange, final int status, final int counter, final String reason)
        throws IOException
    {
        counters.increment(counter);
        exchange.getResponseHeaders().set(ERROR_HEADER, reason);
        closeIfBodyLeft(exchange);
        exchange.sendResponseHeaders(status, NO_BODY);
    }

    /**
     * A refused request's body is not read: the server then drops the connection rather than drain it, so the client
     * must be told not to send its next request on it (a PATCH is not retried on a stale connection).
     */
    private static void closeIfBodyLeft(final HttpExchange exchange)
    {
        final String length = exchange.getRequestHeaders().getFirst("Content-Length");
        final boolean declaresBody = null != exchange.getRequestHeaders().getFirst("Transfer-Encoding") ||
            (null != length && !"0".equals(length.trim()));
        if (declaresBody)
        {
            exchange.getResponseHeaders().set("Connection", "close");
        }
    }

    private static void respondQuietly(final HttpExchange exchange, final int status)
    {
        try
        {
            closeIfBodyLeft(exchange);
            exchange.sendResponseHeaders(status, NO_BODY);
        }
        catch (final IOException | RuntimeException ignore)
        {
            // headers were sent already: closing the exchange is all that is left
        }
    }

    /** A non-negative decimal, or -1. */
    private static long parseLength(final String value)
    {
        if (null == value || value.isEmpty() || value.length() > 18)
        {
            return -1;
        }
        long number = 0;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }
}
