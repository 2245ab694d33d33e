package dev.switchboard.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT (Ctrl-C) and SIGTERM: the first starts a graceful shutdown, a second one halts the process at once. Handled
 * as signals rather than by a shutdown hook, which the JVM would run only once and could not be hurried.
 * <p>
 * A repeat within {@link #REPEAT_WINDOW_NS} of the first is the same request delivered twice, not an operator's
 * second press: {@code timeout} signals both its child and the child's process group, and so do wrappers that forward
 * a terminal's Ctrl-C to a process group. Only a later one forces the exit.
 */
final class ShutdownSignals
{
    /** Exit status of a shutdown forced by a second signal: 128 + SIGINT, as a shell reports an interrupted job. */
    static final int FORCED_EXIT_STATUS = 130;
    /** A repeat sooner than this after the first signal does not force the exit. */
    static final long REPEAT_WINDOW_NS = TimeUnit.SECONDS.toNanos(1);
    private static final String[] SIGNALS = { "INT", "TERM" };
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private final CountDownLatch first = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private volatile long firstNs;

    ShutdownSignals()
    {
        install();
    }

    /**
     * Take the signals (again): a library loaded since (Chronicle's, at start) may have put its own handler in front,
     * one that ends with the JVM's default and so exits at once. Call once the server has started.
     */
    void install()
    {
        for (final String name : SIGNALS)
        {
            Signal.handle(new Signal(name), this::onSignal);
        }
    }

    private void onSignal(final Signal signal)
    {
        final long nowNs = System.nanoTime();
        if (1 == received.incrementAndGet())
        {
            firstNs = nowNs;
            LOG.info("SIG" + signal.getName() + ": shutting down gracefully; again to force");
            first.countDown();
        }
        else if (nowNs - firstNs < REPEAT_WINDOW_NS)
        {
            LOG.info("SIG" + signal.getName() + " again within " + TimeUnit.NANOSECONDS.toMillis(REPEAT_WINDOW_NS) +
                " ms of the first: taken as the same request; send it again later to force");
        }
        else
        {
            LOG.warn("SIG" + signal.getName() + " again: forced exit, nothing more is flushed");
            Runtime.getRuntime().halt(FORCED_EXIT_STATUS);
        }
    }

    /** Wait for the first signal. */
    void await() throws InterruptedException
    {
        first.await();
    }
}
