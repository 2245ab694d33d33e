package dev.switchboard.server;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Where the server's threads report errors: each goes to the distinct error log in {@code counters.dat}, stack trace
 * and count, read by {@code switchboard stat --errors}; the server log gets at most one line per interval, so an error that
 * repeats (accept() out of descriptors, say) cannot flood it. Called from any thread; errors are rare, so the lock is
 * no burden.
 */
final class ServerErrors implements ErrorHandler
{
    static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);

    private volatile DistinctErrorLog errorLog;
    private long nextLogNs = System.nanoTime();
    private long unlogged;

    /** Start recording into the counters file's error log; until then errors are printed whole. */
    void errorLog(final DistinctErrorLog errorLog)
    {
        this.errorLog = errorLog;
    }

    /** Stop recording once the file is marked stopped (later errors are printed whole); waits for one under way. */
    synchronized void detach()
    {
        errorLog = null;
    }

    public synchronized void onError(final Throwable throwable)
    {
        final DistinctErrorLog errorLog = this.errorLog;
        final boolean recorded = null != errorLog && errorLog.record(throwable);
        final long nowNs = System.nanoTime();
        if (nowNs - nextLogNs < 0)
        {
            unlogged++;
            return;
        }
        nextLogNs = nowNs + LOG_INTERVAL_NS;
        if (recorded)
        {
            final String more = unlogged > 0 ? " (and " + unlogged + " more not shown)" : "";
            LOG.error("{}{}; switchboard stat --errors lists all", throwable, more);
        }
        else
        {
            LOG.error(unlogged > 0 ? "(and " + unlogged + " more not shown)" : "not recorded", throwable);
        }
        unlogged = 0;
    }
}
