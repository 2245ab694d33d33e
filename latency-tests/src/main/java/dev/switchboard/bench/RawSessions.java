package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Many peer connections from one thread: plain non-blocking sockets that each write a protocol's hello bytes and
 * read until its reply is complete, then sit idle (not read) until closed. A client library per connection would
 * cost threads per connection; this costs a socket and a few bytes. Connections are spread over loopback source
 * addresses (127.0.0.1, 127.0.0.2, ...) so ephemeral ports do not run out.
 */
final class RawSessions implements AutoCloseable
{
    /**
     * File descriptors a process keeps for itself (jars, selectors, pipes, logs) beside its connections.
     */
    static final int SPARE_FILES = 200;

    private static final int REPLY_BUFFER_LENGTH = 4096;

    private final InetSocketAddress server;
    private final List<InetAddress> sources;
    private final Handshake handshake;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Selector selector;
    private final Consumer<SelectionKey> onReady = this::onReady;
    private int inFlight;
    private long established;
    private long failed;
    private String firstFailure;
    private Histogram latency;

    RawSessions(final InetSocketAddress server, final List<InetAddress> sources, final Handshake handshake)
        throws IOException
    {
        this.server = server;
        this.sources = sources;
        this.handshake = handshake;
        this.selector = Selector.open();
    }

