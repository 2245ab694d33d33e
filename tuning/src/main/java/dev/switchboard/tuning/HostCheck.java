package dev.switchboard.tuning;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a Linux host can hold a number of client connections: reads the process's and the system's descriptor
 * limits, the listen backlog, TCP memory and socket buffers, the local port range and memory from {@code /proc}, and
 * says setting by setting whether the count fits and what to change. The files of {@code tuning/linux} set what it
 * asks for. It also names, from {@code /sys}, a running DAMON monitor and transparent huge pages turned off: costs to
 * latency, not to the count.
 */
public final class HostCheck
{
    /** Descriptors the server keeps for itself beyond one per connection (switchboard.edge.fd.reserve's default). */
    public static final int FD_RESERVE = 256;
    /** The listen backlog the edge asks for; the kernel caps it at net.core.somaxconn. */
    public static final int LISTEN_BACKLOG = 4096;
    /** Server memory per idle logged-in connection, rounded up from 3,844 B measured (docs/performance.md). */
    public static final long SERVER_BYTES_PER_CONNECTION = 4 * 1024;
    /** Kernel memory per idle TCP socket (socket, inode, dentry, tcp_sock), an estimate. */
    public static final long KERNEL_BYTES_PER_CONNECTION = 4 * 1024;
    /** The server's heap and mapped files before any connection (the launcher's default heap). */
    public static final long BASE_BYTES = 1024L * 1024 * 1024;
    /** TCP memory pages a connection may hold with a little unread or unsent data. */
    public static final int TCP_PAGES_PER_CONNECTION = 1;
    private static final int PAGE_SIZE = 4096;
    /** Where Linux says whether transparent huge pages are used, relative to /sys. */
    static final String THP_ENABLED = "kernel/mm/transparent_hugepage/enabled";

    /** The verdict on one setting. */
    public enum Verdict
    {
        OK, WARN, FAIL, UNKNOWN
    }

    /** One line of the report. */
    public static final class Finding
    {
        public final Verdict verdict;
        public final String setting;
        public final String found;
        public final String advice;

        public Finding(final Verdict verdict, final String setting, final String found, final String advice)
        {
            this.verdict = verdict;
            this.setting = setting;
            this.found = found;
            this.advice = advice;
        }

        public String toString()
        {
            return String.format("%-5s %-40s %s%s", verdict, setting, found, advice.isEmpty() ? "" : "\n      -> " + advice);
        }
    }

    private final Path proc;
    private final Path sys;

    /** Check the host this process runs on. */
    public HostCheck()
    {
        this(Path.of("/proc"), Path.of("/sys"));
    }

    /** Check from other proc and sys trees: tests give made-up ones. */
    public HostCheck(final Path proc, final Path sys)
    {
        this.proc = proc;
        this.sys = sys;
    }

    /**
     * Every finding for the connection count, in the order an operator fixes them.
     */
    public List<Finding> check(final long connections)
    {
        final List<Finding> findings = new ArrayList<>();
        final long fdsNeeded = connections + FD_RESERVE;
        checkProcessDescriptors(findings, fdsNeeded);
        checkSystemDescriptors(findings, fdsNeeded);
        checkBacklog(findings);
        checkTcpMemory(findings, connections);
        checkSocketBuffers(findings);
        checkPortRange(findings, connections);
        checkMemory(findings, connections);
        checkDamon(findings);
        checkHugePages(findings);
        checkReservedHugePages(findings);
        return findings;
    }

    /** True when nothing failed. */
    public static boolean fits(final List<Finding> findings)
    {
        for (final Finding finding : findings)
        {
            if (Verdict.FAIL == finding.verdict)
            {
                return false;
            }
        }
        return true;
    }

