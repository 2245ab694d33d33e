package dev.switchboard.tuning;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The host check reads /proc and names, setting by setting, what stands between the host and a connection count.
 */
class HostCheckTest
{
    @TempDir
    Path proc;
    @TempDir
    Path sys;

    @Test
    void shouldNameTheHardDescriptorLimitOfThisHostWhenTheCountExceedsIt() throws Exception
    {
        final HostCheck check = new HostCheck();
        final long[] limits = check.openFileLimits();
        assertNotNull(limits, "/proc/self/limits");
        assertEquals(hardLimitFromTheShell(), limits[1]);
        assumeTrue(limits[1] < Integer.MAX_VALUE, "no finite hard limit on this host");

        final List<HostCheck.Finding> findings = check.check(limits[1]);
        final HostCheck.Finding hard = find(findings, "open files, hard limit (ulimit -Hn)");
        assertEquals(HostCheck.Verdict.FAIL, hard.verdict);
        assertTrue(hard.found.startsWith("hard limit " + limits[1] + " < " + (limits[1] + HostCheck.FD_RESERVE)),
            hard.toString());
        assertTrue(hard.advice.contains("LimitNOFILE="), hard.toString());
        assertFalse(HostCheck.fits(findings));

        final HostCheck.Finding fits = find(check.check(limits[1] - HostCheck.FD_RESERVE),
            "open files, hard limit (ulimit -Hn)");
        assertEquals(HostCheck.Verdict.OK, fits.verdict, fits.toString());
    }

    @Test
    void shouldJudgeEachSettingOfAMadeUpHost() throws IOException
    {
        write(proc, "self/limits", "Limit                     Soft Limit           Hard Limit           Units\n" +
            "Max open files            1024                 20000                files\n");
        write(proc, "sys/fs/nr_open", "1048576\n");
        write(proc, "sys/fs/file-max", "30000\n");
        write(proc, "sys/fs/file-nr", "2000\t0\t30000\n");
        write(proc, "sys/net/core/somaxconn", "128\n");
        write(proc, "sys/net/ipv4/tcp_max_syn_backlog", "8192\n");
        write(proc, "sys/net/ipv4/tcp_mem", "10000\t15000\t20000\n");
        write(proc, "sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456\n");
        write(proc, "sys/net/ipv4/tcp_wmem", "8192\t16384\t4194304\n");
        write(proc, "sys/net/ipv4/ip_local_port_range", "32768\t60999\n");
        write(proc, "meminfo", "MemTotal:        2048000 kB\nMemFree:          100000 kB\nMemAvailable:    1500000 kB\n");

        final List<HostCheck.Finding> findings = new HostCheck(proc, sys).check(30_000);

        assertEquals(HostCheck.Verdict.FAIL, find(findings, "open files, hard limit (ulimit -Hn)").verdict);
        assertEquals(HostCheck.Verdict.FAIL, find(findings, "open files, soft limit (ulimit -n)").verdict);
        assertEquals(HostCheck.Verdict.OK, find(findings, "fs.nr_open").verdict);
        final HostCheck.Finding fileMax = find(findings, "fs.file-max");
        assertEquals(HostCheck.Verdict.FAIL, fileMax.verdict);
        assertTrue(fileMax.found.contains("30000 < 32256 (2000 open now + 30256)"), fileMax.toString());
        assertEquals(HostCheck.Verdict.WARN, find(findings, "net.core.somaxconn").verdict);
        assertTrue(find(findings, "net.core.somaxconn").advice.contains("net.core.somaxconn=4096"));
        assertEquals(HostCheck.Verdict.OK, find(findings, "net.ipv4.tcp_max_syn_backlog").verdict);
        assertEquals(HostCheck.Verdict.FAIL, find(findings, "net.ipv4.tcp_mem").verdict);
        assertEquals(HostCheck.Verdict.OK, find(findings, "net.ipv4.tcp_rmem").verdict);
        assertEquals(HostCheck.Verdict.WARN, find(findings, "net.ipv4.tcp_wmem").verdict);
        assertEquals(HostCheck.Verdict.WARN, find(findings, "net.ipv4.ip_local_port_range").verdict);
        assertEquals(HostCheck.Verdict.OK, find(findings, "memory").verdict);
        assertFalse(HostCheck.fits(findings));

        final List<HostCheck.Finding> few = new HostCheck(proc, sys).check(900);
        assertEquals(HostCheck.Verdict.OK, find(few, "open files, hard limit (ulimit -Hn)").verdict);
        assertEquals(HostCheck.Verdict.WARN, find(few, "open files, soft limit (ulimit -n)").verdict);
        assertEquals(HostCheck.Verdict.FAIL, find(new HostCheck(proc, sys).check(2_000_000), "memory").verdict);
    }

    @Test
    void shouldSayUnknownForWhatItCannotRead()
    {
        final List<HostCheck.Finding> findings = new HostCheck(proc, sys).check(1_000);
        assertEquals(HostCheck.Verdict.UNKNOWN, find(findings, "open files (ulimit -n)").verdict);
        assertEquals(HostCheck.Verdict.UNKNOWN, find(findings, "memory").verdict);
        assertTrue(HostCheck.fits(findings));
    }

