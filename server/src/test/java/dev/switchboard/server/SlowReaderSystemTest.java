package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.ring.RingConfiguration;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery to a device is windowed: a reader that does not ack gets a bounded number of messages, the journal holds
 * the rest, and a reader stuck past the timeout is disconnected.
 */
@Timeout(120)
class SlowReaderSystemTest
{
    private static final int WINDOW = 16;

    @TempDir
    File dataDir;

    private TestServer server;

    @BeforeEach
    void start()
    {
        server = TestServer.launch(
            dataDir,
            RingConfiguration.DELIVERY_WINDOW_PROP_NAME + "=" + WINDOW,
            RingConfiguration.STUCK_READER_TIMEOUT_PROP_NAME + "=2s");
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldPauseAtTheWindowResumeOnAckAndDisconnectAStuckReader() throws IOException
    {
        final TestConnection alice = server.device("+15551260001");
        final TestConnection bob = server.device("+15551260002");

        for (int i = 0; i < 3 * WINDOW; i++)
        {
            alice.send(i + 1, bob.userId, 0, new byte[]{ (byte)i });
            alice.expect(SentAckDecoder.TEMPLATE_ID);
        }

        final List<Long> delivered = new ArrayList<>();
        for (int i = 0; i < WINDOW; i++)
        {
            delivered.add(bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
        }
        bob.channel.socket().setSoTimeout(500);
        assertThrows(SocketTimeoutException.class, bob::read, "nothing past the window until an ack");

        bob.ack(delivered.get(0));
        bob.ack(delivered.get(1));
        bob.expect(DeliverDecoder.TEMPLATE_ID);
        bob.expect(DeliverDecoder.TEMPLATE_ID);
        assertThrows(SocketTimeoutException.class, bob::read, "two acks open the window by two");

        // Bob stops acking: after the stuck-reader timeout the server hangs up; the journal keeps the rest.
        bob.channel.socket().setSoTimeout(10_000);
        assertTrue(bob.awaitClosed());

        final TestConnection bobAgain = server.connect();
        bobAgain.keyPair = bob.keyPair;
        bobAgain.userId = bob.userId;
        bobAgain.deviceId = bob.deviceId;
        assertEquals(3 * WINDOW - 2, bobAgain.login().pendingCount());
    }
}
