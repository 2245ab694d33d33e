package dev.switchboard.server;

import dev.switchboard.ring.ServiceTimeSnapshot;

import java.io.File;
import java.util.List;

/**
 * Reads a running (or stopped) server's service-time histograms from its counters file, from another process: for a
 * bench harness that wants the server's own view next to its end-to-end figures. Snapshot before and after the
 * measured phase and take {@link ServiceTimeSnapshot#minus(ServiceTimeSnapshot)}.
 */
public final class ServiceTimeReader implements AutoCloseable
{
    private final CountersFile counters;

    private ServiceTimeReader(final CountersFile counters)
    {
        this.counters = counters;
    }

    /**
     * Map {@code <data folder>/counters.dat} read-only.
     *
     * @throws IllegalStateException if there is no counters file there or it is of another layout.
     */
    public static ServiceTimeReader open(final File dataDir)
    {
        return new ServiceTimeReader(CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME)));
    }

    /**
     * Whether a server has (or had) a counters file in this data folder.
     */
    public static boolean isPresent(final File dataDir)
    {
        return new File(dataDir, CountersFile.FILE_NAME).isFile();
    }

    /** Every histogram, read now, e.g. "ring: session service-time". */
    public List<ServiceTimeSnapshot> read()
    {
        return counters.serviceTimes();
    }

    /** The histogram of that name read now, or null if the server has none of that name. */
    public ServiceTimeSnapshot read(final String name)
    {
        for (final ServiceTimeSnapshot snapshot : counters.serviceTimes())
        {
            if (snapshot.name().equals(name))
            {
                return snapshot;
            }
        }
        return null;
    }

    /** Whether the server was restarted since (a new file): open again to follow it. */
    public boolean isReplaced()
    {
        return counters.isReplaced();
    }

    public void close()
    {
        counters.close();
    }
}
