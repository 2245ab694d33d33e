package dev.switchboard.server;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.ClientListener;
import dev.switchboard.client.DeviceAddress;
import dev.switchboard.client.E2eEnvelope;
import dev.switchboard.client.E2eStore;
import dev.switchboard.client.GroupInfo;
import dev.switchboard.client.IncomingMessage;
import dev.switchboard.client.KeyBundle;
import dev.switchboard.client.LinkCode;
import dev.switchboard.client.LinkRequest;
import dev.switchboard.client.SwitchboardClient;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End-to-end encryption through the SDK against a real server, every client byte passing a recording TCP tap: 1:1
 * and group messages arrive decrypted while neither the bytes the server received nor anything in its data folder
 * holds a plaintext; ciphertexts never repeat; a tampered ciphertext is reported and later ones still decrypt;
 * prekeys run out and are topped up; a restarted client keeps its sessions and history.
 */
@Timeout(180)
class EndToEndEncryptionSystemTest
{
    private static final String ALICE = "+15551370001";
    private static final String BOB = "+15551370002";
    private static final String CAROL = "+15551370003";
    private static final long WAIT_S = 30;

    @TempDir
    File dataDir;

    @TempDir
    File storeDir;

    private TestServer server;
    private TcpTap tap;
    private final List<Device> devices = new ArrayList<>();

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(devices);
        CloseHelper.closeAll(tap, server);
    }

    @Test
    void shouldExchangeOneToOneAndGroupMessagesWithNoPlaintextOnTheWireOrOnTheServerDisk() throws Exception
    {
        launch();
        final Device alice = device(ALICE);
        final Device bob = device(BOB);
        final Device carol = device(CAROL);
        final List<String> plaintexts = new ArrayList<>();

        final String hello = "alice to bob: the eagle lands at noon";
        plaintexts.add(hello);
        alice.client.e2e().send(bob.userId(), text(hello));
        assertEquals(hello, bob.nextText());
        final String reply = "bob to alice: the eagle has landed";
        plaintexts.add(reply);
        bob.client.e2e().send(alice.userId(), text(reply));
        assertEquals(reply, alice.nextText());

        final String twice = "the same words sent twice";
        plaintexts.add(twice);
        alice.client.e2e().send(bob.userId(), text(twice));
        alice.client.e2e().send(bob.userId(), text(twice));
        assertEquals(twice, bob.nextText());
        assertEquals(twice, bob.nextText());

        final GroupInfo group = alice.client.createGroup("Plans", List.of(bob.userId(), carol.userId()))
            .get(WAIT_S, TimeUnit.SECONDS);
        await(() -> null != bob.client.group(group.groupId()) && null != carol.client.group(group.groupId()));
        final String groupHello = "group secret: meet by the old mill";
        plaintexts.add(groupHello);
        alice.client.e2e().sendGroup(group.groupId(), text(groupHello));
        final IncomingMessage atBob = bob.next();
        assertEquals(group.groupId(), atBob.groupId());
        assertEquals(groupHello, new String(atBob.payload(), StandardCharsets.UTF_8));
        assertEquals(groupHello, carol.nextText());
        final String groupReply = "carol to the group: bring the lantern";
        plaintexts.add(groupReply);
        carol.client.e2e().sendGroup(group.groupId(), text(groupReply));
        assertEquals(groupReply, alice.nextText());
        assertEquals(groupReply, bob.nextText());
        final String groupAgain = "alice to the group: lantern, check";
        plaintexts.add(groupAgain);
        alice.client.e2e().sendGroup(group.groupId(), text(groupAgain));
        assertEquals(groupAgain, bob.nextText());
        assertEquals(groupAgain, carol.nextText());

        // Ticks reach the history: alice's first message is delivered (two ticks) in her store.
        await(() -> alice.client.e2e().store().history(bob.userId(), 0, 10).get(0).status() >=
            E2eStore.STATUS_DELIVERED);
        assertEquals(0, alice.client.e2e().decryptFailures() + bob.client.e2e().decryptFailures() +
            carol.client.e2e().decryptFailures());

        // Every Send payload is an envelope and none repeats: the same plaintext twice gave two ciphertexts.
        final List<byte[]> payloads = tap.sendPayloads();
        final Set<String> distinct = new HashSet<>();
        int ciphertexts = 0;
        for (final byte[] payload : payloads)
        {
            assertEquals(E2eEnvelope.VERSION, payload[0]);
            if (E2eEnvelope.TYPE_PREKEY == payload[1] || E2eEnvelope.TYPE_WHISPER == payload[1])
            {
                ciphertexts++;
                assertTrue(distinct.add(Arrays.toString(payload)), "a ciphertext repeated");
            }
        }
        assertTrue(ciphertexts >= 6, "ciphertexts seen: " + ciphertexts);

        // Nothing readable reached the server, in either direction, or its data folder.
        final byte[] toServer = tap.bytesToServer();
        final byte[] toClients = tap.bytesToClients();
        assertTrue(toServer.length > 10_000, "captured " + toServer.length);
        for (final String plaintext : plaintexts)
        {
            assertFalse(contains(toServer, text(plaintext)), "server received: " + plaintext);
            assertFalse(contains(toClients, text(plaintext)), "server sent: " + plaintext);
        }
        CloseHelper.closeAll(devices);
        devices.clear();
        server.close();
        // Journal segments, resend log, Chronicle Map tables (key directory, groups, contacts...), counters.
        assertTrue(dataFilesContainNone(dataDir.toPath(), plaintexts), "a plaintext in the data folder");
        // The scan can fail: a plaintext written into the folder is found.
        Files.write(new File(dataDir, "control.bin").toPath(), text("xx" + groupAgain + "yy"));
        assertFalse(dataFilesContainNone(dataDir.toPath(), plaintexts));
    }

    @Test
    void shouldReportTamperedCiphertextAndKeepDecryptingAfterIt() throws Exception
    {
        launch();
        final Device alice = device(ALICE);
        final Device bob = device(BOB);
        alice.client.e2e().send(bob.userId(), text("first"));
        assertEquals("first", bob.nextText());
        // Bob answers, so Alice's session is acknowledged and her next message is a plain ratchet message.
        bob.client.e2e().send(alice.userId(), text("first reply"));
        assertEquals("first reply", alice.nextText());

        tap.tamperNextSend((payload) -> E2eEnvelope.TYPE_WHISPER == payload[1]);
        alice.client.e2e().send(bob.userId(), text("this one is tampered with"));
        await(() -> 1 == bob.failures.size());
        assertFalse(tap.tamperPending());
        assertEquals(1, bob.client.e2e().decryptFailures());
        assertTrue(bob.failures.get(0).contains("InvalidMessageException"), bob.failures.get(0));
        assertEquals(alice.userId(), bob.failedMessages.get(0).fromUserId());

        alice.client.e2e().send(bob.userId(), text("after the tampered one"));
        assertEquals("after the tampered one", bob.nextText());
        bob.client.e2e().send(alice.userId(), text("still talking"));
        assertEquals("still talking", alice.nextText());
        assertEquals(0, bob.client.internalErrors());
        assertTrue(bob.client.isLoggedIn());
    }

    @Test
    void shouldKeepSessionsAndHistoryAcrossAClientRestart() throws Exception
    {
        launch();
        final Device alice = device(ALICE);
        Device bob = device(BOB);
        alice.client.e2e().send(bob.userId(), text("before restart"));
        assertEquals("before restart", bob.nextText());
        bob.client.e2e().send(alice.userId(), text("ack before restart"));
        assertEquals("ack before restart", alice.nextText());
        final long sessionsBefore = alice.client.e2e().sessionsStarted() + bob.client.e2e().sessionsStarted();

        bob.close();
        devices.remove(bob);
        bob = reopen(BOB);
        assertEquals(List.of("before restart", "ack before restart"),
            texts(bob.client.e2e().store().history(alice.userId(), 0, 10)));

        alice.client.e2e().send(bob.userId(), text("after restart"));
        assertEquals("after restart", bob.nextText());
        bob.client.e2e().send(alice.userId(), text("reply after restart"));
        assertEquals("reply after restart", alice.nextText());
        assertEquals(sessionsBefore, alice.client.e2e().sessionsStarted() + bob.client.e2e().sessionsStarted(),
            "a session was set up again");
        assertEquals(1, bob.client.e2e().store().chats().size());
        assertEquals(4, bob.client.e2e().store().history(alice.userId(), 0, 10).size());
        assertEquals(0, bob.client.e2e().decryptFailures());
    }

    @Test
    void shouldDeliverAFirstMessageToADeviceThatWentOfflineBeforeTheSenderEverSpokeToIt() throws Exception
    {
        launch();
        Device bob = device(BOB);
        final long bobUserId = bob.userId();
        bob.close();
        devices.remove(bob);

        // bob has never been online since alice exists: the session comes from the key directory alone
        final Device alice = device(ALICE);
        alice.client.e2e().send(bobUserId, text("first words to an offline device"));
        // it leaves alice's outbox at once and the server takes it (one tick) while bob is away
        await(() -> alice.client.e2e().store().history(bobUserId, 0, 10).get(0).status() >= E2eStore.STATUS_SENT);
        assertEquals(1, alice.client.e2e().sessionsStarted());
        final List<byte[]> sent = tap.sendPayloads();
        assertEquals(1, sent.size(), "only the message itself went out: no request to bob's device");
        assertEquals(E2eEnvelope.TYPE_PREKEY, sent.get(0)[1]);

        bob = reopen(BOB);
        assertEquals("first words to an offline device", bob.nextText());
        bob.client.e2e().send(alice.userId(), text("back online"));
        assertEquals("back online", alice.nextText());
        assertEquals(0, alice.client.e2e().decryptFailures() + bob.client.e2e().decryptFailures());
        assertEquals(0, alice.client.e2e().sessionFailures());
    }

    @Test
    void shouldStartSessionsWithoutOneTimePreKeyOnceTheyRunOut() throws Exception
    {
        launch("switchboard.keys.prekey.low.stock=0");
        final Device bob = device(BOB, (ctx) -> ctx.e2ePreKeyBatch(2));
        final Device alice = device(ALICE);
        final List<KeyBundle> first = alice.client.fetchKeyBundles(bob.userId(), 0).get(WAIT_S, TimeUnit.SECONDS);
        final List<KeyBundle> second = alice.client.fetchKeyBundles(bob.userId(), 0).get(WAIT_S, TimeUnit.SECONDS);
        final List<KeyBundle> third = alice.client.fetchKeyBundles(bob.userId(), 0).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(first.get(0).hasPreKey());
        assertTrue(second.get(0).hasPreKey());
        assertFalse(third.get(0).hasPreKey());
        assertEquals(0, third.get(0).preKey().length);
        assertEquals(0, bob.client.e2e().preKeyTopUps());

        final Device carol = device(CAROL);
        carol.client.e2e().send(bob.userId(), text("no one-time prekey left"));
        assertEquals("no one-time prekey left", bob.nextText());
        bob.client.e2e().send(carol.userId(), text("works anyway"));
        assertEquals("works anyway", carol.nextText());
    }

    @Test
    void shouldTopUpPreKeysWhenTheServerReportsLowStock() throws Exception
    {
        launch("switchboard.keys.prekey.low.stock=3");
        final Device bob = device(BOB, (ctx) -> ctx.e2ePreKeyBatch(4));
        final Device alice = device(ALICE);
        final int storedBefore = bob.client.e2e().store().preKeyCount();
        assertEquals(4, storedBefore);
        final long acceptedBefore = bob.client.e2e().keyUploadsAccepted();
        for (int i = 0; i < 2; i++)
        {
            assertTrue(alice.client.fetchKeyBundles(bob.userId(), 0).get(WAIT_S, TimeUnit.SECONDS).get(0).hasPreKey());
        }
        // Two of four taken: the stock is below 3, the server says so, the SDK uploads another batch.
        await(() -> 1 == bob.client.e2e().preKeyTopUps());
        await(() -> 8 == bob.client.e2e().store().preKeyCount());
        // the new batch is handed out once the server has taken it, not once the SDK has sent it
        await(() -> acceptedBefore + 1 == bob.client.e2e().keyUploadsAccepted());
        final Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 6; i++)
        {
            final KeyBundle bundle = alice.client.fetchKeyBundles(bob.userId(), 0).get(WAIT_S, TimeUnit.SECONDS).get(0);
            if (bundle.hasPreKey())
            {
                ids.add(bundle.preKeyId());
            }
        }
        assertTrue(ids.stream().anyMatch((id) -> id > 4), "no new prekey handed out: " + ids);
        await(() -> bob.client.e2e().preKeyTopUps() >= 2);
        assertEquals(0, bob.client.e2e().keyUploadFailures());
    }

    @Test
    void shouldEncryptForEveryDeviceOfTheRecipientAndCopyToTheSendersOtherDevices() throws Exception
    {
        launch("switchboard.registration.phone.interval=0");
        final Device alicePhone = device(ALICE);
        final Device aliceLaptop = linkedDevice(alicePhone, ALICE + "-laptop");
        final Device bobPhone = device(BOB);
        final Device bobLaptop = linkedDevice(bobPhone, BOB + "-laptop");
        assertEquals(alicePhone.userId(), aliceLaptop.userId());
        assertEquals(bobPhone.userId(), bobLaptop.userId());

        alicePhone.client.e2e().send(bobPhone.userId(), text("to both of bob's devices"));
        assertEquals("to both of bob's devices", bobPhone.nextText());
        assertEquals("to both of bob's devices", bobLaptop.nextText());
        final SentCopy copy = aliceLaptop.copies.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(copy);
        assertEquals(bobPhone.userId(), copy.toUserId());
        assertEquals("to both of bob's devices", new String(copy.message().payload(), StandardCharsets.UTF_8));
        assertEquals(List.of("to both of bob's devices"),
            texts(aliceLaptop.client.e2e().store().history(bobPhone.userId(), 0, 10)));

        // Each device got its own ciphertext: no ciphertext went to two devices.
        final Set<String> distinct = new HashSet<>();
        int ciphertexts = 0;
        for (final byte[] payload : tap.sendPayloads())
        {
            if (E2eEnvelope.TYPE_PREKEY == payload[1] || E2eEnvelope.TYPE_WHISPER == payload[1])
            {
                ciphertexts++;
                assertTrue(distinct.add(Arrays.toString(payload)), "one ciphertext sent twice");
            }
        }
        assertEquals(3, ciphertexts, "one each for bob's two devices and alice's laptop");

        bobLaptop.client.e2e().send(alicePhone.userId(), text("from bob's laptop"));
        assertEquals("from bob's laptop", alicePhone.nextText());
        assertEquals("from bob's laptop", aliceLaptop.nextText());
        assertEquals("from bob's laptop", new String(
            bobPhone.copies.poll(WAIT_S, TimeUnit.SECONDS).message().payload(), StandardCharsets.UTF_8));
        assertEquals(0, alicePhone.client.e2e().decryptFailures() + aliceLaptop.client.e2e().decryptFailures() +
            bobPhone.client.e2e().decryptFailures() + bobLaptop.client.e2e().decryptFailures());
    }

    @Test
    void shouldRefusePlaintextSendsWhileEncryptionIsOn() throws Exception
    {
        launch();
        final Device alice = device(ALICE);
        assertThrows(IllegalStateException.class, () -> alice.client.send(1, 0, text("plain")));
        assertThrows(IllegalStateException.class, () -> alice.client.sendGroup(1, text("plain")));
        assertNull(alice.client.e2e().safetyNumber(12345, 1));
        final Device bob = device(BOB);
        alice.client.e2e().send(bob.userId(), text("hi"));
        assertEquals("hi", bob.nextText());
        final String aliceView = alice.client.e2e().safetyNumber(bob.userId(), bob.client.self().deviceId());
        final String bobView = bob.client.e2e().safetyNumber(alice.userId(), alice.client.self().deviceId());
        assertNotNull(aliceView);
        assertEquals(aliceView, bobView);
    }

    // ---- helpers ----

    private void launch(final String... properties) throws IOException
    {
        server = TestServer.launch(dataDir, properties);
        tap = new TcpTap(server.port());
    }

    private record SentCopy(long toUserId, IncomingMessage message)
    {
    }

    private interface Customizer
    {
        void customize(ClientContext ctx);
    }

    private Device device(final String phone) throws Exception
    {
        return device(phone, (ctx) -> {});
    }

    private Device device(final String phone, final Customizer customizer) throws Exception
    {
        final Device device = new Device(phone, customizer);
        devices.add(device);
        device.client.requestCode(phone).get(WAIT_S, TimeUnit.SECONDS);
        device.client.verify(phone, server.codes.await(phone)).get(WAIT_S, TimeUnit.SECONDS);
        device.client.login().get(WAIT_S, TimeUnit.SECONDS);
        device.client.e2e().keysReady().get(WAIT_S, TimeUnit.SECONDS);
        return device;
    }

    /**
     * A second device of the primary's account, joined with a link code the primary approves.
     */
    private Device linkedDevice(final Device primary, final String storeName) throws Exception
    {
        final LinkCode code = primary.client.linkStart().get(WAIT_S, TimeUnit.SECONDS);
        final Device device = new Device(storeName, (ctx) -> {});
        devices.add(device);
        final CompletableFuture<DeviceAddress> linked = device.client.linkDevice(code.code());
        final LinkRequest request = primary.linkRequests.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(request, "the primary was not asked");
        primary.client.approveLink(request.linkId(), true).get(WAIT_S, TimeUnit.SECONDS);
        linked.get(WAIT_S, TimeUnit.SECONDS);
        device.client.login().get(WAIT_S, TimeUnit.SECONDS);
        device.client.e2e().keysReady().get(WAIT_S, TimeUnit.SECONDS);
        return device;
    }

    private Device reopen(final String phone) throws Exception
    {
        final Device device = new Device(phone, (ctx) -> {});
        devices.add(device);
        device.client.login().get(WAIT_S, TimeUnit.SECONDS);
        device.client.e2e().keysReady().get(WAIT_S, TimeUnit.SECONDS);
        return device;
    }

    private final class Device implements ClientListener, AutoCloseable
    {
        final SwitchboardClient client;
        final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<IncomingMessage> failedMessages = new CopyOnWriteArrayList<>();
        final BlockingQueue<SentCopy> copies = new LinkedBlockingQueue<>();
        final BlockingQueue<LinkRequest> linkRequests = new LinkedBlockingQueue<>();

        Device(final String phone, final Customizer customizer)
        {
            final ClientContext ctx = new ClientContext()
                .host("127.0.0.1")
                .port(tap.port())
                .storeDir(new File(storeDir, phone))
                .storeSync(false)
                .reconnectInitialBackoff(20, TimeUnit.MILLISECONDS)
                .listener(this)
                .e2e(true);
            customizer.customize(ctx);
            client = SwitchboardClient.open(ctx);
        }

        long userId()
        {
            return client.self().userId();
        }

        public void onLinkRequest(final LinkRequest request)
        {
            linkRequests.add(request);
        }

        IncomingMessage next() throws InterruptedException
        {
            final IncomingMessage message = messages.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(message, "no message; failures: " + failures);
            return message;
        }

        String nextText() throws InterruptedException
        {
            return new String(next().payload(), StandardCharsets.UTF_8);
        }

        public void onMessage(final IncomingMessage message)
        {
            messages.add(message);
        }

        public void onSentCopy(final long toUserId, final IncomingMessage message)
        {
            copies.add(new SentCopy(toUserId, message));
        }

        public void onDecryptFailed(final IncomingMessage message, final String reason)
        {
            failedMessages.add(message);
            failures.add(reason);
        }

        public void close()
        {
            client.close();
        }
    }

    private static List<String> texts(final List<E2eStore.StoredMessage> messages)
    {
        final List<String> texts = new ArrayList<>();
        for (final E2eStore.StoredMessage message : messages)
        {
            texts.add(new String(message.body(), StandardCharsets.UTF_8));
        }
        return texts;
    }

    private static byte[] text(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("condition not met in " + WAIT_S + " s");
            }
            Thread.sleep(10);
        }
    }

    static boolean contains(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Scan every file under the folder in chunks that overlap by the longest needle, sparse map files included.
     */
    static boolean dataFilesContainNone(final Path dir, final List<String> needles) throws IOException
    {
        int longest = 0;
        for (final String needle : needles)
        {
            longest = Math.max(longest, text(needle).length);
        }
        final List<Path> files;
        try (Stream<Path> walk = Files.walk(dir))
        {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty());
        final byte[] chunk = new byte[(4 << 20) + longest];
        for (final Path file : files)
        {
            try (InputStream in = Files.newInputStream(file))
            {
                int carried = 0;
                int read;
                while ((read = in.readNBytes(chunk, carried, chunk.length - carried)) > 0)
                {
                    final int length = carried + read;
                    // Latin-1 maps each byte to one char, so String.indexOf finds the UTF-8 bytes, and fast.
                    final String window = new String(chunk, 0, length, StandardCharsets.ISO_8859_1);
                    for (final String needle : needles)
                    {
                        if (window.contains(new String(text(needle), StandardCharsets.ISO_8859_1)))
                        {
                            return false;
                        }
                    }
                    carried = Math.min(longest, length);
                    System.arraycopy(chunk, length - carried, chunk, 0, carried);
                }
            }
        }
        return true;
    }
}
