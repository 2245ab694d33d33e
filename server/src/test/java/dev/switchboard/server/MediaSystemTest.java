package dev.switchboard.server;

import dev.switchboard.client.ClientContext;
import dev.switchboard.client.ClientListener;
import dev.switchboard.client.GroupInfo;
import dev.switchboard.client.IncomingMessage;
import dev.switchboard.client.MediaCipher;
import dev.switchboard.client.MediaFailure;
import dev.switchboard.client.MediaListener;
import dev.switchboard.client.MediaReference;
import dev.switchboard.client.MediaTicket;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.SwitchboardException;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.media.MediaCounters;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media end to end: the SDK encrypts and uploads through a ticket from the ring, the recipient's SDK downloads,
 * checks and decrypts; a real server with its media service on loopback.
 */
@Timeout(180)
class MediaSystemTest
{
    private static final long TIMEOUT_S = 60;

    @TempDir
    File dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestServer server;

    @AfterEach
    void tearDown()
    {
        CloseHelper.quietCloseAll(closeables);
        CloseHelper.quietClose(server);
    }

    private void startServer(final String... properties) throws IOException
    {
        final String[] all = Stream.concat(Stream.of(
            "switchboard.media.port=" + freePort(), "switchboard.media.bind=127.0.0.1"), Stream.of(properties))
            .toArray(String[]::new);
        server = TestServer.launch(new File(dir, "server"), all);
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private Device device(final String phone) throws Exception
    {
        return device(phone, true);
    }

    private Device device(final String phone, final boolean autoDownload) throws Exception
    {
        final Device device = new Device();
        device.autoDownload = autoDownload;
        final ClientContext ctx = new ClientContext()
            .host("127.0.0.1")
            .port(server.port())
            .storeDir(new File(dir, phone))
            .listener(device)
            .mediaListener(device)
            .autoDownloadMedia(autoDownload)
            .reconnectInitialBackoff(20, TimeUnit.MILLISECONDS)
            .reconnectMaxBackoff(200, TimeUnit.MILLISECONDS)
            .requestTimeout(TIMEOUT_S, TimeUnit.SECONDS)
            .storeSync(false);
        device.client = SwitchboardClient.open(ctx);
        closeables.add(device.client);
        device.client.requestCode(phone).get(TIMEOUT_S, TimeUnit.SECONDS);
        device.client.verify(phone, server.codes.await(phone)).get(TIMEOUT_S, TimeUnit.SECONDS);
        device.client.login().get(TIMEOUT_S, TimeUnit.SECONDS);
        return device;
    }

    private Path file(final String name, final long length, final long seed) throws IOException
    {
        final Path file = dir.toPath().resolve(name);
        try (OutputStream out = Files.newOutputStream(file))
        {
            final Random random = new Random(seed);
            final byte[] chunk = new byte[1 << 20];
            for (long left = length; left > 0; left -= chunk.length)
            {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int)Math.min(left, chunk.length));
            }
        }
        return file;
    }

    private static String sha256(final Path file) throws Exception
    {
        final java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file))
        {
            final byte[] chunk = new byte[1 << 16];
            int read;
            while ((read = in.read(chunk)) >= 0)
            {
                digest.update(chunk, 0, read);
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void shouldSendFilesOfZeroOneAndFiveMebibytesAndOneHundredMebibytesToAnotherUser() throws Exception
    {
        startServer();
        final Device alice = device("+15550000001");
        final Device bob = device("+15550000002");
        for (final long length : new long[]{ 0, 1, 5L << 20, 100L << 20 })
        {
            final Path file = file("file-" + length + ".bin", length, length);
            final long[] progress = new long[2];
            alice.client.sendMedia(bob.client.self().userId(), 0, file, "application/octet-stream",
                (done, total) ->
                {
                    progress[0] = done;
                    progress[1] = total;
                }).get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(MediaCipher.ciphertextBytes(length), progress[1], "progress total of " + length);
            assertEquals(progress[1], progress[0], "progress reached the end for " + length);

            final Stored stored = bob.stored.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(stored, "stored " + length);
            assertEquals(length, Files.size(stored.file));
            assertEquals(sha256(file), sha256(stored.file));
            assertEquals("file-" + length + ".bin", stored.reference.fileName());
            assertEquals(alice.client.self().userId(), stored.message.fromUserId());
            Files.delete(file);
            Files.delete(stored.file);
        }
        assertTrue(bob.messages.isEmpty(), "references never reach onMessage");
        assertTrue(bob.failures.isEmpty(), bob.failures.toString());
    }

    @Test
    void shouldStoreCiphertextThatIsNotThePlaintext() throws Exception
    {
        startServer();
        final Device alice = device("+15550000011");
        final Device bob = device("+15550000012");
        final Path file = dir.toPath().resolve("note.txt");
        Files.writeString(file, "the plaintext must never reach the server. ".repeat(2_000));
        alice.client.sendMedia(bob.client.self().userId(), 0, file, "text/plain", null)
            .get(TIMEOUT_S, TimeUnit.SECONDS);
        final Stored stored = bob.stored.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(stored);
        assertEquals(Files.readString(file), Files.readString(stored.file));

        final Path blob = blobOf(stored.reference);
        final byte[] ciphertext = Files.readAllBytes(blob);
        assertEquals(stored.reference.ciphertextBytes(), ciphertext.length);
        final String asText = new String(ciphertext, StandardCharsets.ISO_8859_1);
        assertFalse(asText.contains("plaintext"), "no plaintext in the stored blob");
        assertEquals(stored.reference.mediaId(), sha256(blob));
    }

    private Path blobOf(final MediaReference reference)
    {
        final String id = reference.mediaId();
        return dir.toPath().resolve("server/media/blobs").resolve(id.substring(0, 2)).resolve(id);
    }

    @Test
    void shouldReportADigestMismatchAndKeepNothing() throws Exception
    {
        startServer();
        final Device alice = device("+15550000021");
        final Device bob = device("+15550000022");
        final Path file = file("photo.bin", 200_000, 5);
        alice.client.sendMedia(bob.client.self().userId(), 0, file, "application/octet-stream", null)
            .get(TIMEOUT_S, TimeUnit.SECONDS);
        final Stored first = bob.stored.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(first);

        // the stored blob changes behind the reference's back
        final Path blob = blobOf(first.reference);
        final byte[] bytes = Files.readAllBytes(blob);
        bytes[1000] ^= 1;
        Files.write(blob, bytes);
        final MediaReference reference = first.reference;
        final IOException failure = assertThrows(IOException.class,
            () -> bob.client.downloadMedia(reference, 777, null));
        assertEquals(MediaFailure.DIGEST_MISMATCH,
            assertInstanceOf(dev.switchboard.client.MediaException.class, failure).failure());
        final Path mediaDir = dir.toPath().resolve("+15550000022/media");
        assertFalse(Files.exists(mediaDir.resolve("777-photo.bin")));
        try (Stream<Path> partial = Files.list(mediaDir.resolve(".partial")))
        {
            assertEquals(0, partial.count(), "nothing of the bad download kept");
        }

        // a reference whose digest does not match what is stored arrives as a message: reported, never shown
        final byte[] digest = reference.digest().clone();
        digest[0] ^= 1;
        final MediaReference forged = new MediaReference(reference.url(), reference.key(), reference.noncePrefix(),
            digest, reference.ciphertextBytes(), reference.plaintextBytes(), reference.mimeType(),
            reference.fileName(), reference.thumbnail());
        bytes[1000] ^= 1;
        Files.write(blob, bytes);
        alice.client.send(bob.client.self().userId(), 0, forged.encode());
        final Failed failed = bob.failures.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(failed);
        assertEquals(MediaFailure.DIGEST_MISMATCH, failed.failure);
        assertTrue(bob.messages.isEmpty());
        assertNull(bob.stored.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldSendToAGroupWithAThumbnailForAnImage() throws Exception
    {
        startServer();
        final Device alice = device("+15550000031");
        final Device bob = device("+15550000032");
        final Device carol = device("+15550000033");
        final GroupInfo group = alice.client.createGroup("pics", List.of(bob.client.self().userId(),
            carol.client.self().userId())).get(TIMEOUT_S, TimeUnit.SECONDS);

        final BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        final Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.ORANGE);
        graphics.fillRect(0, 0, 640, 480);
        graphics.dispose();
        final Path png = dir.toPath().resolve("sunset.png");
        ImageIO.write(image, "png", png.toFile());

        alice.client.sendGroupMedia(group.groupId(), png, "image/png", null).get(TIMEOUT_S, TimeUnit.SECONDS);
        for (final Device member : new Device[]{ bob, carol })
        {
            final Stored stored = member.stored.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(stored);
            assertEquals(group.groupId(), stored.message.groupId());
            assertArrayEquals(Files.readAllBytes(png), Files.readAllBytes(stored.file));
            assertEquals("image/png", stored.reference.mimeType());
            final BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(stored.reference.thumbnail()));
            assertNotNull(thumbnail, "a JPEG thumbnail");
            assertEquals(64, thumbnail.getWidth());
            assertEquals(48, thumbnail.getHeight());
        }
    }

    @Test
    void shouldResumeADownloadFromWhatArrived() throws Exception
    {
        startServer();
        final Device alice = device("+15550000041");
        final Device bob = device("+15550000042", false);
        final Path file = file("video.bin", 3 << 20, 9);
        alice.client.sendMedia(bob.client.self().userId(), 0, file, "video/mp4", null)
            .get(TIMEOUT_S, TimeUnit.SECONDS);
        final MediaReference reference = bob.references.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(reference);

        final byte[] ciphertext = Files.readAllBytes(blobOf(reference));
        final Path partialDir = dir.toPath().resolve("+15550000042/media/.partial");
        Files.createDirectories(partialDir);
        final int half = ciphertext.length / 2;
        Files.write(partialDir.resolve(reference.mediaId()), java.util.Arrays.copyOf(ciphertext, half));
        final MediaCounters counters = server.server().media().counters();
        final long sentBefore = counters.get(MediaCounters.BYTES_SENT);

        final Path stored = bob.client.downloadMedia(reference, 4242, null);
        assertEquals(sha256(file), sha256(stored));
        assertEquals(ciphertext.length - half, counters.get(MediaCounters.BYTES_SENT) - sentBefore,
            "only the missing half travelled");
    }

    @Test
    void shouldRefuseTicketsAboveTheMaximumAndWhenMediaIsOff() throws Exception
    {
        startServer("switchboard.media.max.bytes=1000");
        final Device alice = device("+15550000051");
        final MediaTicket ticket = alice.client.requestMediaTicket(1000).get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(1000, ticket.maxBytes());
        assertEquals(server.server().media().port(), ticket.mediaPort());
        assertTrue(ticket.expiresAtMs() > System.currentTimeMillis());

        final ExecutionException tooLarge = assertThrows(ExecutionException.class,
            () -> alice.client.requestMediaTicket(1001).get(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(ErrorCode.MEDIA_TOO_LARGE,
            assertInstanceOf(SwitchboardException.class, tooLarge.getCause()).code());

        final CompletableFuture<Long> sent = alice.client.sendMedia(alice.client.self().userId(), 0,
            file("big.bin", 2000, 1), "application/octet-stream", null);
        assertThrows(ExecutionException.class, () -> sent.get(TIMEOUT_S, TimeUnit.SECONDS));

        CloseHelper.quietCloseAll(closeables);
        closeables.clear();
        server.close();
        server = TestServer.launch(new File(dir, "off"));
        assertNull(server.server().media());
        final Device off = device("+15550000052");
        final ExecutionException unavailable = assertThrows(ExecutionException.class,
            () -> off.client.requestMediaTicket(10).get(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(ErrorCode.MEDIA_UNAVAILABLE,
            assertInstanceOf(SwitchboardException.class, unavailable.getCause()).code());
    }

    private record Stored(IncomingMessage message, MediaReference reference, Path file)
    {
    }

    private record Failed(MediaReference reference, MediaFailure failure, String detail)
    {
    }

    private static final class Device implements ClientListener, MediaListener
    {
        final LinkedBlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<MediaReference> references = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Stored> stored = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Failed> failures = new LinkedBlockingQueue<>();
        volatile boolean autoDownload = true;
        SwitchboardClient client;

        public void onMessage(final IncomingMessage message)
        {
            messages.add(message);
        }

        public void onMediaMessage(final IncomingMessage message, final MediaReference reference)
        {
            references.add(reference);
            if (!autoDownload)
            {
                // stand-in for a user who has not opened it yet: the reference is all that is stored
                stored.add(new Stored(message, reference, null));
            }
        }

        public void onMediaStored(final IncomingMessage message, final MediaReference reference, final Path file)
        {
            stored.add(new Stored(message, reference, file));
        }

        public void onMediaFailed(
            final IncomingMessage message,
            final MediaReference reference,
            final MediaFailure failure,
            final String detail)
        {
            failures.add(new Failed(reference, failure, detail));
        }
    }
}
