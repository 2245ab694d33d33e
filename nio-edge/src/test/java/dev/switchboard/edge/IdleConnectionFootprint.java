package dev.switchboard.edge;

import org.agrona.concurrent.CachedNanoClock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures what an idle connection costs the server: heap, direct memory and resident set per connection, with
 * the clients in a child process so their sockets do not count. Run as a main for any count; a test runs it small.
 */
final class IdleConnectionFootprint
{
    record Result(int connections, double heapBytesPerConnection, double directBytesPerConnection,
        double residentBytesPerConnection)
    {
    }

    private IdleConnectionFootprint()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        final Result result = measure(count);
        System.out.printf(
            "connections=%d heap/conn=%.0f B direct/conn=%.0f B rss/conn=%.0f B%n",
            result.connections(),
            result.heapBytesPerConnection(),
            result.directBytesPerConnection(),
            result.residentBytesPerConnection());
    }

    static Result measure(final int count) throws Exception
    {
        final RecordingSink sink = new RecordingSink();
        final EdgeContext ctx = new EdgeContext()
            .bindAddress("127.0.0.1")
            .port(0)
            .maxConnections(count + 16)
            .outboundCapacity(1024 * 1024)
            .nanoClock(new CachedNanoClock());
        try (Edge edge = new Edge(ctx, sink, Throwable::printStackTrace))
        {
            final Process child = startClients(edge.boundPort(), count, 500);
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream toChild = child.getOutputStream())
            {
                // Warm up: the first connection loads classes and sizes the selector's tables.
                awaitBatch(reader, edge, sink, 500);
                final long heapBefore = usedHeap();
                final long directBefore = usedDirect();
                final long rssBefore = residentBytes();
                final int baseline = sink.opened.size();

                int opened = baseline;
                while (opened < count)
                {
                    toChild.write('\n');
                    toChild.flush();
                    opened = Math.min(count, opened + 500);
                    awaitBatch(reader, edge, sink, opened);
                }
                final int measured = sink.opened.size() - baseline;
                final long heapAfter = usedHeap();
                final long directAfter = usedDirect();
                final long rssAfter = residentBytes();

                // Keep the stream to the child open until here: closing it tells the clients to hang up.
                final Result result = new Result(
                    sink.opened.size(),
                    (heapAfter - heapBefore) / (double)measured,
                    (directAfter - directBefore) / (double)measured,
                    (rssAfter - rssBefore) / (double)measured);
                toChild.close();
                return result;
            }
            finally
            {
                child.destroy();
                child.waitFor();
            }
        }
    }

    private static void awaitBatch(
        final BufferedReader reader, final Edge edge, final RecordingSink sink, final int expected) throws IOException
    {
        final String line = reader.readLine();
        if (null == line || !line.startsWith("ready"))
        {
            throw new IllegalStateException("client process said: " + line);
        }
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        while (sink.opened.size() < expected)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("only " + sink.opened.size() + " of " + expected + " opened");
            }
            edge.acceptor().doWork();
            edge.poller(0).doWork();
        }
    }

    private static Process startClients(final int port, final int count, final int batch) throws IOException
    {
        final String classes = Path.of(IdleClients.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .toString();
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(classes);
        command.add(IdleClients.class.getName());
        command.add(Integer.toString(port));
        command.add(Integer.toString(count));
        command.add(Integer.toString(batch));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * The flags every Switchboard JVM gets, from the root pom's switchboard.jvm.flags property, else this JVM's own.
     */
    static List<String> jvmFlags() throws IOException
    {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (null != dir)
        {
            final Path pom = dir.resolve("pom.xml");
            if (Files.exists(pom))
            {
                final Matcher matcher = Pattern.compile("<switchboard.jvm.flags>([^<]+)</switchboard.jvm.flags>")
                    .matcher(Files.readString(pom));
                if (matcher.find())
                {
                    return Arrays.asList(matcher.group(1).trim().split("\\s+"));
                }
            }
            dir = dir.getParent();
        }

        final List<String> flags = new ArrayList<>();
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-Dchronicle"))
            {
                flags.add(argument);
            }
        }
        return flags;
    }

    private static long usedHeap()
    {
        final Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    /**
     * Direct memory in use once the cleaners of unreachable buffers, which run after a collection, have had a
     * moment to free them.
     */
    private static long usedDirect() throws InterruptedException
    {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            Thread.sleep(20);
            for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
            {
                if ("direct".equals(pool.getName()))
                {
                    used = Math.min(used, pool.getMemoryUsed());
                }
            }
        }
        return used;
    }

    private static long residentBytes() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
