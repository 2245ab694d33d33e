package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's host-wide counts of connects a listener could not take at once (Linux {@code /proc/net/netstat},
 * {@code TcpExt}): {@code ListenOverflows}, a completed handshake dropped because the listener's accept queue was
 * full, and {@code TCPSynRetrans}, the client's SYN sent again for it a second or more later. A storm that
 * outruns a server's listen backlog shows here, not in its CPU. The bench runs alone on loopback, so the host-wide
 * delta over a storm is the storm's.
 */
final class ListenQueueCounters
{
    static final Path NETSTAT = Path.of("/proc/net/netstat");

    private final Path netstat;
    private long[] start;
    private long[] delta;

    ListenQueueCounters()
    {
        this(NETSTAT);
    }

    ListenQueueCounters(final Path netstat)
    {
        this.netstat = netstat;
    }

    void start()
    {
        start = read(netstat);
    }

    void stop()
    {
        final long[] end = read(netstat);
        delta = null == start || null == end ? null : new long[]{ end[0] - start[0], end[1] - start[1] };
    }

    /**
     * {@code listenOverflows} and {@code synRetransmits} over the storm; nothing where the counters cannot be read.
     */
    void addTo(final BenchResult result)
    {
        if (null != delta)
        {
            result.figure("listenOverflows", delta[0]);
            result.figure("synRetransmits", delta[1]);
        }
    }

    /**
     * ListenOverflows and TCPSynRetrans from a netstat file: a "TcpExt:" line of names followed by one of values.
     */
    static long[] read(final Path netstat)
    {
        try
        {
            final List<String> lines = Files.readAllLines(netstat);
            for (int i = 0; i + 1 < lines.size(); i++)
            {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:"))
                {
                    final String[] names = lines.get(i).split("\\s+");
                    final String[] values = lines.get(i + 1).split("\\s+");
                    final long overflows = value(names, values, "ListenOverflows");
                    final long synRetransmits = value(names, values, "TCPSynRetrans");
                    return overflows < 0 || synRetransmits < 0 ? null : new long[]{ overflows, synRetransmits };
                }
            }
            return null;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null; // not Linux, or no procfs: the figures are left out
        }
    }

    private static long value(final String[] names, final String[] values, final String name)
    {
        for (int i = 1; i < names.length && i < values.length; i++)
        {
            if (name.equals(names[i]))
            {
                return Long.parseLong(values[i]);
            }
        }
        return -1;
    }
}