    @Test
    void shouldWarnOfARunningDamonMonitorAndSayWhenItIsOffOrAbsent() throws IOException
    {
        assertEquals(HostCheck.Verdict.OK, find(new HostCheck(proc, sys).check(1_000), "DAMON (kdamond)").verdict);
        assertEquals("absent", DamonStatus.describe(sys));

        final String kdamond = DamonStatus.KDAMONDS + "/0/";
        write(sys, DamonStatus.KDAMONDS + "/nr_kdamonds", "1\n");
        write(sys, kdamond + "state", "off\n");
        write(sys, kdamond + "contexts/0/operations", "paddr\n");
        write(sys, kdamond + "contexts/0/monitoring_attrs/intervals/sample_us", "500000\n");
        write(sys, kdamond + "contexts/0/schemes/0/action", "pageout\n");
        final HostCheck.Finding off = find(new HostCheck(proc, sys).check(1_000), "DAMON (kdamond)");
        assertEquals(HostCheck.Verdict.OK, off.verdict, off.toString());
        assertEquals("off", off.found);

        write(sys, kdamond + "state", "on\n");
        final HostCheck.Finding on = find(new HostCheck(proc, sys).check(1_000), "DAMON (kdamond)");
        assertEquals(HostCheck.Verdict.WARN, on.verdict, on.toString());
        assertTrue(on.found.startsWith("kdamond 0 on (paddr, sampling every 500 ms, schemes: pageout)"), on.found);
        assertTrue(on.advice.contains(sys.resolve(DamonStatus.KDAMONDS) + "/N/state"), on.advice);
        assertTrue(HostCheck.fits(new HostCheck(proc, sys).check(1_000)), "a warning does not fail the count");
    }

    @Test
    void shouldWarnWhenTransparentHugePagesAreOffAndSayWhichModeIsOn() throws IOException
    {
        final HostCheck.Finding absent = find(new HostCheck(proc, sys).check(1_000), "transparent huge pages");
        assertEquals(HostCheck.Verdict.UNKNOWN, absent.verdict, absent.toString());

        write(sys, HostCheck.THP_ENABLED, "always madvise [never]\n");
        final HostCheck.Finding never = find(new HostCheck(proc, sys).check(1_000), "transparent huge pages");
        assertEquals(HostCheck.Verdict.WARN, never.verdict, never.toString());
        assertTrue(never.advice.endsWith("echo madvise > " + sys.resolve(HostCheck.THP_ENABLED)), never.advice);

        write(sys, HostCheck.THP_ENABLED, "always [madvise] never\n");
        final HostCheck.Finding madvise = find(new HostCheck(proc, sys).check(1_000), "transparent huge pages");
        assertEquals(HostCheck.Verdict.OK, madvise.verdict, madvise.toString());
        assertTrue(madvise.found.startsWith("madvise"), madvise.found);
    }

    @Test
    void shouldSayHowManyHugePagesToReserveWhileDamonRuns() throws IOException
    {
        write(proc, "meminfo", "MemAvailable:    1500000 kB\nHugePages_Total:       0\nHugePages_Free:        0\n" +
            "HugePages_Rsvd:        0\nHugepagesize:       2048 kB\n");
        final HostCheck.Finding quiet = find(new HostCheck(proc, sys).check(1_000), "reserved huge pages");
        assertEquals(HostCheck.Verdict.OK, quiet.verdict, quiet.toString());

        write(sys, DamonStatus.KDAMONDS + "/nr_kdamonds", "1\n");
        write(sys, DamonStatus.KDAMONDS + "/0/state", "on\n");
        final HostCheck.Finding none = find(new HostCheck(proc, sys).check(1_000), "reserved huge pages");
        assertEquals(HostCheck.Verdict.WARN, none.verdict, none.toString());
        final long pages = ReservedHugePages.bytesNeeded(HostCheck.BASE_BYTES) / (2 << 20);
        assertTrue(none.advice.contains("vm.nr_hugepages=" + pages + " "), none.advice);

        write(proc, "meminfo", "MemAvailable:    1500000 kB\nHugePages_Total:    " + pages + "\nHugePages_Free:    " +
            pages + "\nHugePages_Rsvd:        0\nHugepagesize:       2048 kB\n");
        final HostCheck.Finding room = find(new HostCheck(proc, sys).check(1_000), "reserved huge pages");
        assertEquals(HostCheck.Verdict.OK, room.verdict, room.toString());
        assertTrue(room.found.contains("a fixed heap of up to 1024 MiB"), room.found);
    }

    @Test
    void shouldReadTheMarkedWordOfASysfsChoice()
    {
        assertEquals("always", HostCheck.selected("[always] madvise never"));
        assertEquals("never", HostCheck.selected("always madvise [never]\n"));
        assertEquals("madvise", HostCheck.selected(" madvise \n"));
        assertEquals("always [madvise never", HostCheck.selected("always [madvise never"));
    }

    private static HostCheck.Finding find(final List<HostCheck.Finding> findings, final String setting)
    {
        return findings.stream().filter(finding -> finding.setting.equals(setting)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + setting + " in " + findings));
    }

    private static void write(final Path root, final String file, final String text) throws IOException
    {
        final Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text, StandardCharsets.UTF_8);
    }

    /** The hard limit as a shell started by this JVM sees it: the same limit, read another way. */
    private static long hardLimitFromTheShell() throws Exception
    {
        final Process shell = new ProcessBuilder("sh", "-c", "ulimit -Hn").start();
        final String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, shell.waitFor());
        return "unlimited".equals(out) ? Long.MAX_VALUE : Long.parseLong(out);
    }
}
