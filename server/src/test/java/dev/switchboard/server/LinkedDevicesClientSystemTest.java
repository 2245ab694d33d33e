package dev.switchboard.server;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.ClientListener;
import dev.switchboard.client.DeviceAddress;
import dev.switchboard.client.IncomingMessage;
import dev.switchboard.client.LinkCode;
import dev.switchboard.client.LinkRequest;
import dev.switchboard.client.LinkedDevice;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.SwitchboardException;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client SDK's linked devices against a real server: a primary's code, the new device's link with the approve
 * callback, the device list, unlinking, and identity-change notices.
 */
@Timeout(60)
class LinkedDevicesClientSystemTest
{
    private static final String ALICE = "+15551320001";
    private static final String BOB = "+15551320002";
    private static final long WAIT_S = 10;

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private SwitchboardClient alice;
    private SwitchboardClient laptop;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(laptop, alice);
        CloseHelper.close(server);
    }

    /** Records the callbacks the tests wait for. */
    private static final class Recorder implements ClientListener
    {
        final BlockingQueue<LinkRequest> linkRequests = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pendingFingerprints = new LinkedBlockingQueue<>();
        final BlockingQueue<long[]> identityChanges = new LinkedBlockingQueue<>();
        final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();

        public void onLinkRequest(final LinkRequest request)
        {
            linkRequests.add(request);
        }

        public void onLinkPending(final String fingerprint, final long waitSeconds)
        {
            pendingFingerprints.add(fingerprint);
        }

        public void onIdentityChanged(final long userId, final int deviceId, final long timestampMs)
        {
            identityChanges.add(new long[]{ userId, deviceId, timestampMs });
        }

        public void onMessage(final IncomingMessage message)
        {
            messages.add(message);
        }
    }

    private SwitchboardClient open(final String name, final ClientListener listener)
    {
        return SwitchboardClient.open(new ClientContext()
            .host("127.0.0.1")
            .port(server.port())
            .storeDir(new File(storeDir, name))
            .listener(listener));
    }

    private void register(final SwitchboardClient client, final String phone) throws Exception
    {
        client.requestCode(phone).get(WAIT_S, TimeUnit.SECONDS);
        client.verify(phone, server.codes.await(phone)).get(WAIT_S, TimeUnit.SECONDS);
        client.login().get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void shouldLinkListAndUnlinkADeviceThroughTheSdk() throws Exception
    {
        server = TestServer.launch(dataDir);
        final Recorder primary = new Recorder();
        alice = open("alice", primary);
        register(alice, ALICE);

        final LinkCode code = alice.linkStart().get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(12, code.code().length());
        assertEquals(300, code.ttlSeconds());
        assertEquals(14, code.grouped().length());

        final Recorder other = new Recorder();
        laptop = open("laptop", other);
        final CompletableFuture<DeviceAddress> linked = laptop.linkDevice(code.grouped().toLowerCase());
        final LinkRequest request = primary.linkRequests.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(request, "the primary is asked");
        assertEquals(other.pendingFingerprints.poll(WAIT_S, TimeUnit.SECONDS), request.fingerprintText());
        assertFalse(linked.isDone(), "nothing is linked before the primary approves");
        alice.approveLink(request.linkId(), true).get(WAIT_S, TimeUnit.SECONDS);
        final DeviceAddress address = linked.get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(alice.self().userId(), address.userId());
        assertEquals(2, address.deviceId());
        assertTrue(laptop.isRegistered());
        laptop.login().get(WAIT_S, TimeUnit.SECONDS);

        final List<LinkedDevice> devices = laptop.devices().get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(2, devices.size());
        assertTrue(devices.get(0).primary() && devices.get(0).online());
        assertEquals(2, devices.get(1).deviceId());
        assertFalse(devices.get(1).primary());

        // the primary's own copy for its laptop, as a multi-device sender makes it
        alice.send(alice.self().userId(), 2, new byte[]{ 42 });
        final IncomingMessage copy = other.messages.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(copy);
        assertEquals(1, copy.fromDeviceId());

        final ExecutionException notPrimary = assertThrows(
            ExecutionException.class, () -> laptop.linkStart().get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(ErrorCode.NOT_PRIMARY, ((SwitchboardException)notPrimary.getCause()).code());

        alice.unlink(2).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(1, alice.devices().get(WAIT_S, TimeUnit.SECONDS).size());
    }

    @Test
    void shouldRefuseADeclinedLinkThroughTheSdk() throws Exception
    {
        server = TestServer.launch(dataDir);
        final Recorder primary = new Recorder();
        alice = open("alice", primary);
        register(alice, ALICE);
        final LinkCode code = alice.linkStart().get(WAIT_S, TimeUnit.SECONDS);
        laptop = open("laptop", new Recorder());
        final CompletableFuture<DeviceAddress> linked = laptop.linkDevice(code.code());
        final LinkRequest request = primary.linkRequests.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(request);
        alice.approveLink(request.linkId(), false).get(WAIT_S, TimeUnit.SECONDS);
        final ExecutionException declined =
            assertThrows(ExecutionException.class, () -> linked.get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(SwitchboardException.class, declined.getCause());
        assertEquals(ErrorCode.LINK_DECLINED, ((SwitchboardException)declined.getCause()).code());
        assertFalse(laptop.isRegistered());
    }

    @Test
    void shouldTellTheSdkOfAContactsNewIdentityKeyOnceAcknowledged() throws Exception
    {
        server = TestServer.launch(dataDir);
        final Recorder recorder = new Recorder();
        alice = open("alice", recorder);
        register(alice, ALICE);
        final TestConnection bob = server.device(BOB);
        bob.send(1, alice.self().userId(), 0, new byte[]{ 1 }); // alice becomes bob's contact
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        assertNotNull(recorder.messages.poll(WAIT_S, TimeUnit.SECONDS));
        bob.ack(bob.expect(ReceiptDecoder.TEMPLATE_ID).receipt().messageId());

        LinkFrames.uploadIdentity(bob, LinkFrames.identityKey(1));
        LinkFrames.uploadIdentity(bob, LinkFrames.identityKey(2));
        final long[] change = recorder.identityChanges.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(change, "the SDK reports the new identity");
        assertEquals(bob.userId, change[0]);
        assertEquals(bob.deviceId, change[1]);

        // acknowledged by the SDK: a new session of alice's device gets it no more
        alice.close();
        final Recorder later = new Recorder();
        alice = open("alice", later);
        assertEquals(0, alice.login().get(WAIT_S, TimeUnit.SECONDS).pendingCount());
        assertEquals(null, later.identityChanges.poll(300, TimeUnit.MILLISECONDS));
    }
}
