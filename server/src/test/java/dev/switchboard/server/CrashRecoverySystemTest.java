package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server runs in a child JVM that is killed with SIGKILL between SENT and delivery; after a restart on the same
 * data folder every acknowledged message arrives, once and in order.
 */
@Timeout(180)
class CrashRecoverySystemTest
{
    private static final int MESSAGES = 500;

    @TempDir
    File dataDir;

    private ChildServer server;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldDeliverEverySentMessageOnceAfterKillNine() throws Exception
    {
        final int port = ChildServer.freePort();
        server = ChildServer.start(dataDir, port);

        final TestConnection alice = ChildServer.registered(dataDir, port, "+15551250001");
        final TestConnection bob = ChildServer.registered(dataDir, port, "+15551250002");
        bob.close();

        // Half the messages acked before the crash have been delivered to nobody; the rest never reached a socket.
        for (int i = 0; i < MESSAGES; i++)
        {
            alice.send(i + 1, bob.userId, 0, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < MESSAGES; i++)
        {
            assertEquals(i + 1, alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().clientMsgId());
        }

        server.killNine();
        alice.close();

        server = ChildServer.start(dataDir, port);
        final TestConnection bobAgain = ChildServer.reconnect(port, bob);
        final LoginAckDecoder loginAck = bobAgain.login();
        assertEquals(MESSAGES, loginAck.pendingCount());

        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++)
        {
            final DeliverDecoder deliver = bobAgain.expect(DeliverDecoder.TEMPLATE_ID).deliver();
            final byte[] payload = new byte[deliver.payloadLength()];
            deliver.getPayload(payload, 0, payload.length);
            assertEquals("m" + i, new String(payload, StandardCharsets.UTF_8));
            assertTrue(seen.add(deliver.messageId()));
            bobAgain.ack(deliver.messageId());
        }

        // A resend of an acknowledged message after the restart is still recognised.
        final TestConnection aliceAgain = ChildServer.reconnect(port, alice);
        aliceAgain.login();
        aliceAgain.send(MESSAGES, bob.userId, 0, ("m" + (MESSAGES - 1)).getBytes(StandardCharsets.UTF_8));
        TestConnection.Frame frame = aliceAgain.read();
        while (SentAckDecoder.TEMPLATE_ID != frame.templateId())
        {
            frame = aliceAgain.read(); // DELIVERED receipts for the backlog come first
        }
        assertTrue(seen.contains(frame.sentAck().messageId()), "resend answered with its original id");
        bobAgain.close();
        aliceAgain.close();
    }
}
