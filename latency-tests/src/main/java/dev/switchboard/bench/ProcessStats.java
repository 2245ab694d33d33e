package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory and CPU time of a process, read from Linux's /proc.
 */
final class ProcessStats
{
    static final int USER = 0;
    static final int SYSTEM = 1;
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcessStats()
    {
    }

    /**
     * Resident set size in bytes (VmRSS), or -1 when unknown.
     */
    static long residentBytes(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                StandardCharsets.US_ASCII))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }

    /**
     * User plus system CPU time in nanoseconds, or -1 when unknown.
     */
    static long cpuTimeNs(final long pid)
    {
        final long[] times = cpuTimesNs(pid);
        return null == times ? -1 : times[USER] + times[SYSTEM];
    }

    /**
     * User plus system CPU time in nanoseconds of the process's JIT compiler threads (a JVM's {@code C1
     * CompilerThread}s and {@code C2 CompilerThread}s; none in a process that is not a JVM), or -1 when unknown: how
     * much of a measured stretch the JVM spent compiling rather than serving.
     */
    static long compilerCpuTimeNs(final long pid)
    {
        final Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long total = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks))
        {
            for (final Path thread : threads)
            {
                final String stat = readOrNull(thread.resolve("stat"));
                if (null != stat && isCompilerThread(stat))
                {
                    final long[] times = parseCpuTimesNs(stat);
                    total += null == times ? 0 : times[USER] + times[SYSTEM];
                }
            }
            return total;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    private static boolean isCompilerThread(final String stat)
    {
        // The command name is the thread's, cut to 15 characters: "C2 CompilerThre".
        final int open = stat.indexOf('(');
        return stat.startsWith("C1 CompilerThre", open + 1) || stat.startsWith("C2 CompilerThre", open + 1);
    }

    private static String readOrNull(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            return null; // the thread ended while the folder was read
        }
    }

    /**
     * User and system CPU time in nanoseconds, indexed by {@link #USER} and {@link #SYSTEM}, or null when unknown.
     * System time is the kernel's work for the process: its system calls and, on loopback TCP, the receiving side's
     * protocol work that a write runs inline.
     */
    static long[] cpuTimesNs(final long pid)
    {
        try
        {
            return parseCpuTimesNs(
                Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII));
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private static long[] parseCpuTimesNs(final String stat)
    {
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        final long nsPerTick = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        return new long[]{ Long.parseLong(fields[11]) * nsPerTick, Long.parseLong(fields[12]) * nsPerTick };
    }
}
