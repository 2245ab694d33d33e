package dev.switchboard.media;

import dev.switchboard.codec.MediaTickets;
import org.agrona.ErrorHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
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
 * The HTTP requests of the media service, on Jetty's request threads. Uploads (tus 1.0.0, {@code /files/}) and
 * downloads ({@code /media/<id>}); see docs/protocol.md, section "Media service". An upload's body is taken chunk by
 * chunk from Jetty's pooled input buffers, written to the partial file and hashed from the same buffer; a download is
 * copied from the blob through pooled buffers, asynchronously. Nothing holds a whole body.
 */
final class MediaHandler extends Handler.Abstract
{
    static final String UPLOADS_PATH = "/files/";
    static final String MEDIA_PATH = "/media/";
    static final String TUS_VERSION = "1.0.0";
    static final String OFFSET_CONTENT_TYPE = "application/offset+octet-stream";
    static final String MEDIA_ID_HEADER = "Media-Id";
    static final String ERROR_HEADER = "Media-Error";
    private static final String BEARER = "Bearer ";
    /** A refused request's body up to this size is read and dropped, so the connection stays open for the answer. */
    static final long REFUSED_BODY_DRAIN_BYTES = 1 << 20;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final MediaContext ctx;
    private final BlobStore store;
    private final MediaCounters counters;
    private final ErrorHandler errorHandler;
    private final MediaLedger ledger;
    private final ByteBufferPool.Sized downloadBuffers;
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<MediaTickets> tickets;
    private final ThreadLocal<Blocker.Shared> blockers = ThreadLocal.withInitial(Blocker.Shared::new);
    private final ThreadLocal<ByteRange> ranges = ThreadLocal.withInitial(ByteRange::new);
    private final ThreadLocal<boolean[]> duplicates = ThreadLocal.withInitial(() -> new boolean[1]);
    private final Content.Chunk.Processor countSent;

    MediaHandler(
        final MediaContext ctx,
        final BlobStore store,
        final MediaLedger ledger,
        final MediaCounters counters,
        final ErrorHandler errorHandler,
        final ByteBufferPool bufferPool)
    {
        this.ctx = ctx;
        this.store = store;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.ledger = ledger;
        downloadBuffers = new ByteBufferPool.Sized(bufferPool, true, ctx.copyBufferBytes());
        final byte[] secret = ctx.secret();
        tickets = ThreadLocal.withInitial(() -> new MediaTickets(secret));
        countSent = (chunk, callback) ->
        {
            counters.add(MediaCounters.BYTES_SENT, chunk.remaining());
            return false; // counted only: the copy writes it
        };
    }

    public boolean handle(final Request request, final Response response, final Callback callback)
    {
        try
        {
            response.getHeaders().put("Tus-Resumable", TUS_VERSION);
            final String path = request.getHttpURI().getCanonicalPath();
            final String method = request.getMethod();
            if (null != path && path.startsWith(MEDIA_PATH))
            {
                if (download(request, response, callback, path.substring(MEDIA_PATH.length()), method))
                {
                    return true; // the copy completes the callback
                }
            }
            else if (null == path || (!path.startsWith(UPLOADS_PATH) && !(path + "/").equals(UPLOADS_PATH)))
            {
                refuse(response, 404, MediaCounters.NOT_FOUND, "no such resource");
            }
            else
            {
                upload(request, response, method, path.length() <= UPLOADS_PATH.length() ? "" :
                    path.substring(UPLOADS_PATH.length()));
            }
            drainRefusedBody(request, response);
            callback.succeeded();
        }
        catch (final IOException ex)
        {
            // the peer went away or the disk failed mid-body: failing the callback drops the connection
            counters.increment(MediaCounters.ERRORS);
            callback.failed(ex);
        }
        catch (final RuntimeException ex)
        {
            onError(ex);
            if (response.isCommitted())
            {
                callback.failed(ex);
            }
            else
            {
                response.setStatus(500);
                callback.succeeded();
            }
        }
        return true;
    }

