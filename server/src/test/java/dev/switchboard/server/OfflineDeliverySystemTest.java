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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(180)
class OfflineDeliverySystemTest
{
    private static final int PER_SENDER = 5_000;
    private static final int SENT_WHILE_OFFLINE = 4_000;
    private static final int BATCH = 100;

    @TempDir
    File dataDir;

    private TestServer server;

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldDeliverTenThousandOfflineMessagesFromTwoSendersOnceAndInOrderWithLiveOnesAfter() throws Exception
    {
        // Two senders at full speed: lift the per-connection frame budget for this server.
        server = TestServer.launch(dataDir, RingConfiguration.FRAMES_PER_SECOND_PROP_NAME + "=10000000");
        final TestConnection alice = server.device("+15551240001");
        final TestConnection carol = server.device("+15551240003");
        final TestConnection bob = server.device("+15551240002");
        bob.close();

        send(alice, bob.userId, "a", 0, SENT_WHILE_OFFLINE);
        send(carol, bob.userId, "c", 0, SENT_WHILE_OFFLINE);

        // Bob comes back while both keep sending: backlog first, then live messages, order kept per sender.
        final TestConnection bobAgain = server.connect();
        bobAgain.keyPair = bob.keyPair;
        bobAgain.userId = bob.userId;
        bobAgain.deviceId = bob.deviceId;
        final CompletableFuture<Map<String, List<Integer>>> received = CompletableFuture.supplyAsync(() ->
            receive(bobAgain, 2 * PER_SENDER));
        final CompletableFuture<Void> aliceLive = CompletableFuture.runAsync(() ->
            sendUnchecked(alice, bob.userId, "a", SENT_WHILE_OFFLINE, PER_SENDER));
        final CompletableFuture<Void> carolLive = CompletableFuture.runAsync(() ->
            sendUnchecked(carol, bob.userId, "c", SENT_WHILE_OFFLINE, PER_SENDER));

        aliceLive.get(120, TimeUnit.SECONDS);
        carolLive.get(120, TimeUnit.SECONDS);
        final Map<String, List<Integer>> bySender = received.get(120, TimeUnit.SECONDS);

        for (final String sender : new String[]{ "a", "c" })
        {
            final List<Integer> sequence = bySender.get(sender);
            assertEquals(PER_SENDER, sequence.size(), sender);
            for (int i = 0; i < PER_SENDER; i++)
            {
                assertEquals(i, sequence.get(i), sender + " out of order at " + i);
            }
        }
    }

    private Map<String, List<Integer>> receive(final TestConnection bob, final int expected)
    {
        try
        {
            bob.login();
            final Map<String, List<Integer>> bySender = new HashMap<>();
            final Set<Long> messageIds = new HashSet<>();
            while (messageIds.size() < expected)
            {
                final DeliverDecoder deliver = bob.expect(DeliverDecoder.TEMPLATE_ID).deliver();
                final long messageId = deliver.messageId();
                final byte[] payload = new byte[deliver.payloadLength()];
                deliver.getPayload(payload, 0, payload.length);
                assertTrue(messageIds.add(messageId), "delivered twice: " + messageId);
                final String text = new String(payload, StandardCharsets.UTF_8);
                final int colon = text.indexOf(':');
                bySender.computeIfAbsent(text.substring(0, colon), key -> new ArrayList<>())
                    .add(Integer.parseInt(text.substring(colon + 1)));
                bob.ack(messageId);
            }
            return bySender;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void sendUnchecked(
        final TestConnection from, final long toUserId, final String tag, final int first, final int end)
    {
        try
        {
            send(from, toUserId, tag, first, end);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Send in batches and wait for each batch's SENT, so neither side's socket buffers overflow.
     */
    private static void send(
        final TestConnection from, final long toUserId, final String tag, final int first, final int end)
        throws IOException
    {
        for (int batchStart = first; batchStart < end; batchStart += BATCH)
        {
            final int batchEnd = Math.min(end, batchStart + BATCH);
            for (int i = batchStart; i < batchEnd; i++)
            {
                from.send(i + 1, toUserId, 0, (tag + ":" + i).getBytes(StandardCharsets.UTF_8));
            }
            int expectedClientMsgId = batchStart + 1;
            while (expectedClientMsgId <= batchEnd)
            {
                final TestConnection.Frame frame = from.read();
                if (ReceiptDecoder.TEMPLATE_ID == frame.templateId())
                {
                    from.ack(frame.receipt().messageId()); // two ticks for earlier messages, interleaved
                    continue;
                }
                assertEquals(SentAckDecoder.TEMPLATE_ID, frame.templateId(), frame.toString());
                assertEquals(expectedClientMsgId++, frame.sentAck().clientMsgId());
            }
        }
    }
}
