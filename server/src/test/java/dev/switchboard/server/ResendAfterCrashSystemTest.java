package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client resend with the same client message id gets the same server id and is not stored twice, even when the
 * server was killed with SIGKILL after the SENT ack, whether or not the message had been delivered by then; under
 * every sync policy.
 */
@Timeout(120)
class ResendAfterCrashSystemTest
{
    private static final long CLIENT_MSG_ID = 41;
    private static final byte[] PAYLOAD = "only once".getBytes(StandardCharsets.UTF_8);
    private static final int SILENCE_MS = 300;

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

    @ParameterizedTest
    @ValueSource(strings = { "none", "batch", "always" })
    void shouldAnswerAResendAfterKillNineBeforeDeliveryWithTheOriginalId(final String syncPolicy) throws Exception
    {
        final int port = ChildServer.freePort();
        server = ChildServer.start(dataDir, port, "switchboard.journal.sync=" + syncPolicy);
        final TestConnection alice = ChildServer.registered(dataDir, port, "+15551260001");
        final TestConnection bob = ChildServer.registered(dataDir, port, "+15551260002");
        bob.close();

        alice.send(CLIENT_MSG_ID, bob.userId, 0, PAYLOAD);
        final long messageId = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();
        alice.close(); // gone right after the tick, as a phone losing its network

        server.killNine();
        server = ChildServer.start(dataDir, port, "switchboard.journal.sync=" + syncPolicy);
        assertTrue(server.startLine("journal recovered").contains(
            "and 1 resend-dedupe entries (0 more held in memory, 0 torn slots)"), server.startLines.toString());

        final TestConnection aliceAgain = ChildServer.reconnect(port, alice);
        aliceAgain.login();
        aliceAgain.send(CLIENT_MSG_ID, bob.userId, 0, PAYLOAD);
        assertEquals(messageId, sentAckId(aliceAgain), "resend answered with the original id");

        final TestConnection bobAgain = ChildServer.reconnect(port, bob);
        final LoginAckDecoder loginAck = bobAgain.login();
        assertEquals(1, loginAck.pendingCount(), "stored once");
        final DeliverDecoder deliver = bobAgain.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        assertEquals(messageId, deliver.messageId());
        bobAgain.expectSilence(SILENCE_MS);

        aliceAgain.close();
        bobAgain.close();
    }

    @ParameterizedTest
    @ValueSource(strings = { "none", "batch", "always" })
    void shouldAnswerAResendAfterKillNineAfterDeliveryWithTheOriginalId(final String syncPolicy) throws Exception
    {
        final int port = ChildServer.freePort();
        server = ChildServer.start(dataDir, port, "switchboard.journal.sync=" + syncPolicy);
        final TestConnection alice = ChildServer.registered(dataDir, port, "+15551270001");
        final TestConnection bob = ChildServer.registered(dataDir, port, "+15551270002");

        alice.send(CLIENT_MSG_ID, bob.userId, 0, PAYLOAD);
        final long messageId = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();
        assertEquals(messageId, bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
        bob.ack(messageId);
        // the DELIVERED receipt shows the ack was taken and the journal copy deleted
        assertEquals(messageId, alice.expect(ReceiptDecoder.TEMPLATE_ID).receipt().originalMessageId());
        alice.close();

        server.killNine();
        server = ChildServer.start(dataDir, port, "switchboard.journal.sync=" + syncPolicy);
        assertTrue(server.startLine("journal recovered").contains(
            "and 1 resend-dedupe entries (0 more held in memory, 0 torn slots)"), server.startLines.toString());

        final TestConnection bobAgain = ChildServer.reconnect(port, bob);
        assertEquals(0, bobAgain.login().pendingCount());

        final TestConnection aliceAgain = ChildServer.reconnect(port, alice);
        aliceAgain.login();
        aliceAgain.send(CLIENT_MSG_ID, bob.userId, 0, PAYLOAD);
        assertEquals(messageId, sentAckId(aliceAgain), "resend answered with the original id");
        bobAgain.expectSilence(SILENCE_MS);
        bobAgain.close();

        final TestConnection bobThird = ChildServer.reconnect(port, bob);
        assertEquals(0, bobThird.login().pendingCount(), "nothing stored for the resend");
        bobThird.close();
        aliceAgain.close();
    }

    /** The next SENT ack's server id; the DELIVERED receipts still held for the sender may come first. */
    private static long sentAckId(final TestConnection connection) throws IOException
    {
        TestConnection.Frame frame = connection.read();
        while (SentAckDecoder.TEMPLATE_ID != frame.templateId())
        {
            assertEquals(ReceiptDecoder.TEMPLATE_ID, frame.templateId(), frame.toString());
            frame = connection.read();
        }
        return frame.sentAck().messageId();
    }
}
