package dev.switchboard.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT (Ctrl-C) and SIGTERM: the first starts a graceful shutdown, a second one halts the process at once. Handled
 * as signals rather than by a shutdown hook, which the JVM would run only once and could not be hurried.
 */
final class ShutdownSignals
{
    /** Exit status of a shutdown forced by a second signal: 128 + SIGINT, as a shell reports an interrupted job. */
    static final int FORCED_EXIT_STATUS = 130;
    private static final String[] SIGNALS = { "INT", "TERM" };
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private final CountDownLatch first = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();

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
        if (1 == received.incrementAndGet())
        {
            LOG.info("SIG" + signal.getName() + ": shutting down gracefully; again to force");
            first.countDown();
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
