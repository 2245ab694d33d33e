package dev.switchboard.server;

import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.PongDecoder;
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
 * Only misbehaviour counts towards the disconnect threshold: a well-behaved connection refused for ordinary reasons
 * (an unknown user, a request not served yet) many times over stays open; a client that keeps sending server-only
 * frames is closed at the threshold.
 */
@Timeout(120)
class RefusalStrikesSystemTest
{
    private static final int MAX_STRIKES = 4;
    private static final long UNKNOWN_USER_ID = 999_999;

    @TempDir
    File dataDir;

    private TestServer server;

    @BeforeEach
    void start()
    {
        server = TestServer.launch(dataDir, RingConfiguration.MAX_REJECTS_PROP_NAME + "=" + MAX_STRIKES);
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldKeepAConnectionOpenThroughOrdinaryRefusals() throws IOException
    {
        final TestConnection alice = server.device("+15551280001");
        for (int i = 0; i < 5 * MAX_STRIKES; i++)
        {
            alice.block(UNKNOWN_USER_ID);
            assertEquals(ErrorCode.UNKNOWN_USER, alice.expectError());
        }

        alice.ping(42);
        assertEquals(42, alice.expect(PongDecoder.TEMPLATE_ID).pong().timestampNs());
    }

    @Test
    void shouldCloseAConnectionAtTheStrikeThreshold() throws IOException
    {
        final TestConnection alice = server.device("+15551280002");
        for (int i = 1; i < MAX_STRIKES; i++)
        {
            alice.serverOnlyFrame(i);
            assertEquals(ErrorCode.UNSUPPORTED_REQUEST, alice.expectError());
        }
        alice.ping(7);
        assertEquals(7, alice.expect(PongDecoder.TEMPLATE_ID).pong().timestampNs());

        alice.serverOnlyFrame(MAX_STRIKES);
        assertEquals(ErrorCode.UNSUPPORTED_REQUEST, alice.expectError());
        assertTrue(alice.awaitClosed());
    }
}
