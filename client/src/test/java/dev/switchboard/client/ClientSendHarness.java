package dev.switchboard.client;

import org.agrona.IoUtil;

import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Measures the client's send path against the loopback {@link FakeServer}: the round trip from {@code send} to
 * {@code onSent} one message at a time, and pipelined sends per second: pending sends as files, forced to disk or
 * not, and held in memory only. The fake server is blocking and allocating, so the figures bound the client from
 * above, not the server.
 * <p>
 * Run: {@code java <switchboard.jvm.flags> -cp <test classpath> dev.switchboard.client.ClientSendHarness [count]}
 */
final class ClientSendHarness
{
    private ClientSendHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        run(true, false, count);
        run(true, true, Math.max(100, count / 20));
        run(false, false, count);
    }

    private static void run(final boolean persist, final boolean sync, final int count) throws Exception
    {
        final File dir = Files.createTempDirectory("switchboard-client-harness").toFile();
        final BlockingQueue<Long> sent = new LinkedBlockingQueue<>();
        final ClientListener listener = new ClientListener()
        {
            public void onSent(final long clientMsgId, final long messageId, final long timestampMs)
            {
                sent.add(clientMsgId);
            }
        };
        try (FakeServer server = new FakeServer();
            SwitchboardClient client = SwitchboardClient.open(new ClientContext()
                .port(server.port())
                .storeDir(dir)
                .listener(listener)
                .storeSync(sync)
                .persistPending(persist)))
        {
            client.requestCode("+15550009999").get(10, TimeUnit.SECONDS);
            client.verify("+15550009999", FakeServer.CODE).get(10, TimeUnit.SECONDS);
            client.login().get(10, TimeUnit.SECONDS);
            final byte[] payload = new byte[100];

            roundTrips(client, sent, payload, count / 4);
            final long[] roundTripNs = roundTrips(client, sent, payload, count);
            Arrays.sort(roundTripNs);

            final long startNs = System.nanoTime();
            for (int i = 0; i < count; i++)
            {
                client.send(2, 0, payload);
            }
            for (int i = 0; i < count; i++)
            {
                sent.take();
            }
            final long elapsedNs = System.nanoTime() - startNs;
            server.sends.clear();

            System.out.printf(
                "persistPending=%s storeSync=%s count=%d send->onSent round trip us: " +
                "p50=%.1f p90=%.1f p99=%.1f max=%.1f; " +
                "pipelined %.0f sends/s%n",
                persist,
                sync,
                count,
                roundTripNs[count / 2] / 1000.0,
                roundTripNs[(int)(count * 0.9)] / 1000.0,
                roundTripNs[(int)(count * 0.99)] / 1000.0,
                roundTripNs[count - 1] / 1000.0,
                count / (elapsedNs / 1e9));
        }
        finally
        {
            IoUtil.delete(dir, true);
        }
    }

    private static long[] roundTrips(
        final SwitchboardClient client, final BlockingQueue<Long> sent, final byte[] payload, final int count)
        throws InterruptedException
    {
        final long[] roundTripNs = new long[count];
        for (int i = 0; i < count; i++)
        {
            final long startNs = System.nanoTime();
            client.send(2, 0, payload);
            sent.take();
            roundTripNs[i] = System.nanoTime() - startNs;
        }
        return roundTripNs;
    }
}
