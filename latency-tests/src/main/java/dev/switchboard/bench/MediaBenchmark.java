package dev.switchboard.bench;

import dev.switchboard.codec.MediaTickets;
import dev.switchboard.media.MediaContext;
import dev.switchboard.media.MediaCounters;
import dev.switchboard.media.MediaService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Media service throughput and memory on loopback, in one JVM: a 100 MiB blob uploaded (tus PATCH) and downloaded
 * (GET) over plain sockets, several times each (the first runs warm up), then 100 downloads at once while the heap
 * is sampled. The client side is raw sockets with one 256 KiB buffer each, so what the heap shows is the service.
 * <p>
 * {@code java -cp <latency-tests classpath> dev.switchboard.bench.MediaBenchmark [sizeMiB] [runs] [concurrent]}
 */
public final class MediaBenchmark
{
    private static final int COPY_BYTES = 256 * 1024;

    private final int port;
    private final byte[] secret;
    /** From the last byte of a PATCH written to its answer: the service's hash and store of the blob. */
    private long lastCommitNs;

    private MediaBenchmark(final int port, final byte[] secret)
    {
        this.port = port;
        this.secret = secret;
    }

    public static void main(final String[] args) throws Exception
    {
        final int sizeMiB = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        final int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final int concurrent = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        final long size = (long)sizeMiB << 20;
        final Path dir = Files.createTempDirectory("media-bench");
        final byte[] secret = new byte[MediaTickets.SECRET_LENGTH];
        new SecureRandom().nextBytes(secret);
        try (MediaService service = MediaService.launch(new MediaContext()
            .port(0).bindAddress("127.0.0.1").dataDir(dir.resolve("media").toFile()).secret(secret)
            .maxBytes(size).quotaBytesPerDay(Long.MAX_VALUE).threads(Math.max(32, concurrent + 8))))
        {
            final MediaBenchmark bench = new MediaBenchmark(service.port(), secret);
            final Path source = dir.resolve("source.bin");
            writeRandom(source, size);
            System.out.printf("media benchmark: %d MiB blob, %d runs, %d cores, max heap %d MiB, JDK %s%n",
                sizeMiB, runs, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
            hashAlone(source, size);
            String mediaId = null;
            for (int run = 0; run < runs; run++)
            {
                // a distinct blob each run: the same bytes would be stored once, but are still received and hashed
                stamp(source, run);
                final long startNs = System.nanoTime();
                mediaId = bench.upload(source, size);
                final long uploadNs = System.nanoTime() - startNs;
                final long downloadStartNs = System.nanoTime();
                final long received = bench.download(mediaId);
                final long downloadNs = System.nanoTime() - downloadStartNs;
                if (received != size)
                {
                    throw new IllegalStateException("downloaded " + received + " of " + size);
                }
                System.out.printf("run %d: upload %.0f MB/s (%.0f ms, of which %.0f ms after the last byte was " +
                    "written), download %.0f MB/s (%.0f ms)%n", run, mbPerS(size, uploadNs), uploadNs / 1e6,
                    bench.lastCommitNs / 1e6, mbPerS(size, downloadNs), downloadNs / 1e6);
            }
            if (concurrent > 0)
            {
                bench.concurrentDownloads(mediaId, size, concurrent);
            }
            final StringBuilder counters = new StringBuilder("media counters:");
            for (int id = 0; id < MediaCounters.size(); id++)
            {
                counters.append(' ').append(MediaCounters.label(id)).append('=').append(service.counters().get(id));
            }
            System.out.println(counters);
        }
        finally
        {
            try (Stream<Path> walk = Files.walk(dir))
            {
                walk.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
            }
        }
    }

    /** What one thread hashes, for scale: every upload is hashed once, as it streams in. */
    private static void hashAlone(final Path source, final long size) throws Exception
    {
        final byte[] block = Files.readAllBytes(source);
        for (int i = 0; i < 3; i++)
        {
            final long startNs = System.nanoTime();
            MessageDigest.getInstance("SHA-256").digest(block);
            System.out.printf("SHA-256 of the blob in memory, one thread: %.0f MB/s%n",
                mbPerS(size, System.nanoTime() - startNs));
        }
    }

    private void concurrentDownloads(final String mediaId, final long size, final int concurrent) throws Exception
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        final long idleHeap = memory.getHeapMemoryUsage().getUsed();
        final CountDownLatch done = new CountDownLatch(concurrent);
        final AtomicLong bytes = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        final long startNs = System.nanoTime();
        for (int i = 0; i < concurrent; i++)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    bytes.addAndGet(download(mediaId));
                }
                catch (final IOException ex)
                {
                    ex.printStackTrace();
                }
                finally
                {
                    done.countDown();
                }
            }, "bench-download-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        long maxUsed = 0;
        long maxAfterGc = 0;
        int samples = 0;
        while (done.getCount() > 0)
        {
            Thread.sleep(100);
            maxUsed = Math.max(maxUsed, memory.getHeapMemoryUsage().getUsed());
            if (++samples % 20 == 0)
            {
                System.gc(); // what stays reachable while every download is in flight
                maxAfterGc = Math.max(maxAfterGc, memory.getHeapMemoryUsage().getUsed());
            }
        }
        final long elapsedNs = System.nanoTime() - startNs;
        System.gc();
        final long afterHeap = memory.getHeapMemoryUsage().getUsed();
        System.out.printf("%d concurrent downloads of %d MiB: %.0f MB/s in total (%.1f s); heap used: idle %.1f MiB," +
            " peak %.1f MiB, peak after GC while serving %.1f MiB, after %.1f MiB%n", concurrent, size >> 20,
            mbPerS(bytes.get(), elapsedNs), elapsedNs / 1e9, idleHeap / 1048576.0, maxUsed / 1048576.0,
            maxAfterGc / 1048576.0, afterHeap / 1048576.0);
        if (bytes.get() != size * concurrent)
        {
            throw new IllegalStateException("downloaded " + bytes.get() + " of " + size * concurrent);
        }
    }

    private String upload(final Path source, final long size) throws IOException
    {
        final String ticket = ticket(size);
        final String location;
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(("POST /files/ HTTP/1.1\r\nHost: bench\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer " +
                ticket + "\r\nUpload-Length: " + size + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            location = header(readHead(socket.getInputStream()), "Location");
        }
        try (Socket socket = new Socket("127.0.0.1", port);
            FileChannel file = FileChannel.open(source, StandardOpenOption.READ))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: bench\r\nTus-Resumable: 1.0.0\r\nAuthorization: " +
                "Bearer " + ticket + "\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n" +
                "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final byte[] copy = new byte[COPY_BYTES];
            final ByteBuffer buffer = ByteBuffer.wrap(copy);
            int read;
            while ((read = file.read(buffer.clear())) > 0)
            {
                out.write(copy, 0, read);
            }
            out.flush();
            final long sentNs = System.nanoTime();
            final String head = readHead(socket.getInputStream());
            lastCommitNs = System.nanoTime() - sentNs;
            if (!head.startsWith("HTTP/1.1 204"))
            {
                throw new IOException("upload refused: " + head);
            }
            return header(head, "Media-Id");
        }
    }

    private long download(final String mediaId) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(("GET /media/" + mediaId + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String head = readHead(in);
            final long length = Long.parseLong(header(head, "Content-Length"));
            final byte[] copy = new byte[COPY_BYTES];
            long received = 0;
            int read;
            while (received < length && (read = in.read(copy)) > 0)
            {
                received += read;
            }
            return received;
        }
    }

    private String ticket(final long maxBytes)
    {
        final byte[] bytes = new byte[MediaTickets.LENGTH];
        new MediaTickets(secret).issue(1, 1, maxBytes, System.currentTimeMillis() + 600_000, new Random().nextLong(),
            bytes, 0);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String readHead(final InputStream in) throws IOException
    {
        final StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0)
        {
            head.append((char)c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4)
            {
                break;
            }
        }
        return head.toString();
    }

    private static String header(final String head, final String name)
    {
        for (final String line : head.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
            {
                return line.substring(colon + 1).trim();
            }
        }
        throw new IllegalStateException("no " + name + " in " + head);
    }

    private static void writeRandom(final Path file, final long size) throws IOException
    {
        final Random random = new Random(42);
        final byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file))
        {
            for (long left = size; left > 0; left -= chunk.length)
            {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int)Math.min(left, chunk.length));
            }
        }
    }

    private static void stamp(final Path file, final int run) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, run), 0);
        }
    }

    private static double mbPerS(final long bytes, final long ns)
    {
        return bytes / 1e6 / (ns / 1e9);
    }
}
