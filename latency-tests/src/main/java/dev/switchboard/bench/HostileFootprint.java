package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What hostile connections cost a server while they sit there, before their deadlines close them: resident memory
 * (RssAnon and RssFile from /proc/PID/status), the kernel's TCP memory (/proc/net/sockstat) and the server's CPU.
 * Starts a built server (./switchboard builds it) with the login, frame and write deadlines at 600 s so the
 * connections stay for the measurement, opens them from client JVMs each with its own loopback source address, and
 * after the measurement lowers nothing: it reports and stops everything.
 * <p>
 * Arguments: kind (idle, partial, never-reading), count, connections per client process (below the open-file
 * limit), server home (the checkout holding the built server).
 */
public final class HostileFootprint
{
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private HostileFootprint()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String kind = args[0];
        final int count = Integer.parseInt(args[1]);
        final int perProcess = Integer.parseInt(args[2]);
        final File serverHome = new File(args.length > 3 ? args[3] : ".").getAbsoluteFile();
        final File workDir = Files.createTempDirectory("hostile-footprint").toFile();

        final List<String> jvmOptions = List.of(
            "-Dswitchboard.edge.login.timeout=600s",
            "-Dswitchboard.edge.frame.timeout=600s",
            "-Dswitchboard.edge.write.timeout=600s",
            "-Dswitchboard.edge.idle.timeout=600s",
            "-Dswitchboard.edge.dead.timeout=1200s");
        try (ServerProcess server = ServerProcess.start(
            serverHome, new File(workDir, "data"), "balanced", jvmOptions, new File(workDir, "server.log"),
            CpuAffinity.none()))
        {
            final long pid = server.pid();
            Thread.sleep(3_000);
            final long[] before = memory(pid);
            final long tcpPagesBefore = tcpMemoryPages();
            final double[] cpuBefore = cpuCores(pid, 5_000);

            final List<Process> clients = new ArrayList<>();
            final long startNs = System.nanoTime();
            int opened = 0;
            for (int from = 0, index = 0; from < count; from += perProcess, index++)
            {
                final List<String> command = new ArrayList<>();
                command.add(ServerProcess.javaExecutable());
                command.addAll(JvmFlags.forChild(serverHome));
                command.add("-Xmx256m");
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(HostileClients.class.getName());
                command.add("127.0.0.1");
                command.add(Integer.toString(server.port()));
                command.add(kind);
                command.add(Integer.toString(Math.min(perProcess, count - from)));
                command.add("127.0.0." + (2 + index));
                final Process client = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
                clients.add(client);
                final String line = new BufferedReader(
                    new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (null == line || !line.startsWith("ready "))
                {
                    throw new IllegalStateException("client failed: " + line);
                }
                opened += Integer.parseInt(line.substring(6));
            }
            final long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            Thread.sleep(5_000);
            final long[] loaded = memory(pid);
            final long tcpPagesLoaded = tcpMemoryPages();
            final double[] cpuLoaded = cpuCores(pid, 10_000);

            System.out.printf("kind=%s connections=%d opened-in=%d ms%n", kind, opened, openMs);
            System.out.printf("server RssAnon %,d -> %,d kB (%+.0f B/conn), RssFile %,d -> %,d kB (%+.0f B/conn)%n",
                before[0], loaded[0], (loaded[0] - before[0]) * 1024.0 / opened,
                before[1], loaded[1], (loaded[1] - before[1]) * 1024.0 / opened);
            System.out.printf("kernel TCP memory %,d -> %,d pages (%+.0f B/conn)%n",
                tcpPagesBefore, tcpPagesLoaded, (tcpPagesLoaded - tcpPagesBefore) * 4096.0 / opened);
            System.out.printf("server CPU (user + system) %.3f + %.3f cores before (5 s), " +
                "%.3f + %.3f cores with them (10 s)%n", cpuBefore[0], cpuBefore[1], cpuLoaded[0], cpuLoaded[1]);

            for (final Process client : clients)
            {
                final OutputStream stdin = client.getOutputStream();
                stdin.close();
                client.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    /** User and system CPU of the process over the interval, in cores. */
    private static double[] cpuCores(final long pid, final long millis) throws InterruptedException, IOException
    {
        final long[] start = cpuTicks(pid);
        final long startNs = System.nanoTime();
        Thread.sleep(millis);
        final long[] end = cpuTicks(pid);
        final double elapsedTicks = (System.nanoTime() - startNs) / 1e9 * CLOCK_TICKS_PER_SECOND;
        return new double[]{ (end[0] - start[0]) / elapsedTicks, (end[1] - start[1]) / elapsedTicks };
    }

    /** utime and stime, in clock ticks, from /proc/PID/stat. */
    private static long[] cpuTicks(final long pid) throws IOException
    {
        final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{ Long.parseLong(fields[11]), Long.parseLong(fields[12]) };
    }

    /** RssAnon and RssFile in kB. */
    private static long[] memory(final long pid) throws IOException
    {
        final long[] kb = new long[2];
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
        {
            if (line.startsWith("RssAnon:"))
            {
                kb[0] = Long.parseLong(line.substring(8).replace("kB", "").trim());
            }
            else if (line.startsWith("RssFile:"))
            {
                kb[1] = Long.parseLong(line.substring(8).replace("kB", "").trim());
            }
        }
        return kb;
    }

    /** Pages of memory held by TCP sockets, system wide ("TCP: ... mem N" in /proc/net/sockstat). */
    private static long tcpMemoryPages() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/net/sockstat")))
        {
            if (line.startsWith("TCP:"))
            {
                final String[] fields = line.trim().split("\\s+");
                for (int i = 0; i < fields.length - 1; i++)
                {
                    if ("mem".equals(fields[i]))
                    {
                        return Long.parseLong(fields[i + 1]);
                    }
                }
            }
        }
        return -1;
    }
}
