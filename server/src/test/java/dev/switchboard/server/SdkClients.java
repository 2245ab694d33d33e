package dev.switchboard.server;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.ClientListener;
import dev.switchboard.client.DeviceAddress;
import dev.switchboard.client.LinkCode;
import dev.switchboard.client.LinkRequest;
import dev.switchboard.client.SwitchboardClient;

import java.io.File;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * SDK clients for system tests: opened against a port (with a 1 s call key wait, so a call whose key never comes
 * fails quickly), registered or linked, logged in, and with end-to-end encryption on, their keys on the server before
 * a test uses them.
 */
final class SdkClients
{
    static final long WAIT_S = 30;

    private SdkClients()
    {
    }

    static SwitchboardClient open(final int port, final File storeDir, final ClientListener listener, final boolean e2e)
    {
        return SwitchboardClient.open(new ClientContext()
            .host("127.0.0.1")
            .port(port)
            .storeDir(storeDir)
            .storeSync(false)
            .reconnectInitialBackoff(20, TimeUnit.MILLISECONDS)
            .e2eCallKeyWaitNs(TimeUnit.SECONDS.toNanos(1))
            .listener(listener)
            .e2e(e2e));
    }

    /**
     * Register the phone number with the code the server sent, log in, and wait for the device's keys if encrypted.
     */
    static void register(final SwitchboardClient client, final TestServer server, final String phone) throws Exception
    {
        client.requestCode(phone).get(WAIT_S, TimeUnit.SECONDS);
        client.verify(phone, server.codes.await(phone)).get(WAIT_S, TimeUnit.SECONDS);
        loggedIn(client);
    }

    /**
     * Join a new device to the primary's account with a link code the primary approves, then log it in.
     */
    static void link(
        final SwitchboardClient primary, final BlockingQueue<LinkRequest> primaryLinkRequests,
        final SwitchboardClient device) throws Exception
    {
        final LinkCode code = primary.linkStart().get(WAIT_S, TimeUnit.SECONDS);
        final CompletableFuture<DeviceAddress> linked = device.linkDevice(code.code());
        final LinkRequest request = primaryLinkRequests.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(request, "the primary was not asked");
        primary.approveLink(request.linkId(), true).get(WAIT_S, TimeUnit.SECONDS);
        linked.get(WAIT_S, TimeUnit.SECONDS);
        loggedIn(device);
    }

    private static void loggedIn(final SwitchboardClient client) throws Exception
    {
        client.login().get(WAIT_S, TimeUnit.SECONDS);
        if (null != client.e2e())
        {
            client.e2e().keysReady().get(WAIT_S, TimeUnit.SECONDS);
        }
    }
}
