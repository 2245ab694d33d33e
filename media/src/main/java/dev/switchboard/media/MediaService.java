package dev.switchboard.media;

import com.sun.net.httpserver.HttpServer;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The media service: encrypted blobs over HTTP/1.1 on a port of its own, beside the message port. Uploads follow tus
 * 1.0 (core, creation and expiration: POST creates with Upload-Length, PATCH appends at Upload-Offset, HEAD tells the
 * offset), each authorized by a ticket the ring issued; downloads are GET by content address with Range. Served by the
 * JDK's HTTP server on a bounded pool of worker threads that stream every body through one copy buffer each, so the
 * heap does not grow with body sizes or with the number of downloads. A sweeper thread reclaims expired blobs and
 * lapsed uploads.
 */
public final class MediaService implements AutoCloseable
{
    private static final int STOP_DELAY_S = 0;

    private final MediaContext ctx;
    private final MediaCounters counters;
    private final BlobStore store;
    private final MediaHandler handler;
    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService sweeper;

    private MediaService(final MediaContext ctx, final ErrorHandler errorHandler)
    {
        this.ctx = ctx.conclude();
        counters = null == ctx.countersManager() ? new MediaCounters() : new MediaCounters(ctx.countersManager());
        store = new BlobStore(ctx.dataDir().toPath());
        handler = new MediaHandler(ctx, store, counters, errorHandler);
        final AtomicInteger threadCount = new AtomicInteger();
        workers = new ThreadPoolExecutor(
            ctx.threads(), ctx.threads(), 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(ctx.queue()),
            (runnable) ->
            {
                final Thread thread = new Thread(runnable, "sb-media-" + threadCount.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            },
            (runnable, executor) ->
            {
                counters.increment(MediaCounters.REQUESTS_DROPPED);
                throw new RejectedExecutionException("media service queue full");
            });
        HttpServer server = null;
        ScheduledExecutorService sweeper = null;
        try
        {
            server = HttpServer.create(new InetSocketAddress(ctx.bindAddress(), ctx.port()), ctx.queue());
            server.createContext(MediaHandler.UPLOADS_PATH, handler);
            server.createContext(MediaHandler.MEDIA_PATH, handler);
            server.setExecutor(workers);
            server.start();
            sweeper = Executors.newSingleThreadScheduledExecutor((runnable) ->
            {
                final Thread thread = new Thread(runnable, "sb-media-sweeper");
                thread.setDaemon(true);
                return thread;
            });
            final long intervalMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(ctx.sweepIntervalNs()));
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        }
        catch (final IOException ex)
        {
            stop(server, sweeper);
            workers.shutdownNow();
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            stop(server, sweeper);
            workers.shutdownNow();
            throw ex;
        }
        this.server = server;
        this.sweeper = sweeper;
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
        return server.getAddress().getPort();
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
        handler.sweep();
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
        stop(server, sweeper);
        workers.shutdownNow();
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

    private static void stop(final HttpServer server, final ScheduledExecutorService sweeper)
    {
        if (null != sweeper)
        {
            sweeper.shutdownNow();
        }
        if (null != server)
        {
            CloseHelper.quietClose(() -> server.stop(STOP_DELAY_S));
        }
    }
}
