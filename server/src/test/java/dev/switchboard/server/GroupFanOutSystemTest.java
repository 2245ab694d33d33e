package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.GroupEventDecoder;
import dev.switchboard.codec.sbe.GroupInfoDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.journal.JournalConfiguration;
import dev.switchboard.journal.JournalCounters;
import dev.switchboard.ring.RingConfiguration;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A group of 1,024 members, a third of them offline, two of them sending: every device gets every message exactly
 * once and in each sender's order, those that come back mid-stream and those that come back at the end alike; every
 * copy earns its sender a DELIVERED receipt; the journal holds one record per message, 8 bytes per device.
 */
@Timeout(180)
class GroupFanOutSystemTest
{
    private static final int MEMBERS = 1024;
    private static final int MESSAGES_PER_SENDER = 10;
    private static final int PAYLOAD_LENGTH = 1024;

    @TempDir
    File dataDir;

    private TestServer server;
    private CountersFile counters;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(counters, server);
    }

    @Test
    void shouldFanOutToAThousandMembersOnlineAndOffline() throws IOException
    {
        // Every test device registers from 127.0.0.1: lift the per-address registration limit for this server only.
        server = TestServer.launch(
            dataDir,
            TestServer.loopback()
                .idleTimeoutNs(TimeUnit.MINUTES.toNanos(10))
                .deadTimeoutNs(TimeUnit.MINUTES.toNanos(20)),
            RingConfiguration.CODES_PER_ADDRESS_PROP_NAME + "=" + MEMBERS,
            // each sender reads its 10,230 receipts only at the end: above the default cap of a recipient's queue
            JournalConfiguration.MAX_RECORDS_PER_RECIPIENT_PROP_NAME + "=" + 100_000);
        counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME));

        final long startNs = System.nanoTime();
        final List<TestConnection> devices = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++)
        {
            devices.add(server.device(String.format("+1556%07d", i)));
        }
        final long registeredNs = System.nanoTime();

        final TestConnection alice = devices.get(0);
        final TestConnection bob = devices.get(1);
        final long[] others = new long[MEMBERS - 1];
        for (int i = 1; i < MEMBERS; i++)
        {
            others[i - 1] = devices.get(i).userId;
        }
        alice.groupCreate(1, "everyone", others);
        final GroupInfoDecoder info = alice.expect(GroupInfoDecoder.TEMPLATE_ID).groupInfo();
        final long groupId = info.groupId();
        assertEquals(MEMBERS, info.members().count());
        for (int i = 1; i < MEMBERS; i++)
        {
            final GroupEventDecoder event = devices.get(i).expect(GroupEventDecoder.TEMPLATE_ID).groupEvent();
            assertEquals(groupId, event.groupId());
            devices.get(i).ack(event.messageId());
        }

        // A third go offline: every third member from the third on (alice and bob, the senders, stay).
        final List<Integer> offline = new ArrayList<>();
        for (int i = 2; i < MEMBERS; i += 3)
        {
            devices.get(i).close();
            offline.add(i);
        }
        final long bytesBefore = counters.value(JournalCounters.BYTES_APPENDED_LABEL, -1);
        final long appendsBefore = counters.value(JournalCounters.APPENDS_LABEL, -1);

        final int[][] received = new int[MEMBERS][2]; // per device, per sender: messages seen so far
        final int half = MESSAGES_PER_SENDER / 2;
        for (int m = 0; m < half; m++)
        {
            send(alice, bob, groupId, m);
        }
        // Half the offline come back mid-stream: they drain the first half while the second half arrives.
        final List<Integer> stillOffline = new ArrayList<>();
        for (int k = 0; k < offline.size(); k++)
        {
            final int index = offline.get(k);
            if (0 == (k & 1))
            {
                final TestConnection again = server.again(devices.get(index));
                devices.set(index, again);
            }
            else
            {
                stillOffline.add(index);
            }
        }
        for (int m = half; m < MESSAGES_PER_SENDER; m++)
        {
            send(alice, bob, groupId, m);
        }
        final long sentNs = System.nanoTime();

        // Journal: one record per message, holding the payload once and 8 bytes per member device.
        final long messages = 2L * MESSAGES_PER_SENDER;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counters.value(JournalCounters.APPENDS_LABEL, -1) - appendsBefore < messages &&
            System.nanoTime() - deadlineNs < 0)
        {
            Thread.onSpinWait(); // the sends are pipelined: wait for the ring to journal them all
        }
        assertEquals(messages, counters.value(JournalCounters.APPENDS_LABEL, -1) - appendsBefore);
        final long bytes = counters.value(JournalCounters.BYTES_APPENDED_LABEL, -1) - bytesBefore;
        final double bytesPerCopy = bytes / (double)(messages * (MEMBERS - 1));
        System.out.printf("group fan-out: %d messages of %d B to %d devices (%d offline): %d journal bytes, " +
            "%.1f B per device per message; registering %d devices took %d ms%n",
            messages, PAYLOAD_LENGTH, MEMBERS - 1, offline.size(), bytes, bytesPerCopy, MEMBERS,
            TimeUnit.NANOSECONDS.toMillis(registeredNs - startNs));
        assertTrue(bytesPerCopy < 10.0, "8 bytes per device and the payload's share: " + bytesPerCopy);

        for (int i = 2; i < MEMBERS; i++)
        {
            if (!stillOffline.contains(i))
            {
                receiveAll(devices.get(i), alice, bob, received[i]);
            }
        }
        // bob is a member too: alice's messages reach him, his own do not come back
        receiveFrom(bob, alice, received[1]);

        for (final int index : stillOffline)
        {
            final TestConnection again = server.again(devices.get(index));
            devices.set(index, again);
            receiveAll(again, alice, bob, received[index]);
        }

        // Every copy earns its sender a DELIVERED receipt: alice from all but herself, bob from all but himself.
        // alice reads and acks bob's messages on the way, earning bob his receipts from her.
        assertEquals((long)(MEMBERS - 1) * MESSAGES_PER_SENDER, countDelivered(alice, MESSAGES_PER_SENDER));
        assertEquals((long)(MEMBERS - 1) * MESSAGES_PER_SENDER, countDelivered(bob, 0));
        System.out.printf("group fan-out: sent in %d ms, all delivered and receipted in %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(sentNs - registeredNs),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs));
    }

    private static void send(final TestConnection alice, final TestConnection bob, final long groupId, final int m)
        throws IOException
    {
        alice.sendGroup(1000 + m, groupId, payload(0, m));
        bob.sendGroup(2000 + m, groupId, payload(1, m));
    }

    private static byte[] payload(final int sender, final int sequence)
    {
        final byte[] payload = new byte[PAYLOAD_LENGTH];
        ByteBuffer.wrap(payload).putInt(sender).putInt(sequence);
        return payload;
    }

    /**
     * Read both senders' messages, each exactly once and in its sender's order, acking each; nothing else comes.
     */
    private static void receiveAll(
        final TestConnection device, final TestConnection alice, final TestConnection bob, final int[] received)
        throws IOException
    {
        while (received[0] < MESSAGES_PER_SENDER || received[1] < MESSAGES_PER_SENDER)
        {
            final TestConnection.Frame frame = device.read();
            if (LoginAckDecoder.TEMPLATE_ID == frame.templateId())
            {
                continue;
            }
            final DeliverDecoder deliver = frame.deliver();
            assertEquals(DeliverDecoder.TEMPLATE_ID, frame.templateId(), frame.toString());
            final byte[] payload = new byte[deliver.payloadLength()];
            deliver.getPayload(payload, 0, payload.length);
            final ByteBuffer content = ByteBuffer.wrap(payload);
            final int sender = content.getInt();
            final int sequence = content.getInt();
            assertEquals(0 == sender ? alice.userId : bob.userId, deliver.from().userId());
            assertEquals(received[sender], sequence, "exactly once, in the sender's order");
            received[sender]++;
            device.ack(deliver.messageId());
        }
    }

    private static void receiveFrom(final TestConnection device, final TestConnection sender, final int[] received)
        throws IOException
    {
        while (received[0] < MESSAGES_PER_SENDER)
        {
            final TestConnection.Frame frame = device.read();
            if (DeliverDecoder.TEMPLATE_ID != frame.templateId())
            {
                continue; // its own SentAcks and receipts: counted later
            }
            final DeliverDecoder deliver = frame.deliver();
            assertEquals(sender.userId, deliver.from().userId());
            final byte[] payload = new byte[deliver.payloadLength()];
            deliver.getPayload(payload, 0, payload.length);
            assertEquals(received[0]++, ByteBuffer.wrap(payload).getInt(4));
            device.ack(deliver.messageId());
        }
    }

    /**
     * Count the sender's DELIVERED receipts, acking each, and ack the other sender's messages still unread.
     */
    private static long countDelivered(final TestConnection sender, final int unreadMessages) throws IOException
    {
        final long expected = (long)(MEMBERS - 1) * MESSAGES_PER_SENDER;
        long delivered = 0;
        int messages = 0;
        while (delivered < expected || messages < unreadMessages)
        {
            final TestConnection.Frame frame = sender.read();
            if (ReceiptDecoder.TEMPLATE_ID == frame.templateId())
            {
                final ReceiptDecoder receipt = frame.receipt();
                assertEquals(ReceiptType.DELIVERED, receipt.receiptType());
                delivered++;
                sender.ack(receipt.messageId());
            }
            else if (DeliverDecoder.TEMPLATE_ID == frame.templateId())
            {
                messages++;
                sender.ack(frame.deliver().messageId());
            }
        }
        sender.expectSilence(200);
        return delivered;
    }
}
