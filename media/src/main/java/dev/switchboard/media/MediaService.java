package dev.switchboard.media;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The media service: encrypted blobs over HTTP/1.1 on a port of its own, beside the message port. Uploads follow tus
 * 1.0 (core, creation and expiration: POST creates with Upload-Length, PATCH appends at Upload-Offset, HEAD tells the
 * offset), each authorized by a ticket the ring issued; downloads are GET by content address with Range. Served by
 * Jetty's core server (no servlets): a request body arrives in pooled direct buffers of
 * {@link MediaContext#copyBufferBytes()} straight off the socket and goes from them to the partial file and the
 * digest; a download streams the blob through pooled buffers without holding a thread. The heap does not grow with
 * body sizes or with the number of downloads. The ledger's thread keeps quota counts and uploads in the media
 * folder, so both outlive a restart, and reclaims expired blobs and lapsed uploads.
 */
public final class MediaService implements AutoCloseable
{
    /** One acceptor and one selector thread serve the port; the other threads run requests. */
    private static final int ACCEPTORS = 1;
    private static final int SELECTORS = 1;
    /** Jetty keeps one idle thread ready to take over selecting; counted apart from the request threads. */
    private static final int RESERVED_THREADS = 1;
    /**
     * Threads beyond the request threads that admit, queue or refuse new requests, so a flood is answered 503 while
     * every request thread is busy.
     */
    private static final int ADMISSION_THREADS = 2;
    private static final int MIN_THREADS = 8;
    private static final int THREAD_IDLE_TIMEOUT_MS = 60_000;
    /** A request waiting for a request thread longer than this is answered 503. */
    private static final long MAX_WAIT_MS = 60_000;

    private final MediaContext ctx;
    private final MediaCounters counters;
    private final BlobStore store;
    private final MediaLedger ledger;
    private final MediaHandler handler;
    private final Server server;
    private final ServerConnector connector;

    private MediaService(final MediaContext ctx, final ErrorHandler errorHandler)
    {
        this.ctx = ctx.conclude();
        counters = null == ctx.countersManager() ? new MediaCounters() : new MediaCounters(ctx.countersManager());
        store = new BlobStore(ctx.dataDir().toPath());
        ledger = new MediaLedger(ctx.dataDir().toPath(), ctx.quotaBytesPerDay());
        // Jetty's queue of jobs stays unbounded (a rejected selector job would strand its connection); the QoS
        // handler below bounds the requests instead.
        final int maxThreads = ctx.threads() + ACCEPTORS + SELECTORS + RESERVED_THREADS + ADMISSION_THREADS;
        final QueuedThreadPool threadPool = new QueuedThreadPool(
            maxThreads, Math.min(maxThreads, MIN_THREADS), THREAD_IDLE_TIMEOUT_MS);
        threadPool.setReservedThreads(RESERVED_THREADS);
        threadPool.setName("sb-media");
        threadPool.setDaemon(true);
        // Buffers up to the body chunk size are pooled (Jetty's default pools only up to 64 KiB).
        final ArrayByteBufferPool bufferPool = new ArrayByteBufferPool(0, -1, ctx.copyBufferBytes());
        server = new Server(threadPool, null, bufferPool);
        server.setStopTimeout(0);
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setInputBufferSize(ctx.copyBufferBytes());
        http.setOutputBufferSize(ctx.copyBufferBytes());
        // The socket reads into direct buffers that the file writes take as they are: no copy through the heap.
        http.setUseInputDirectByteBuffers(true);
        final HttpConnectionFactory connectionFactory = new HttpConnectionFactory(http);
        connectionFactory.setInputBufferSize(ctx.copyBufferBytes());
        connectionFactory.setUseInputDirectByteBuffers(true);
        connector = new ServerConnector(server, ACCEPTORS, SELECTORS, connectionFactory);
        connector.setHost(ctx.bindAddress());
        connector.setPort(ctx.port());
        connector.setAcceptQueueSize(ctx.queue());
        server.addConnector(connector);
        handler = new MediaHandler(ctx, store, ledger, counters, errorHandler, bufferPool);
        // At most threads requests at once, queue more waiting; past that a request is answered 503 and counted.
        final QoSHandler limit = new QoSHandler(handler)
        {
            protected void reject(
                final Request request, final Response response, final Callback callback, final int status)
            {
                counters.increment(MediaCounters.REQUESTS_DROPPED);
                super.reject(request, response, callback, status);
            }

            protected void failSuspended(
                final Request request,
                final Response response,
                final Callback callback,
                final int status,
                final Throwable failure)
            {
                counters.increment(MediaCounters.REQUESTS_DROPPED); // waited past the maximum
                super.failSuspended(request, response, callback, status, failure);
            }
        };
        limit.setMaxRequestCount(ctx.threads());
        limit.setMaxSuspendedRequestCount(ctx.queue());
        limit.setMaxSuspend(Duration.ofMillis(MAX_WAIT_MS));
        server.setHandler(limit);
        try
        {
            handler.recover();
            server.start();
            ledger.schedule(this::sweepQuietly, Math.max(1, TimeUnit.NANOSECONDS.toMillis(ctx.sweepIntervalNs())));
        }
        catch (final Exception ex)
        {
            close();
            throw ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
        }
    }

    /**
     * Start the service on {@link MediaContext#port()} (0 there: any free port, see {@link #port()}).
     */
    public static MediaService launch(final MediaContext ctx, final ErrorHandler errorHandler)
    {
        return new MediaService(ctx, errorHandler);
    }

    public static MediaService launch(final MediaContext ctx)
    {
        return new MediaService(ctx, Throwable::printStackTrace);
    }

    /** The bound port. */
    public int port()
    {
        return connector.getLocalPort();
    }

    public MediaContext context()
    {
        return ctx;
    }

    public MediaCounters counters()
    {
        return counters;
    }

    /**
     * Reclaim now what has expired: blobs past the expiry, uploads past their deadline (their quota given back).
     */
    public void sweep() throws IOException
    {
        try
        {
            ledger.call(() ->
            {
                handler.sweep();
                return null;
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
    }

    /** Bytes of every stored blob. */
    public long storedBytes() throws IOException
    {
        return store.storedBytes();
    }

    /** Uploads begun and not lapsed (finished ones stay until their deadline, for a late HEAD). */
    public int uploadCount()
    {
        return handler.uploadCount();
    }

    /** Bytes the user has begun uploading today. */
    public long quotaUsed(final long userId)
    {
        return handler.quotaUsed(userId);
    }

    public void close()
    {
        CloseHelper.quietClose(server::stop);
        CloseHelper.quietClose(ledger);
    }

    private void sweepQuietly()
    {
        try
        {
            handler.sweep();
        }
        catch (final Throwable ex)
        {
            handler.onError(ex);
        }
    }
}
