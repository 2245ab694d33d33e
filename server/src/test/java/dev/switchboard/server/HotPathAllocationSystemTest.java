package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.ring.RingConfiguration;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steady message path (send, journal, deliver, ack, receipt, ack) allocates nothing on the server's threads:
 * pollers and ring stages, measured with the JVM's per-thread allocation counters.
 */
@Timeout(300)
class HotPathAllocationSystemTest
{
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 50_000;
    private static final int BATCH = 50;

    @TempDir
    File dataDir;

    private TestServer server;

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldNotAllocatePerMessageOnServerThreads() throws IOException
    {
        // One sender at full speed: lift the per-connection frame budget for this server.
        server = TestServer.launch(dataDir, RingConfiguration.FRAMES_PER_SECOND_PROP_NAME + "=10000000");
        final TestConnection alice = server.device("+15551290001");
        final TestConnection bob = server.device("+15551290002");

        exchange(alice, bob, 0, WARM_UP);
        final long before = serverThreadAllocatedBytes();
        exchange(alice, bob, WARM_UP, WARM_UP + MEASURED);
        final long allocated = serverThreadAllocatedBytes() - before;

        final double perMessage = (double)allocated / MEASURED;
        System.out.printf("server threads allocated %,d bytes over %,d messages: %.3f B/message%n",
            allocated, MEASURED, perMessage);
        assertTrue(perMessage < 1.0, "bytes per message on server threads: " + perMessage);
    }

    private static void exchange(final TestConnection alice, final TestConnection bob, final int first, final int end)
        throws IOException
    {
        final byte[] payload = new byte[100];
        for (int batchStart = first; batchStart < end; batchStart += BATCH)
        {
            for (int i = batchStart; i < batchStart + BATCH; i++)
            {
                alice.send(i + 1, bob.userId, 0, payload);
            }
            for (int i = 0; i < BATCH; i++)
            {
                bob.ack(bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
            }
            int sentAcks = 0;
            int receipts = 0;
            while (sentAcks < BATCH || receipts < BATCH)
            {
                final TestConnection.Frame frame = alice.read();
                if (SentAckDecoder.TEMPLATE_ID == frame.templateId())
                {
                    sentAcks++;
                }
                else
                {
                    alice.ack(frame.receipt().messageId());
                    receipts++;
                    assertTrue(ReceiptDecoder.TEMPLATE_ID == frame.templateId());
                }
            }
        }
    }

    static long serverThreadAllocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            final String name = thread.getName();
            if (name.startsWith("sb-session") || name.startsWith("sb-route") || name.startsWith("sb-delivery") ||
                name.contains("edge-poller"))
            {
                total += threads.getThreadAllocatedBytes(thread.getId());
            }
        }
        return total;
    }
}
