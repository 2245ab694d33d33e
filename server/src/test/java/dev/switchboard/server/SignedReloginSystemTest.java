package dev.switchboard.server;

import dev.switchboard.client.ClientListener;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.ring.RingCounters;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The client SDK against the real server: its first login takes the challenge, and once a dropped connection comes
 * back it logs in again with one LoginSigned, which the server takes.
 */
@Timeout(60)
class SignedReloginSystemTest
{
    @TempDir
    File dataDir;

    private TestServer server;
    private TcpTap tap;
    private SwitchboardClient client;

    @AfterEach
    void stop()
    {
        CloseHelper.quietCloseAll(client, tap, server);
    }

    @Test
    void shouldLogInAgainInOneRoundTripWhenTheConnectionComesBack() throws Exception
    {
        server = TestServer.launch(new File(dataDir, "server"));
        tap = new TcpTap(server.port());
        final LinkedBlockingQueue<Integer> logins = new LinkedBlockingQueue<>();
        client = SdkClients.open(tap.port(), new File(dataDir, "client"), new ClientListener()
        {
            public void onLoggedIn(final int pendingCount)
            {
                logins.add(pendingCount);
            }
        }, false);
        SdkClients.register(client, server, "+15551240001");
        assertNotNull(logins.poll(SdkClients.WAIT_S, TimeUnit.SECONDS));
        assertEquals(1, counter(RingCounters.LOGINS));
        assertEquals(0, counter(RingCounters.SIGNED_LOGINS), "the first login takes the challenge");

        tap.cutConnections();

        assertNotNull(logins.poll(SdkClients.WAIT_S, TimeUnit.SECONDS), "logged in again");
        assertEquals(2, counter(RingCounters.LOGINS));
        assertEquals(1, counter(RingCounters.SIGNED_LOGINS), "in one round trip");
        assertEquals(0, counter(RingCounters.LOGIN_FAILURES), "not refused and taken again by the challenge");
    }

    private long counter(final int id)
    {
        return server.server().ring().counters().get(id);
    }
}