    /**
     * Loopback source addresses for this many connections: {@code requested} if positive, else one per 20,000.
     */
    static List<InetAddress> loopbackSources(final int connections, final int requested)
    {
        final int count = requested > 0 ? requested : Math.max(1, (connections + 19_999) / 20_000);
        final List<InetAddress> sources = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            try
            {
                sources.add(InetAddress.getByAddress(new byte[]{ 127, 0, 0, (byte)(1 + i) }));
            }
            catch (final UnknownHostException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        return sources;
    }

    /**
     * The soft limit on open files of a process (from /proc), or -1 when unknown.
     */
    static long openFileLimit(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"),
                StandardCharsets.US_ASCII))
            {
                if (line.startsWith("Max open files"))
                {
                    final String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
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
     * Fail clearly when this process or the server process cannot hold {@code connections} sockets.
     */
    static void checkOpenFiles(final int connections, final String serverName, final long serverPid)
    {
        final long own = openFileLimit(ProcessHandle.current().pid());
        if (own >= 0 && connections + SPARE_FILES > own)
        {
            throw new IllegalArgumentException("--connections " + connections + ": this client process may open " +
                own + " files (ulimit -n), so at most " + (own - SPARE_FILES) + " connections per run");
        }
        final long theirs = openFileLimit(serverPid);
        if (theirs >= 0 && connections + 50 > theirs)
        {
            throw new IllegalArgumentException("--connections " + connections + ": " + serverName + " may open " +
                theirs + " files (ulimit -n), so it can hold at most " + (theirs - 50) + " connections");
        }
    }

    /**
     * Open {@code count} more connections, at most {@code maxInFlight} handshaking at once, and wait until each has
     * its reply, failed, or the timeout passed; each handshake's connect-to-reply time goes to {@code latency}.
     *
     * @return the connections established by this call.
     */
    long open(final int count, final int maxInFlight, final Histogram latency, final long timeoutNs)
        throws IOException
    {
        this.latency = latency;
        final long before = established;
        final long deadlineNs = System.nanoTime() + timeoutNs;
        int next = 0;
        while ((next < count || inFlight > 0) && System.nanoTime() - deadlineNs < 0)
        {
            while (next < count && inFlight < maxInFlight)
            {
                start(channels.size());
                next++;
            }
            selector.select(onReady, 10);
        }
        for (final SelectionKey key : selector.keys())
        {
            if (key.isValid() && key.interestOps() != 0)
            {
                fail(key, "no reply within " + timeoutNs / 1_000_000 + " ms");
            }
        }
        failed += count - next;
        return established - before;
    }

    long established()
    {
        return established;
    }

    long failed()
    {
        return failed;
    }

    /**
     * The first failure's reason, or null.
     */
    String firstFailure()
    {
        return firstFailure;
    }

    private void start(final int index) throws IOException
    {
        final SocketChannel channel = SocketChannel.open();
        channels.add(channel);
        final Session session = new Session(handshake.hello(index));
        final InetAddress source = sources.get(index % sources.size());
        inFlight++;
        try
        {
            channel.configureBlocking(false);
            if (sources.size() > 1)
            {
                // With one source the kernel picks the port at connect, by the whole address pair; binding first
                // needs a port free for any destination, which gets slow as the range fills.
                channel.bind(new InetSocketAddress(source, 0));
            }
            session.startNs = System.nanoTime();
            if (channel.connect(server))
            {
                write(channel.register(selector, SelectionKey.OP_READ, session), channel, session);
            }
            else
            {
                channel.register(selector, SelectionKey.OP_CONNECT, session);
            }
        }
        catch (final IOException ex)
        {
            countFailure(channel, "connect from " + source.getHostAddress() + ": " + ex);
        }
    }

    private void onReady(final SelectionKey key)
    {
        final SocketChannel channel = (SocketChannel)key.channel();
        final Session session = (Session)key.attachment();
        try
        {
            if (key.isConnectable())
            {
                channel.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                write(key, channel, session);
            }
            if (key.isValid() && key.isWritable())
            {
                write(key, channel, session);
            }
            if (key.isValid() && key.isReadable())
            {
                read(key, channel, session);
            }
        }
        catch (final IOException ex)
        {
            fail(key, ex.toString());
        }
    }

    private static void write(final SelectionKey key, final SocketChannel channel, final Session session)
        throws IOException
    {
        channel.write(session.hello);
        key.interestOps(session.hello.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE :
            SelectionKey.OP_READ);
    }

    private void read(final SelectionKey key, final SocketChannel channel, final Session session) throws IOException
    {
        final int bytes = channel.read(session.reply);
        if (bytes < 0)
        {
            throw new IOException("closed by the server before its reply");
        }
        if (handshake.isComplete(session.reply))
        {
            BenchResult.record(latency, System.nanoTime() - session.startNs);
            established++;
            inFlight--;
            // Idle from here on: nothing more is read or written, and the buffers go.
            key.interestOps(0);
            key.attach(null);
        }
        else if (!session.reply.hasRemaining())
        {
            throw new IOException("reply longer than " + REPLY_BUFFER_LENGTH + " bytes without completing");
        }
    }

    private void fail(final SelectionKey key, final String reason)
    {
        key.cancel();
        countFailure((SocketChannel)key.channel(), reason);
    }

    private void countFailure(final SocketChannel channel, final String reason)
    {
        inFlight--;
        failed++;
        if (null == firstFailure)
        {
            firstFailure = reason;
        }
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // Already failed; the close is best effort.
        }
    }

    /**
     * Close every connection with a reset (linger 0): thousands of bench sockets left in TIME_WAIT would hold their
     * ports for a minute and slow or fail the next run's connects.
     */
    public void close()
    {
        for (final SocketChannel channel : channels)
        {
            try
            {
                if (channel.isOpen())
                {
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Closing is best effort: the server goes next.
            }
        }
        channels.clear();
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // As above.
        }
    }

    /**
     * What a connection writes once connected, and when the server's reply is complete.
     */
    interface Handshake
    {
        /**
         * The bytes connection {@code index} writes once connected.
         */
        ByteBuffer hello(int index);

        /**
         * Whether the bytes read so far (from 0 to the buffer's position) complete the reply.
         *
         * @throws IOException when they show a refusal.
         */
        boolean isComplete(ByteBuffer reply) throws IOException;
    }

    private static final class Session
    {
        final ByteBuffer hello;
        final ByteBuffer reply = ByteBuffer.allocate(REPLY_BUFFER_LENGTH);
        long startNs;

        Session(final ByteBuffer hello)
        {
            this.hello = hello;
        }
    }
}
