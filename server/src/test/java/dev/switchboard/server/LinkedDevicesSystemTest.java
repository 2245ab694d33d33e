package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.DeviceListDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.IdentityChangedDecoder;
import dev.switchboard.codec.sbe.KeyBundleDecoder;
import dev.switchboard.codec.sbe.LinkDeviceDecoder;
import dev.switchboard.codec.sbe.LinkPendingDecoder;
import dev.switchboard.codec.sbe.LinkRequestDecoder;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.LoginChallengeDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import dev.switchboard.ring.RingCounters;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linked devices over real sockets: a primary links a device with a one-time code it approves, lists and unlinks
 * devices; a device's new identity key reaches its contacts; a sender's own other devices get its copies.
 */
@Timeout(60)
class LinkedDevicesSystemTest
{
    private static final String ALICE = "+15551310001";
    private static final String BOB = "+15551310002";
    private static final String CAROL = "+15551310003";
    private static final String DAVE = "+15551310004";

    @TempDir
    File dataDir;

    private TestServer server;

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    @Test
    void shouldLinkADeviceThatGetsWhatIsSentAfterLinkingAndNothingFromBefore() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);
        assertEquals(1, alice.deviceId, "the first verified device is the primary");

        bob.send(1, alice.userId, 0, new byte[]{ 1 });
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        assertEquals(1, alice.expect(DeliverDecoder.TEMPLATE_ID).deliver().payloadLength());
        // alice's primary does not ack: the message stays in its queue, never in the new device's

        final TestConnection laptop = server.linked(alice);
        assertEquals(alice.userId, laptop.userId);
        assertEquals(2, laptop.deviceId);
        assertEquals(1, counter(RingCounters.DEVICES_LINKED));

        bob.send(2, alice.userId, 0, new byte[]{ 2, 2 });
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        final DeliverDecoder onLaptop = laptop.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        assertEquals(bob.userId, onLaptop.from().userId());
        assertEquals(2, onLaptop.payloadLength());
        assertEquals(2, alice.expect(DeliverDecoder.TEMPLATE_ID).deliver().payloadLength());
        laptop.expectSilence(300);

        // a new login of the linked device finds no backlog from before it was linked
        laptop.ack(onLaptop.messageId());
        laptop.close();
        final TestConnection again = server.again(laptop);
        again.expectSilence(300);

        LinkFrames.deviceListRequest(again);
        final DeviceListDecoder list = LinkFrames.deviceList(again.expect(DeviceListDecoder.TEMPLATE_ID));
        final List<String> devices = new ArrayList<>();
        for (final DeviceListDecoder.DevicesDecoder device : list.devices())
        {
            devices.add(device.deviceId() + ":" + device.primary() + ":" + device.online() + ":" +
                device.registrationId());
        }
        assertEquals(2, devices.size(), devices.toString());
        assertTrue(devices.get(0).startsWith("1:1:1:"), devices.toString()); // the primary, online
        assertEquals("2:0:1:4321", devices.get(1)); // this device, linked, online, its registration id
    }

    @Test
    void shouldRefuseWrongReusedAndDeclinedCodesAndLimitAttemptsPerAddress() throws IOException
    {
        server = TestServer.launch(dataDir, "switchboard.link.address.attempts.per.hour=5");
        final TestConnection alice = server.device(ALICE);
        final String code = LinkFrames.linkCode(alice);
        assertEquals(12, code.length());
        assertNotEquals(code, LinkFrames.linkCode(alice), "a new code replaces the old");

        final String current = LinkFrames.linkCode(alice);
        final TestConnection first = server.connect();
        final byte[] key = TestConnection.rawPublicKey(TestConnection.newKeyPair());
        LinkFrames.linkDevice(first, code, key, 7); // attempt 1: the replaced code
        assertEquals(ErrorCode.CODE_INVALID, first.expectError());
        LinkFrames.linkDevice(first, wrong(current), key, 7); // attempt 2
        assertEquals(ErrorCode.CODE_INVALID, first.expectError());
        LinkFrames.linkDevice(first, current.toLowerCase(), key, 7); // attempt 3: typed in lower case
        first.expect(LinkPendingDecoder.TEMPLATE_ID);
        final LinkRequestDecoder request = LinkFrames.linkRequest(alice.expect(LinkRequestDecoder.TEMPLATE_ID));
        assertEquals(7, request.registrationId());

        final TestConnection second = server.connect();
        LinkFrames.linkDevice(second, current, TestConnection.rawPublicKey(TestConnection.newKeyPair()), 8); // 4
        assertEquals(ErrorCode.CODE_INVALID, second.expectError(), "a code is used once");

        final long linkId = request.linkId();
        LinkFrames.linkApprove(alice, linkId, false);
        alice.expect(RequestAckDecoder.TEMPLATE_ID);
        final TestConnection.Frame declined = first.expect(dev.switchboard.codec.sbe.ErrorDecoder.TEMPLATE_ID);
        assertEquals(ErrorCode.LINK_DECLINED, declined.error().code());
        assertEquals(LinkDeviceDecoder.TEMPLATE_ID, declined.error().templateId());
        LinkFrames.linkApprove(alice, linkId, true);
        assertEquals(ErrorCode.CODE_EXPIRED, alice.expectError(), "an answered link is gone");

        LinkFrames.linkDevice(second, wrong(current), key, 8); // attempt 5
        assertEquals(ErrorCode.CODE_INVALID, second.expectError());
        final String fresh = LinkFrames.linkCode(alice);
        LinkFrames.linkDevice(second, fresh, key, 8); // attempt 6: even the right code is refused now
        assertEquals(ErrorCode.TOO_MANY_ATTEMPTS, second.expectError());
        assertEquals(0, counter(RingCounters.DEVICES_LINKED));

        // the device never logged in: its key is not on the account
        final TestConnection mallory = server.connect();
        mallory.loginStart(alice.userId, 2);
        assertEquals(ErrorCode.LOGIN_FAILED, mallory.expectError());
    }

    @Test
    void shouldRefuseAnExpiredCodeAndLinkingFromALinkedDevice() throws Exception
    {
        server = TestServer.launch(dataDir, "switchboard.link.code.ttl=300ms");
        final TestConnection alice = server.device(ALICE);
        final String code = LinkFrames.linkCode(alice);
        Thread.sleep(600);
        final TestConnection late = server.connect();
        LinkFrames.linkDevice(late, code, TestConnection.rawPublicKey(TestConnection.newKeyPair()), 9);
        final ErrorCode error = late.expectError();
        assertTrue(ErrorCode.CODE_EXPIRED == error || ErrorCode.CODE_INVALID == error, error.name());

        final TestConnection laptop = server.linked(alice);
        LinkFrames.linkStart(laptop);
        assertEquals(ErrorCode.NOT_PRIMARY, laptop.expectError());
    }

    @Test
    void shouldRefuseADeviceBeyondTheLimit() throws IOException
    {
        server = TestServer.launch(dataDir, "switchboard.state.max.devices.per.account=3");
        final TestConnection alice = server.device(ALICE);
        server.linked(alice);
        server.linked(alice);
        LinkFrames.linkStart(alice);
        assertEquals(ErrorCode.DEVICE_LIMIT, alice.expectError());
    }

    @Test
    void shouldUnlinkADeviceItsQueueAndKeysSoItGetsNothingMoreAndCannotLogIn() throws Exception
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);
        final TestConnection laptop = server.linked(alice);
        LinkFrames.uploadIdentity(alice, LinkFrames.identityKey(1));
        LinkFrames.uploadIdentity(laptop, LinkFrames.identityKey(2));
        laptop.close();

        bob.send(1, alice.userId, 0, new byte[]{ 1 });
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        alice.ack(alice.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
        bob.ack(bob.expect(ReceiptDecoder.TEMPLATE_ID).receipt().messageId());
        try (CountersFile counters = CountersFile.mapReadOnly(new File(dataDir, CountersFile.FILE_NAME)))
        {
            awaitValue(counters, "journal: live entries", 1); // the laptop's copy, waiting for it

            LinkFrames.unlink(alice, laptop.deviceId);
            alice.expect(RequestAckDecoder.TEMPLATE_ID);
            awaitValue(counters, "journal: live entries", 0);
        }
        assertEquals(1, counter(RingCounters.DEVICES_UNLINKED));

        final TestConnection stolen = server.connect();
        stolen.keyPair = laptop.keyPair;
        stolen.loginStart(laptop.userId, laptop.deviceId);
        assertEquals(ErrorCode.LOGIN_FAILED, stolen.expectError());

        LinkFrames.fetch(bob, alice.userId, 0);
        final TestConnection.Frame bundle = bob.expect(KeyBundleDecoder.TEMPLATE_ID);
        assertEquals(1, LinkFrames.keyBundle(bundle).device().deviceId());
        bob.expectSilence(300); // one bundle: the laptop's keys are gone
        LinkFrames.fetch(bob, alice.userId, laptop.deviceId);
        assertEquals(ErrorCode.UNKNOWN_DEVICE, bob.expectError());

        bob.send(2, alice.userId, 0, new byte[]{ 2 });
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        alice.expect(DeliverDecoder.TEMPLATE_ID);
        bob.send(3, alice.userId, laptop.deviceId, new byte[]{ 3 });
        assertEquals(ErrorCode.UNKNOWN_DEVICE, bob.expectError());
    }

    @Test
    void shouldCloseAnUnlinkedDevicesConnectionAndLetADeviceUnlinkItselfButNotThePrimary() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection laptop = server.linked(alice);
        final TestConnection tablet = server.linked(alice);
        assertEquals(3, tablet.deviceId);

        LinkFrames.unlink(laptop, tablet.deviceId);
        assertEquals(ErrorCode.NOT_PRIMARY, laptop.expectError());
        LinkFrames.unlink(laptop, 1);
        assertEquals(ErrorCode.PRIMARY_DEVICE, laptop.expectError());
        LinkFrames.unlink(alice, 1);
        assertEquals(ErrorCode.PRIMARY_DEVICE, alice.expectError());
        LinkFrames.unlink(alice, 5);
        assertEquals(ErrorCode.UNKNOWN_DEVICE, alice.expectError());

        LinkFrames.unlink(alice, tablet.deviceId);
        alice.expect(RequestAckDecoder.TEMPLATE_ID);
        assertTrue(tablet.awaitClosed(), "the unlinked device's connection is closed");

        LinkFrames.unlink(laptop, laptop.deviceId);
        laptop.expect(RequestAckDecoder.TEMPLATE_ID);
        assertTrue(laptop.awaitClosed(), "a device that unlinks itself is closed after the answer");

        LinkFrames.deviceListRequest(alice);
        final DeviceListDecoder list = LinkFrames.deviceList(alice.expect(DeviceListDecoder.TEMPLATE_ID));
        final DeviceListDecoder.DevicesDecoder remaining = list.devices();
        assertEquals(1, remaining.count());
        assertEquals(1, remaining.next().deviceId());

        // the freed id is given again, to a device that starts with an empty queue
        final TestConnection phone = server.linked(alice);
        assertEquals(2, phone.deviceId);
    }

    @Test
    void shouldAnnounceANewIdentityKeyToOnlineAndOfflineContactsOnly() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection bob = server.device(BOB);
        final TestConnection carol = server.device(CAROL);
        final TestConnection dave = server.device(DAVE);

        bob.send(1, alice.userId, 0, new byte[]{ 1 }); // bob writes to alice: alice is bob's contact
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        alice.ack(alice.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
        bob.ack(bob.expect(ReceiptDecoder.TEMPLATE_ID).receipt().messageId());
        alice.send(2, carol.userId, 0, new byte[]{ 2 }); // alice writes to carol: carol is alice's contact
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        carol.ack(carol.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
        alice.ack(alice.expect(ReceiptDecoder.TEMPLATE_ID).receipt().messageId());
        carol.close();

        LinkFrames.uploadIdentity(alice, LinkFrames.identityKey(1)); // a first upload is no change
        bob.expectSilence(300);
        LinkFrames.uploadIdentity(alice, LinkFrames.identityKey(1)); // nor is the same key again
        bob.expectSilence(300);

        LinkFrames.uploadIdentity(alice, LinkFrames.identityKey(3)); // a reinstall: a new identity
        final IdentityChangedDecoder online = LinkFrames.identityChanged(bob.expect(IdentityChangedDecoder.TEMPLATE_ID));
        assertEquals(alice.userId, online.device().userId());
        assertEquals(alice.deviceId, online.device().deviceId());
        bob.ack(online.messageId());
        dave.expectSilence(300);
        alice.expectSilence(100);

        final TestConnection carolAgain = server.again(carol);
        final IdentityChangedDecoder offline =
            LinkFrames.identityChanged(carolAgain.expect(IdentityChangedDecoder.TEMPLATE_ID));
        assertEquals(alice.userId, offline.device().userId());
        carolAgain.ack(offline.messageId());
        carolAgain.expectSilence(300);
        assertEquals(2, counter(RingCounters.IDENTITY_NOTICES));

        // acked: a later login finds nothing
        carolAgain.close();
        final TestConnection carolLater = server.connect();
        carolLater.keyPair = carol.keyPair;
        carolLater.userId = carol.userId;
        carolLater.deviceId = carol.deviceId;
        assertEquals(0, carolLater.login().pendingCount());
    }

    @Test
    void shouldReRegisterThePrimaryOnAVerifyWithANewKeyAndKeepLinkedDevices() throws IOException
    {
        server = TestServer.launch(dataDir, "switchboard.registration.phone.interval=0");
        final TestConnection alice = server.device(ALICE);
        final TestConnection laptop = server.linked(alice);

        final TestConnection reinstall = server.device(ALICE);
        assertEquals(alice.userId, reinstall.userId);
        assertEquals(1, reinstall.deviceId, "a new install of the phone takes the primary's place");
        assertTrue(alice.awaitClosed(), "the old install is logged out");
        final TestConnection old = server.connect();
        old.keyPair = alice.keyPair;
        old.loginStart(alice.userId, 1);
        final LoginChallengeDecoder challenge = old.expect(LoginChallengeDecoder.TEMPLATE_ID).loginChallenge();
        final byte[] nonce = new byte[challenge.nonceLength()];
        challenge.getNonce(nonce, 0, nonce.length);
        old.loginProof(TestConnection.sign(alice.keyPair, nonce));
        assertEquals(ErrorCode.LOGIN_FAILED, old.expectError());

        // the linked device stays, and the same key verified again is the same device
        reinstall.send(1, laptop.userId, laptop.deviceId, new byte[]{ 1 });
        reinstall.expect(SentAckDecoder.TEMPLATE_ID);
        laptop.expect(DeliverDecoder.TEMPLATE_ID);
        final TestConnection sameKey = server.connect();
        sameKey.register(ALICE);
        sameKey.expect(dev.switchboard.codec.sbe.RegisterAckDecoder.TEMPLATE_ID);
        sameKey.verify(ALICE, server.codes.await(ALICE), TestConnection.rawPublicKey(laptop.keyPair));
        assertEquals(laptop.deviceId, sameKey.expect(VerifyAckDecoder.TEMPLATE_ID).verifyAck().deviceId());
    }

    @Test
    void shouldDeliverASendersCopyToItsOwnOtherDeviceStampedWithTheSender() throws IOException
    {
        server = TestServer.launch(dataDir);
        final TestConnection alice = server.device(ALICE);
        final TestConnection laptop = server.linked(alice);
        final TestConnection bob = server.device(BOB);

        alice.send(1, bob.userId, 0, new byte[]{ 1 });
        alice.send(2, alice.userId, laptop.deviceId, new byte[]{ 1 }); // the copy for her own laptop
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        alice.expect(SentAckDecoder.TEMPLATE_ID);
        bob.expect(DeliverDecoder.TEMPLATE_ID);
        final DeliverDecoder copy = laptop.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        assertEquals(alice.userId, copy.from().userId());
        assertEquals(alice.deviceId, copy.from().deviceId());
        final byte[] payload = new byte[copy.payloadLength()];
        copy.getPayload(payload, 0, payload.length);
        assertArrayEquals(new byte[]{ 1 }, payload);
        alice.expectSilence(200); // the sender's own device is not sent its own copy
    }

    private static String wrong(final String code)
    {
        final char first = code.charAt(0);
        return (first == 'A' ? 'B' : 'A') + code.substring(1);
    }

    private long counter(final int id)
    {
        return server.server().ring().counters().get(id);
    }

    private static void awaitValue(final CountersFile counters, final String label, final long expected)
        throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + 5_000;
        long value;
        while ((value = counters.value(label, -1)) != expected && System.currentTimeMillis() < deadlineMs)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, value, label);
    }
}