    private void upload(final Request request, final Response response, final String method, final String uploadId)
        throws IOException
    {
        final HttpFields.Mutable headers = response.getHeaders();
        if ("OPTIONS".equals(method))
        {
            headers.put("Tus-Version", TUS_VERSION);
            headers.put("Tus-Extension", "creation,expiration");
            headers.put("Tus-Max-Size", ctx.maxBytes());
            response.setStatus(204);
            return;
        }
        if (!TUS_VERSION.equals(request.getHeaders().get("Tus-Resumable")))
        {
            headers.put("Tus-Version", TUS_VERSION);
            refuse(response, 412, MediaCounters.BAD_REQUESTS, "Tus-Resumable 1.0.0 required");
            return;
        }
        final MediaTickets ticket = checkTicket(request, response);
        if (null == ticket)
        {
            return;
        }
        if (uploadId.isEmpty())
        {
            if ("POST".equals(method))
            {
                create(request, response, ticket);
            }
            else
            {
                refuse(response, 405, MediaCounters.BAD_REQUESTS, "POST creates an upload");
            }
            return;
        }
        final Upload upload = uploads.get(uploadId);
        if (null == upload || upload.lapsed)
        {
            refuse(response, 404, MediaCounters.NOT_FOUND, "no such upload");
        }
        else if (upload.userId != ticket.userId())
        {
            refuse(response, 403, MediaCounters.TICKETS_REFUSED, "upload of another user");
        }
        else if ("HEAD".equals(method))
        {
            headers.put("Upload-Offset", upload.offset);
            headers.put("Upload-Length", upload.length);
            headers.put("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(upload.deadlineMs)));
            headers.put("Cache-Control", "no-store");
            if (null != upload.mediaId)
            {
                headers.put(MEDIA_ID_HEADER, upload.mediaId);
            }
            response.setStatus(200);
        }
        else if ("PATCH".equals(method))
        {
            append(request, response, upload);
        }
        else
        {
            refuse(response, 405, MediaCounters.BAD_REQUESTS, "HEAD or PATCH an upload");
        }
    }

    private void create(final Request request, final Response response, final MediaTickets ticket)
        throws IOException
    {
        final long length = parseLength(request.getHeaders().get("Upload-Length"));
        if (length < 0)
        {
            refuse(response, 400, MediaCounters.BAD_REQUESTS, "Upload-Length required");
            return;
        }
        if (length > ctx.maxBytes() || length > ticket.maxBytes())
        {
            refuse(response, 413, MediaCounters.TOO_LARGE, "larger than the ticket or the service allow");
            return;
        }
        final long nowMs = ctx.epochClock().time();
        final byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        final String id = BlobStore.hex(idBytes);
        final Upload upload = new Upload(
            id, ticket.userId(), length, nowMs, nowMs + ctx.uploadDeadlineMs(), ledger.partFile(id));
        if (!ledger.create(upload))
        {
            refuse(response, 429, MediaCounters.QUOTA_EXCEEDED, "daily upload quota reached");
            return;
        }
        uploads.put(id, upload);
        counters.increment(MediaCounters.UPLOADS_CREATED);
        final HttpFields.Mutable headers = response.getHeaders();
        headers.put("Location", UPLOADS_PATH + id);
        headers.put("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(upload.deadlineMs)));
        if (0 == length)
        {
            complete(upload, nowMs, headers);
        }
        response.setStatus(201);
    }

    private void append(final Request request, final Response response, final Upload upload) throws IOException
    {
        final HttpFields requestHeaders = request.getHeaders();
        if (!OFFSET_CONTENT_TYPE.equals(requestHeaders.get("Content-Type")))
        {
            refuse(response, 415, MediaCounters.BAD_REQUESTS, "Content-Type " + OFFSET_CONTENT_TYPE + " required");
            return;
        }
        final long offset = parseLength(requestHeaders.get("Upload-Offset"));
        final long contentLength = request.getLength();
        if (offset < 0)
        {
            refuse(response, 400, MediaCounters.BAD_REQUESTS, "Upload-Offset required");
            return;
        }
        if (!upload.lock.tryLock())
        {
            refuse(response, 409, MediaCounters.BAD_REQUESTS, "upload busy");
            return;
        }
        try
        {
            if (null == upload.digest && null == upload.mediaId && !upload.lapsed)
            {
                // recovered at start: its hash state is rebuilt from the partial file before it grows
                upload.digest = BlobStore.sha256(
                    upload.partFile, upload.offset, ByteBuffer.allocate(ctx.copyBufferBytes()));
            }
            if (upload.lapsed || offset != upload.offset || null != upload.mediaId)
            {
                response.getHeaders().put("Upload-Offset", upload.offset);
                refuse(response, upload.lapsed ? 404 : 409, MediaCounters.BAD_REQUESTS, "offset mismatch");
            }
            else if (contentLength > upload.length - offset || !receive(request, upload))
            {
                refuse(response, 413, MediaCounters.TOO_LARGE, "body past Upload-Length");
            }
            else
            {
                final HttpFields.Mutable headers = response.getHeaders();
                if (upload.offset == upload.length)
                {
                    complete(upload, ctx.epochClock().time(), headers);
                }
                headers.put("Upload-Offset", upload.offset);
                response.setStatus(204);
            }
        }
        finally
        {
            // the answer is written after the upload is given back: the client's next PATCH never finds it busy
            upload.lock.unlock();
        }
    }

    /**
     * Take the body chunk by chunk from Jetty's input buffers into the partial file, hashing each chunk from the same
     * buffer; false (and file and hash rolled back) if it runs past the upload's length. Bytes received before the
     * peer goes away are kept, with the hash in step: the client resumes from the offset HEAD tells.
     */
    private boolean receive(final Request request, final Upload upload) throws IOException
    {
        final Blocker.Shared blocker = blockers.get();
        final long start = upload.offset;
        final MessageDigest before = cloneOf(upload.digest);
        long received = start;
        try (FileChannel file = FileChannel.open(upload.partFile, StandardOpenOption.WRITE))
        {
            try
            {
                while (true)
                {
                    final Content.Chunk chunk = request.read();
                    if (null == chunk)
                    {
                        try (Blocker.Runnable readable = blocker.runnable())
                        {
                            request.demand(readable);
                            readable.block();
                        }
                        continue;
                    }
                    try
                    {
                        if (Content.Chunk.isFailure(chunk))
                        {
                            final Throwable failure = chunk.getFailure();
                            throw failure instanceof IOException ? (IOException)failure : new IOException(failure);
                        }
                        final ByteBuffer bytes = chunk.getByteBuffer();
                        final int length = bytes.remaining();
                        if (length > upload.length - received)
                        {
                            upload.digest = before;
                            received = start;
                            return false;
                        }
                        final int position = bytes.position();
                        long filePosition = received;
                        while (bytes.hasRemaining())
                        {
                            filePosition += file.write(bytes, filePosition);
                        }
                        upload.digest.update(bytes.position(position));
                        received = filePosition;
                        upload.offset = received; // HEAD tells progress while the body streams
                        counters.add(MediaCounters.BYTES_RECEIVED, length);
                        if (chunk.isLast())
                        {
                            return true;
                        }
                    }
                    finally
                    {
                        chunk.release();
                    }
                }
            }
            finally
            {
                // a failed write may leave bytes past what was hashed: cut them off
                file.truncate(received);
                upload.offset = received;
            }
        }
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

    private void complete(final Upload upload, final long nowMs, final HttpFields.Mutable headers) throws IOException
    {
        final boolean[] duplicate = duplicates.get();
        upload.mediaId = store.commit(upload.partFile, BlobStore.hex(upload.digest.digest()), nowMs, duplicate);
        ledger.completed(upload);
        counters.increment(duplicate[0] ? MediaCounters.UPLOADS_DEDUPLICATED : MediaCounters.UPLOADS_COMPLETED);
        headers.put(MEDIA_ID_HEADER, upload.mediaId);
    }

    /**
     * Answer a GET or HEAD of a blob; true if an asynchronous copy of the body took over the callback.
     */
    private boolean download(
        final Request request, final Response response, final Callback callback, final String mediaId,
        final String method) throws IOException
    {
        final boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method))
        {
            refuse(response, 405, MediaCounters.BAD_REQUESTS, "GET or HEAD a blob");
            return false;
        }
        if (ctx.downloadTicket() && null == checkTicket(request, response))
        {
            return false;
        }
        final Path blob = store.blob(mediaId);
        FileChannel file = null;
        try
        {
            file = null == blob ? null : FileChannel.open(blob, StandardOpenOption.READ);
        }
        catch (final NoSuchFileException ignore)
        {
            // expired or never stored: as unknown
        }
        if (null == file)
        {
            refuse(response, 404, MediaCounters.NOT_FOUND, "no such blob");
            return false;
        }
        boolean copying = false;
        try
        {
            copying = serve(request, response, callback, file, head, mediaId);
            return copying;
        }
        finally
        {
            if (!copying)
            {
                file.close();
            }
        }
    }

    private boolean serve(
        final Request request,
        final Response response,
        final Callback callback,
        final FileChannel file,
        final boolean head,
        final String mediaId) throws IOException
    {
        final long size = file.size();
        final HttpFields.Mutable headers = response.getHeaders();
        headers.put("Accept-Ranges", "bytes");
        headers.put("Content-Type", "application/octet-stream");
        headers.put("ETag", '"' + mediaId + '"');
        headers.put("Cache-Control", "private, immutable");
        final String rangeHeader = request.getHeaders().get("Range");
        final ByteRange range = ranges.get();
        if (!range.parse(rangeHeader, size))
        {
            headers.put("Content-Range", "bytes */" + size);
            refuse(response, 416, MediaCounters.BAD_REQUESTS, "range not satisfiable");
            return false;
        }
        final int status = null == rangeHeader ? 200 : 206;
        if (206 == status)
        {
            headers.put("Content-Range", "bytes " + range.first + '-' + range.last + '/' + size);
        }
        final long length = 0 == size ? 0 : range.length();
        response.setStatus(status);
        headers.put("Content-Length", length);
        if (head || 0 == length)
        {
            return false;
        }
        counters.increment(MediaCounters.DOWNLOADS);
        // the source closes the file when it is done or failed
        Content.copy(Content.Source.from(downloadBuffers, file, range.first, length), response, countSent, callback);
        return true;
    }

    /**
     * The request's ticket if valid and current; else the refusal is set (401 none or unreadable, 403 a wrong
     * signature or expired) and null returned.
     */
    private MediaTickets checkTicket(final Request request, final Response response)
    {
        final String authorization = request.getHeaders().get("Authorization");
        if (null == authorization || !authorization.startsWith(BEARER))
        {
            response.getHeaders().put("WWW-Authenticate", "Bearer");
            refuse(response, 401, MediaCounters.TICKETS_REFUSED, "ticket required");
            return null;
        }
        byte[] bytes = null;
        try
        {
            bytes = Base64.getUrlDecoder().decode(authorization.substring(BEARER.length()).trim());
        }
        catch (final IllegalArgumentException ignore)
        {
            // unreadable, as a ticket of the wrong length
        }
        if (null == bytes || MediaTickets.LENGTH != bytes.length)
        {
            response.getHeaders().put("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            refuse(response, 401, MediaCounters.TICKETS_REFUSED, "ticket unreadable");
            return null;
        }
        final MediaTickets ticket = tickets.get();
        if (!ticket.verify(bytes, 0, bytes.length))
        {
            refuse(response, 403, MediaCounters.TICKETS_REFUSED, "ticket invalid");
            return null;
        }
        if (ctx.epochClock().time() - ticket.expiresAtMs() >= 0)
        {
            refuse(response, 403, MediaCounters.TICKETS_REFUSED, "ticket expired");
            return null;
        }
        return ticket;
    }

    /** Read back the uploads a previous run left (before any request). */
    void recover()
    {
        ledger.recover(ctx.epochClock().time(), uploads, counters);
    }

    /**
     * On the ledger's thread: delete expired blobs, let uploads past their deadline lapse (partial file deleted,
     * quota given back) and forget quota counts of earlier days.
     */
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
                        counters.add(MediaCounters.BYTES_RECLAIMED, upload.offset);
                        counters.increment(MediaCounters.UPLOADS_LAPSED);
                        Files.deleteIfExists(upload.partFile);
                    }
                    ledger.onLapsed(upload);
                }
                finally
                {
                    upload.lock.unlock();
                }
            }
        }
        ledger.onSweep(nowMs);
    }

    int uploadCount()
    {
        return uploads.size();
    }

    long quotaUsed(final long userId)
    {
        return ledger.used(userId, ctx.epochClock().time());
    }

    void onError(final Throwable ex)
    {
        counters.increment(MediaCounters.ERRORS);
        errorHandler.onError(ex);
    }

    /**
     * A refusal answers before the body is read. Left unread, Jetty closes the connection while the client is still
     * sending, and the client's TCP stack may drop the answer on the reset: a client resuming at the wrong offset
     * would see a broken connection, not the 409 that tells it where to resume. Small bodies are read and dropped;
     * larger or unsized ones close the connection, as HTTP allows.
     */
    private static void drainRefusedBody(final Request request, final Response response) throws IOException
    {
        final long length = request.getLength();
        if (response.getStatus() >= 400 && length > 0 && length <= REFUSED_BODY_DRAIN_BYTES)
        {
            Content.Source.consumeAll(request);
        }
    }

    /**
     * Answer with a status and no body. The body, if any, is left unread here: {@link #drainRefusedBody} reads a small
     * one before the answer goes, and a larger one is Jetty's to handle when the answer completes (it answers
     * {@code Connection: close} and closes only this connection).
     */
    private void refuse(final Response response, final int status, final int counter, final String reason)
    {
        counters.increment(counter);
        response.getHeaders().put(ERROR_HEADER, reason);
        response.setStatus(status);
    }

    /** A non-negative decimal, or -1. */
    static long parseLength(final String value)
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