    private void checkProcessDescriptors(final List<Finding> findings, final long needed)
    {
        final long[] limits = openFileLimits();
        if (null == limits)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "open files (ulimit -n)", "no " + proc + "/self/limits", ""));
            return;
        }
        final long soft = limits[0];
        final long hard = limits[1];
        if (hard < needed)
        {
            findings.add(new Finding(Verdict.FAIL, "open files, hard limit (ulimit -Hn)",
                "hard limit " + hard + " < " + needed + " needed (connections + " + FD_RESERVE + " reserve)",
                "raise the hard limit: LimitNOFILE=" + roundUp(needed) + " in the systemd unit " +
                "(tuning/linux/switchboard.service), or 'switchboard hard nofile " + roundUp(needed) +
                "' in /etc/security/limits.d/; the server caps its connections at " + Math.max(0, hard - FD_RESERVE) +
                " until then"));
        }
        else
        {
            findings.add(new Finding(Verdict.OK, "open files, hard limit (ulimit -Hn)",
                "hard limit " + hard + " >= " + needed + " needed", ""));
        }
        if (soft < needed)
        {
            findings.add(new Finding(hard >= needed ? Verdict.WARN : Verdict.FAIL,
                "open files, soft limit (ulimit -n)", "soft limit " + soft + " < " + needed + " needed",
                hard >= needed ? "the launcher raises it to the hard limit (java does by default); or ulimit -n " +
                needed : "raise the hard limit first (above)"));
        }
        else
        {
            findings.add(new Finding(Verdict.OK, "open files, soft limit (ulimit -n)",
                "soft limit " + soft + " >= " + needed + " needed", ""));
        }
    }

    private void checkSystemDescriptors(final List<Finding> findings, final long needed)
    {
        final long nrOpen = firstNumber("sys/fs/nr_open");
        if (nrOpen < 0)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "fs.nr_open", "unreadable", ""));
        }
        else
        {
            findings.add(nrOpen >= needed ?
                new Finding(Verdict.OK, "fs.nr_open", nrOpen + " >= " + needed + " (caps any process's hard limit)",
                    "") :
                new Finding(Verdict.FAIL, "fs.nr_open", nrOpen + " < " + needed + " (caps any process's hard limit)",
                    "sysctl -w fs.nr_open=" + roundUp(needed) + " (tuning/linux/99-switchboard.conf)"));
        }
        final long fileMax = firstNumber("sys/fs/file-max");
        final long[] fileNr = numbers("sys/fs/file-nr");
        final long inUse = null == fileNr || fileNr.length < 1 ? 0 : fileNr[0];
        if (fileMax < 0)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "fs.file-max", "unreadable", ""));
        }
        else
        {
            final long neededSystemWide = needed + inUse;
            findings.add(fileMax >= neededSystemWide ?
                new Finding(Verdict.OK, "fs.file-max", fileMax + " >= " + neededSystemWide + " (" + inUse +
                    " open now + " + needed + ")", "") :
                new Finding(Verdict.FAIL, "fs.file-max", fileMax + " < " + neededSystemWide + " (" + inUse +
                    " open now + " + needed + ")",
                    "sysctl -w fs.file-max=" + roundUp(neededSystemWide * 2) + " (tuning/linux/99-switchboard.conf)"));
        }
    }

    private void checkBacklog(final List<Finding> findings)
    {
        final long somaxconn = firstNumber("sys/net/core/somaxconn");
        if (somaxconn < 0)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "net.core.somaxconn", "unreadable", ""));
            return;
        }
        findings.add(somaxconn >= LISTEN_BACKLOG ?
            new Finding(Verdict.OK, "net.core.somaxconn", somaxconn + " >= " + LISTEN_BACKLOG + " (the edge's backlog)",
                "") :
            new Finding(Verdict.WARN, "net.core.somaxconn", somaxconn + " < " + LISTEN_BACKLOG +
                " (the edge's backlog): a reconnect storm overflows the accept queue",
                "sysctl -w net.core.somaxconn=" + LISTEN_BACKLOG));
        final long synBacklog = firstNumber("sys/net/ipv4/tcp_max_syn_backlog");
        if (synBacklog >= 0)
        {
            findings.add(synBacklog >= LISTEN_BACKLOG ?
                new Finding(Verdict.OK, "net.ipv4.tcp_max_syn_backlog", synBacklog + " >= " + LISTEN_BACKLOG, "") :
                new Finding(Verdict.WARN, "net.ipv4.tcp_max_syn_backlog", synBacklog + " < " + LISTEN_BACKLOG +
                    ": half-open connections of a reconnect storm are dropped",
                    "sysctl -w net.ipv4.tcp_max_syn_backlog=" + LISTEN_BACKLOG));
        }
    }

    private void checkTcpMemory(final List<Finding> findings, final long connections)
    {
        final long[] tcpMem = numbers("sys/net/ipv4/tcp_mem");
        if (null == tcpMem || tcpMem.length < 3)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "net.ipv4.tcp_mem", "unreadable", ""));
            return;
        }
        final long pagesNeeded = connections * TCP_PAGES_PER_CONNECTION;
        final String found = "pressure " + tcpMem[1] + " pages, max " + tcpMem[2] + " pages; " + connections +
            " connections holding " + TCP_PAGES_PER_CONNECTION + " page each need " + pagesNeeded;
        if (tcpMem[2] < pagesNeeded)
        {
            findings.add(new Finding(Verdict.FAIL, "net.ipv4.tcp_mem", found,
                "sysctl -w net.ipv4.tcp_mem='" + pagesNeeded + " " + pagesNeeded * 3 / 2 + " " + pagesNeeded * 2 +
                "'"));
        }
        else if (tcpMem[1] < pagesNeeded)
        {
            findings.add(new Finding(Verdict.WARN, "net.ipv4.tcp_mem", found + " (above pressure: buffers shrink)",
                "sysctl -w net.ipv4.tcp_mem='" + tcpMem[0] + " " + pagesNeeded + " " +
                Math.max(tcpMem[2], pagesNeeded * 2) + "'"));
        }
        else
        {
            findings.add(new Finding(Verdict.OK, "net.ipv4.tcp_mem", found, ""));
        }
    }

    private void checkSocketBuffers(final List<Finding> findings)
    {
        for (final String name : new String[]{ "tcp_rmem", "tcp_wmem" })
        {
            final long[] values = numbers("sys/net/ipv4/" + name);
            if (null == values || values.length < 3)
            {
                findings.add(new Finding(Verdict.UNKNOWN, "net.ipv4." + name, "unreadable", ""));
                continue;
            }
            // A chat connection moves a few KB at a time; a large default only matters under pressure.
            findings.add(values[0] <= PAGE_SIZE ?
                new Finding(Verdict.OK, "net.ipv4." + name, "min " + values[0] + ", default " + values[1] + ", max " +
                    values[2] + " bytes (memory is taken as data arrives, from min)", "") :
                new Finding(Verdict.WARN, "net.ipv4." + name, "min " + values[0] + " bytes per socket, pinned even " +
                    "when idle", "sysctl -w net.ipv4." + name + "='4096 " + values[1] + " " + values[2] + "'"));
        }
    }

    private void checkPortRange(final List<Finding> findings, final long connections)
    {
        final long[] range = numbers("sys/net/ipv4/ip_local_port_range");
        if (null == range || range.length < 2)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "net.ipv4.ip_local_port_range", "unreadable", ""));
            return;
        }
        final long ports = range[1] - range[0] + 1;
        final String found = range[0] + "-" + range[1] + " (" + ports + " ports): limits outgoing connections from " +
            "one source address to one server address, so load generators on this host, not the server";
        findings.add(ports >= connections ?
            new Finding(Verdict.OK, "net.ipv4.ip_local_port_range", found, "") :
            new Finding(Verdict.WARN, "net.ipv4.ip_local_port_range", found,
                "for a local load test: sysctl -w net.ipv4.ip_local_port_range='1024 65535', or more loopback " +
                "source addresses (bench does this past 20,000)"));
    }

    private void checkMemory(final List<Finding> findings, final long connections)
    {
        final long availableKb = meminfo("MemAvailable:");
        final long totalKb = meminfo("MemTotal:");
        if (availableKb < 0 || totalKb < 0)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "memory", "no " + proc + "/meminfo", ""));
            return;
        }
        final long neededBytes = BASE_BYTES + connections * (SERVER_BYTES_PER_CONNECTION + KERNEL_BYTES_PER_CONNECTION);
        final String found = "available " + mib(availableKb * 1024) + " of " + mib(totalKb * 1024) + "; " +
            connections + " idle connections need about " + mib(neededBytes) + " (" +
            (SERVER_BYTES_PER_CONNECTION + KERNEL_BYTES_PER_CONNECTION) + " B each, server and kernel, + " +
            mib(BASE_BYTES) + " base)";
        findings.add(availableKb * 1024 >= neededBytes ?
            new Finding(Verdict.OK, "memory", found, "") :
            new Finding(Verdict.FAIL, "memory", found, "a larger host, or fewer connections per server"));
    }

    private void checkDamon(final List<Finding> findings)
    {
        final List<String> running = DamonStatus.running(sys);
        final String status = DamonStatus.describe(sys, running);
        if (running.isEmpty())
        {
            findings.add(new Finding(Verdict.OK, "DAMON (kdamond)", status, ""));
            return;
        }
        findings.add(new Finding(Verdict.WARN, "DAMON (kdamond)", status + ": each sampling round reads and clears " +
            "the accessed bits of pages, the server's among them",
            "on a virtual host this stalled the server's duty thread 2 to 4 ms a round while its heap was in small " +
            "pages (docs/performance.md, tenth and eleventh passes); check with scripts/duty-stalls.bt, and on a host " +
            "meant for low latency stop it (echo off > " +
            sys.resolve(DamonStatus.KDAMONDS) + "/N/state) or lengthen its sample_us; where it must run, put a " +
            "fixed heap in reserved huge pages, which it never samples (fifteenth pass; see below)"));
    }

    private void checkHugePages(final List<Finding> findings)
    {
        final Path enabled = sys.resolve(THP_ENABLED);
        final String mode = transparentHugePageMode(sys);
        if (null == mode)
        {
            findings.add(new Finding(Verdict.UNKNOWN, "transparent huge pages", "no " + enabled, ""));
            return;
        }
        if ("never".equals(mode))
        {
            findings.add(new Finding(Verdict.WARN, "transparent huge pages", "never: the server's heap stays in " +
                "4 KiB pages (the launcher asks for huge pages with -XX:+UseTransparentHugePages)",
                "on a virtual host a heap in small pages stalled the duty thread on each DAMON round (docs/" +
                "performance.md, eleventh pass); echo madvise > " + enabled));
            return;
        }
        findings.add(new Finding(Verdict.OK, "transparent huge pages", mode + ": the heap takes them", ""));
    }

    private void checkReservedHugePages(final List<Finding> findings)
    {
        final ReservedHugePages pool = ReservedHugePages.read(proc);
        final long needed = ReservedHugePages.bytesNeeded(BASE_BYTES);
        final String found = pool.totalPages + " reserved, " + mib(pool.availableBytes()) + " unclaimed";
        if (pool.availableBytes() >= needed)
        {
            findings.add(new Finding(Verdict.OK, "reserved huge pages", found + ": a fixed heap of up to " +
                mib(pool.availableBytes() - needed + BASE_BYTES) + " goes in them", ""));
            return;
        }
        final long pageBytes = 0 == pool.pageBytes ? 2L * 1024 * 1024 : pool.pageBytes;
        final Verdict verdict = DamonStatus.running(sys).isEmpty() ? Verdict.OK : Verdict.WARN;
        findings.add(new Finding(verdict, "reserved huge pages", found + ": the heap takes transparent huge pages, " +
            "which DAMON still samples",
            "the launcher puts a fixed heap (-Xms = -Xmx) and the code cache in the pool when it has room: for a " +
            mib(BASE_BYTES) + " heap sysctl -w vm.nr_hugepages=" +
            (pool.totalPages + (needed - pool.availableBytes() + pageBytes - 1) / pageBytes) +
            " (docs/performance.md, fifteenth pass)"));
    }

    /** The host's transparent huge page mode under a sys root ("always", "madvise", "never"); null if unreadable. */
    public static String transparentHugePageMode(final Path sys)
    {
        final String modes = readFile(sys.resolve(THP_ENABLED));
        return null == modes ? null : selected(modes);
    }

    /** The marked word of a sysfs choice such as "always [madvise] never"; the trimmed text if none is marked. */
    static String selected(final String choices)
    {
        final int open = choices.indexOf('[');
        final int close = choices.indexOf(']', open + 1);
        return open >= 0 && close > open ? choices.substring(open + 1, close) : choices.trim();
    }

    /** {soft, hard} of "Max open files", "unlimited" as Long.MAX_VALUE; null if unreadable. */
    public long[] openFileLimits()
    {
        final String text = read("self/limits");
        if (null == text)
        {
            return null;
        }
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("Max open files"))
            {
                final String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                if (parts.length >= 2)
                {
                    return new long[]{ limit(parts[0]), limit(parts[1]) };
                }
            }
        }
        return null;
    }

    private static long limit(final String value)
    {
        return "unlimited".equals(value) ? Long.MAX_VALUE : Long.parseLong(value);
    }

    private long meminfo(final String key)
    {
        final String text = read("meminfo");
        return null == text ? -1 : meminfoField(text, key);
    }

    /** A field of /proc/meminfo's text, such as "MemAvailable:" (kB) or "HugePages_Free:" (pages); -1 if absent. */
    static long meminfoField(final String meminfo, final String key)
    {
        for (final String line : meminfo.split("\n"))
        {
            if (line.startsWith(key))
            {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private long firstNumber(final String file)
    {
        final long[] values = numbers(file);
        return null == values || 0 == values.length ? -1 : values[0];
    }

    private long[] numbers(final String file)
    {
        final String text = read(file);
        if (null == text || text.isBlank())
        {
            return null;
        }
        final String[] parts = text.trim().split("\\s+");
        final long[] values = new long[parts.length];
        try
        {
            for (int i = 0; i < parts.length; i++)
            {
                values[i] = Long.parseLong(parts[i]);
            }
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
        return values;
    }

    private String read(final String file)
    {
        return readFile(proc.resolve(file));
    }

    private static String readFile(final Path file)
    {
        // Not Files.readString: /proc files report a size of 0, and that reads them short.
        try (InputStream in = Files.newInputStream(file))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private static long roundUp(final long value)
    {
        final long step = value < 100_000 ? 1_000 : 10_000;
        return (value + step - 1) / step * step;
    }

    private static String mib(final long bytes)
    {
        return (bytes / (1024 * 1024)) + " MiB";
    }
}
