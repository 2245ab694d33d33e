package dev.switchboard.server;

import dev.switchboard.edge.Edge;
import dev.switchboard.edge.EdgeAcceptor;
import dev.switchboard.edge.EdgePoller;
import dev.switchboard.ring.RingCounters;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.util.function.ToLongFunction;

import static org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;

/**
 * Publishes the server's counters to {@code <data folder>/counters.dat} (layout in {@link CountersFile}) for
 * {@code switchboard stat} to read from another process.
 * <p>
 * The hot path keeps its own in-process counters and never touches the file: {@link #update()}, called periodically
 * from one thread, copies them in, so each counter in the file has that one writer.
 */
final class ServerCounters implements AutoCloseable
{
    private static final String EDGE_LABEL_PREFIX = "edge-poller-";

    /** The figures copied from every edge poller, in label order within a poller. */
    private static final Figure<EdgePoller>[] EDGE_FIGURES = figures(
        new Figure<>("connections", EdgePoller::connectionCount),
        new Figure<>("connections-opened", EdgePoller::connectionsOpened),
        new Figure<>("connections-closed", EdgePoller::connectionsClosed),
        new Figure<>("frames-in", EdgePoller::framesIn),
        new Figure<>("frames-out", EdgePoller::framesOut),
        new Figure<>("socket-writes", EdgePoller::socketWrites),
        new Figure<>("frames-rejected", EdgePoller::framesRejected),
        new Figure<>("corrupt-streams", EdgePoller::corruptStreams),
        new Figure<>("reject-disconnects", EdgePoller::rejectDisconnects),
        new Figure<>("bytes-in", EdgePoller::bytesIn),
        new Figure<>("bytes-out", EdgePoller::bytesOut),
        new Figure<>("sink-full", EdgePoller::sinkFull),
        new Figure<>("slow-consumer-closes", EdgePoller::slowConsumerCloses),
        new Figure<>("idle-closes", EdgePoller::idleCloses),
        new Figure<>("pings-in", EdgePoller::pingsIn),
        new Figure<>("pings-out", EdgePoller::pingsOut),
        new Figure<>("congestions", EdgePoller::congestions),
        new Figure<>("outbound-dropped", EdgePoller::outboundDropped),
        new Figure<>("errors", EdgePoller::errors),
        new Figure<>("login-timeouts", EdgePoller::loginTimeouts),
        new Figure<>("frame-timeouts", EdgePoller::frameTimeouts),
        new Figure<>("write-timeouts", EdgePoller::writeTimeouts),
        new Figure<>("awaiting-login", EdgePoller::awaitingLogin));

    private static final String ACCEPTOR_LABEL_PREFIX = "edge-acceptor ";

    /** The figures copied from the edge acceptor, after every poller's. */
    private static final Figure<EdgeAcceptor>[] ACCEPTOR_FIGURES = figures(
        new Figure<>("accepted", EdgeAcceptor::accepted),
        new Figure<>("refused", EdgeAcceptor::refused),
        new Figure<>("accept-errors", EdgeAcceptor::acceptErrors));

    private static final int SERVER_COUNTER_COUNT = 3;

    private final MappedByteBuffer mapped;
    private final RingCounters ringCounters;
    private final EdgePoller[] pollers;
    private final EdgeAcceptor acceptor;
    private final AtomicCounter running;
    private final AtomicCounter[] acceptorFigures;
    private final DistinctErrorLog errorLog;
    private final AtomicCounter[] ringFigures;
    /** Poller-major: the counter of figure f of poller p is at {@code p * EDGE_FIGURES.length + f}. */
    private final AtomicCounter[] edgeFigures;
    private boolean closed;

