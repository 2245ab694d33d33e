package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ErrorDecoder;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection sending faster than its per-second frame budget gets RATE_LIMITED errors, not service.
 */
@Timeout(120)
class RateLimitSystemTest
{
    private static final int FRAMES_PER_SECOND = 20;
    /** More than two windows' worth, so the burst is limited even if it straddles a window boundary. */
    private static final int BURST = 50;

    @TempDir
    File dataDir;

    private TestServer server;

    @BeforeEach
    void start()
    {
        server = TestServer.launch(
            dataDir,
            RingConfiguration.FRAMES_PER_SECOND_PROP_NAME + "=" + FRAMES_PER_SECOND,
            RingConfiguration.MAX_REJECTS_PROP_NAME + "=1000");
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldRefuseSendsBeyondTheRate() throws IOException
    {
        final TestConnection alice = server.device("+15551270001");
        final TestConnection bob = server.device("+15551270002");

        for (int i = 0; i < BURST; i++)
        {
            alice.send(i + 1, bob.userId, 0, new byte[]{ (byte)i });
        }

        int sent = 0;
        int limited = 0;
        while (sent + limited < BURST)
        {
            final TestConnection.Frame frame = alice.read();
            if (SentAckDecoder.TEMPLATE_ID == frame.templateId())
            {
                sent++;
            }
            else
            {
                assertEquals(ErrorDecoder.TEMPLATE_ID, frame.templateId(), frame.toString());
                assertEquals(ErrorCode.RATE_LIMITED, frame.error().code());
                limited++;
            }
        }
        assertTrue(sent <= 2 * FRAMES_PER_SECOND, "sent " + sent);
        assertTrue(limited >= BURST - 2 * FRAMES_PER_SECOND, "limited " + limited);

        for (int i = 0; i < sent; i++)
        {
            bob.ack(bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
        }
    }
}
