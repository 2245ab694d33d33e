package dev.switchboard.server;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.errors.DistinctErrorLog;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Where the server's threads report errors: each goes to the distinct error log in {@code counters.dat}, stack trace
 * and count, read by {@code switchboard stat --errors}; the log gets at most one line per interval, so an error that
 * repeats (accept() out of descriptors, say) cannot flood it. Called from any thread; errors are rare, so the lock is
 * no burden.
 */
final class ServerErrors implements ErrorHandler
{
    static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final PrintStream log;
    private volatile DistinctErrorLog errorLog;
    private long nextLogNs = System.nanoTime();
    private long unlogged;

    ServerErrors(final PrintStream log)
    {
        this.log = log;
    }

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
            log.println("switchboard: error: " + throwable + more + "; switchboard stat --errors lists all");
        }
        else
        {
            log.println("switchboard: error" + (unlogged > 0 ? " (and " + unlogged + " more not shown)" : "") + ":");
            throwable.printStackTrace(log);
        }
        unlogged = 0;
    }
}