    /**
     * Create (or replace) {@code counters.dat} in the data folder with one counter per figure, and fill it once.
     */
    ServerCounters(final File dataDir, final RingCounters ringCounters, final Edge edge)
    {
        this.ringCounters = ringCounters;
        acceptor = edge.acceptor();
        pollers = new EdgePoller[edge.pollerCount()];
        for (int i = 0; i < pollers.length; i++)
        {
            pollers[i] = edge.poller(i);
        }

        final int counterCount = SERVER_COUNTER_COUNT + ringCounters.size() + pollers.length * EDGE_FIGURES.length +
            ACCEPTOR_FIGURES.length;
        final int metadataLength = counterCount * METADATA_LENGTH;
        final int valuesLength = counterCount * COUNTER_LENGTH;
        final File file = new File(dataDir, CountersFile.FILE_NAME);
        // A new file, not the old one rewritten: a stat still mapping the old one keeps reading consistent values.
        IoUtil.deleteIfExists(file);
        mapped = IoUtil.mapNewFile(file, CountersFile.fileLength(counterCount));
        try
        {
            final AtomicBuffer header = new UnsafeBuffer(mapped, 0, CountersFile.HEADER_LENGTH);
            header.putInt(CountersFile.METADATA_LENGTH_OFFSET, metadataLength);
            header.putInt(CountersFile.VALUES_LENGTH_OFFSET, valuesLength);
            header.putInt(CountersFile.ERROR_LOG_LENGTH_OFFSET, CountersFile.ERROR_LOG_LENGTH);
            final CountersManager manager = new CountersManager(
                new UnsafeBuffer(mapped, CountersFile.HEADER_LENGTH, metadataLength),
                new UnsafeBuffer(mapped, CountersFile.HEADER_LENGTH + metadataLength, valuesLength));

            running = manager.newCounter(CountersFile.RUNNING_LABEL, CountersFile.SERVER_TYPE_ID);
            manager.newCounter(CountersFile.PID_LABEL, CountersFile.SERVER_TYPE_ID)
                .setRelease(ProcessHandle.current().pid());
            manager.newCounter(CountersFile.START_TIME_LABEL, CountersFile.SERVER_TYPE_ID)
                .setRelease(System.currentTimeMillis());

            ringFigures = new AtomicCounter[ringCounters.size()];
            for (int id = 0; id < ringFigures.length; id++)
            {
                ringFigures[id] = manager.newCounter(RingCounters.label(id), CountersFile.RING_TYPE_ID);
            }

            edgeFigures = new AtomicCounter[pollers.length * EDGE_FIGURES.length];
            for (int p = 0; p < pollers.length; p++)
            {
                final int pollerIndex = p;
                for (int f = 0; f < EDGE_FIGURES.length; f++)
                {
                    edgeFigures[p * EDGE_FIGURES.length + f] = manager.newCounter(
                        EDGE_LABEL_PREFIX + p + " " + EDGE_FIGURES[f].label,
                        CountersFile.EDGE_TYPE_ID,
                        key -> key.putInt(0, pollerIndex));
                }
            }

            acceptorFigures = new AtomicCounter[ACCEPTOR_FIGURES.length];
            for (int f = 0; f < ACCEPTOR_FIGURES.length; f++)
            {
                acceptorFigures[f] = manager.newCounter(
                    ACCEPTOR_LABEL_PREFIX + ACCEPTOR_FIGURES[f].label, CountersFile.ACCEPTOR_TYPE_ID);
            }
            errorLog = new DistinctErrorLog(
                new UnsafeBuffer(mapped, CountersFile.HEADER_LENGTH + metadataLength + valuesLength,
                    CountersFile.ERROR_LOG_LENGTH),
                SystemEpochClock.INSTANCE);

            update();
            running.setRelease(1);
            header.putIntRelease(CountersFile.VERSION_OFFSET, CountersFile.LAYOUT_VERSION);
        }
        catch (final RuntimeException ex)
        {
            IoUtil.unmap(mapped);
            throw ex;
        }
    }

    /**
     * Copy the in-process counters into the file. Call from one thread at a time: it is the counters' sole writer.
     * It reads the pollers' plain fields from another thread, so a figure may lag a cycle; it does not allocate.
     */
    void update()
    {
        final AtomicCounter[] ringFigures = this.ringFigures;
        for (int id = 0; id < ringFigures.length; id++)
        {
            ringFigures[id].setRelease(ringCounters.get(id));
        }

        final AtomicCounter[] edgeFigures = this.edgeFigures;
        final Figure<EdgePoller>[] figures = EDGE_FIGURES;
        int counter = 0;
        for (final EdgePoller poller : pollers)
        {
            for (final Figure<EdgePoller> figure : figures)
            {
                edgeFigures[counter++].setRelease(figure.reader.applyAsLong(poller));
            }
        }
        for (int f = 0; f < ACCEPTOR_FIGURES.length; f++)
        {
            acceptorFigures[f].setRelease(ACCEPTOR_FIGURES[f].reader.applyAsLong(acceptor));
        }
    }

    /**
     * The distinct error log in the file; safe to record into from any thread until {@link #close(boolean)} unmaps.
     */
    DistinctErrorLog errorLog()
    {
        return errorLog;
    }

    /**
     * Copy the final values, mark the file stopped and unmap it; the file stays for a last {@code stat}.
     */
    public void close()
    {
        close(true);
    }

    /**
     * As {@link #close()}, but keep the mapping when the copier thread may still be running: unmapping under it
     * would crash the JVM, while a mapping left to the garbage collector costs nothing.
     */
    void close(final boolean unmap)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        update();
        running.setRelease(0);
        if (unmap)
        {
            IoUtil.unmap(mapped);
        }
    }

    @SafeVarargs
    private static <T> Figure<T>[] figures(final Figure<T>... figures)
    {
        return figures;
    }

    /** A labelled figure read from a source object (a poller, the acceptor) into its counter. */
    private static final class Figure<T>
    {
        final String label;
        final ToLongFunction<T> reader;

        Figure(final String label, final ToLongFunction<T> reader)
        {
            this.label = label;
            this.reader = reader;
        }
    }
}
