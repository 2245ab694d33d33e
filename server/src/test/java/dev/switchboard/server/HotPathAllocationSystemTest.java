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
 * The steady message path (send, journal, deliver, ack, receipt, ack), 1:1 and to a group, allocates nothing on the
 * server's threads: pollers and ring stages, measured with the JVM's per-thread allocation counters.
 */
@Timeout(300)
class HotPathAllocationSystemTest
{
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 50_000;
    private static final int BATCH = 50;
    private static final int GROUP_MEMBERS = 16;
    private static final int GROUP_WARM_UP = 1_000;
    private static final int GROUP_MEASURED = 2_000;
    /**
     * One group message at a time: every queue then holds at most 15 records (the sender's receipts), under the 16 a
     * journal queue starts with. Bursts past that regrow queues whenever the journal's pool of emptied queues hands a
     * large one to another recipient: the journal's allocation, not the group path's.
     */
    private static final int GROUP_BATCH = 1;

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

    @Test
    void shouldNotAllocatePerGroupMessageOrMemberOnServerThreads() throws IOException
    {
        // Ring stages on threads of their own, the route and delivery stages (the group path) measured apart from the
        // poller, whose JDK epoll selector boxes the descriptor of every ready socket above 127 (an Integer per
        // readiness event), and from the session stage, whose housekeeping tick iterates a map.
        server = TestServer.launch(
            dataDir,
            RingConfiguration.FRAMES_PER_SECOND_PROP_NAME + "=10000000",
            "switchboard.layout=threads",
            RingConfiguration.FUSED_PROP_NAME + "=false");
        final TestConnection alice = server.device("+15551291000");
        final TestConnection[] members = new TestConnection[GROUP_MEMBERS - 1];
        for (int i = 0; i < members.length; i++)
        {
            members[i] = server.device(String.format("+1555129%04d", i + 1));
        }
        final long groupId = GroupSystemTest.create(alice, "hot", members);

        groupExchange(alice, members, groupId, 0, GROUP_WARM_UP);
        final long before = threadAllocatedBytes(false, false);
        groupExchange(alice, members, groupId, GROUP_WARM_UP, GROUP_WARM_UP + GROUP_MEASURED);
        final long allocated = threadAllocatedBytes(false, false) - before;

        final double perCopy = (double)allocated / ((long)GROUP_MEASURED * members.length);
        System.out.printf("route and delivery stages allocated %,d bytes over %,d group messages to %d members: " +
            "%.3f B/copy%n", allocated, GROUP_MEASURED, members.length, perCopy);
        assertTrue(perCopy < 0.05, "bytes per delivered copy on the route and delivery stages: " + perCopy);
    }

    /**
     * Group sends in batches; every member acks every Deliver, the sender every DELIVERED receipt.
     */
    private static void groupExchange(
        final TestConnection alice, final TestConnection[] members, final long groupId, final int first, final int end)
        throws IOException
    {
        final byte[] payload = new byte[100];
        for (int batchStart = first; batchStart < end; batchStart += GROUP_BATCH)
        {
            for (int i = batchStart; i < batchStart + GROUP_BATCH; i++)
            {
                alice.sendGroup(i + 1, groupId, payload);
            }
            for (final TestConnection member : members)
            {
                for (int i = 0; i < GROUP_BATCH; i++)
                {
                    member.ack(member.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
                }
            }
            int sentAcks = 0;
            int receipts = 0;
            while (sentAcks < GROUP_BATCH || receipts < GROUP_BATCH * members.length)
            {
                final TestConnection.Frame frame = alice.read();
                if (SentAckDecoder.TEMPLATE_ID == frame.templateId())
                {
                    sentAcks++;
                }
                else
                {
                    assertTrue(ReceiptDecoder.TEMPLATE_ID == frame.templateId());
                    alice.ack(frame.receipt().messageId());
                    receipts++;
                }
            }
        }
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
        return threadAllocatedBytes(true);
    }

    private static long threadAllocatedBytes(final boolean withPollers)
    {
        return threadAllocatedBytes(withPollers, true);
    }

    private static long threadAllocatedBytes(final boolean withPollers, final boolean withSession)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            final String name = thread.getName();
            if ((withSession && name.startsWith("sb-session")) || name.startsWith("sb-route") ||
                name.startsWith("sb-delivery") || (withPollers && name.contains("edge-poller")))
            {
                total += threads.getThreadAllocatedBytes(thread.getId());
            }
        }
        return total;
    }
}
