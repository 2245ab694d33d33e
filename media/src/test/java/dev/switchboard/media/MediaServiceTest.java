package dev.switchboard.media;

import dev.switchboard.codec.MediaTickets;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaServiceTest
{
    private static final long START_MS = 1_795_000_000_000L;
    private static final long USER = 1_000_042L;
    private static final long OTHER_USER = 1_000_043L;

    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final byte[] secret = new byte[MediaTickets.SECRET_LENGTH];
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MediaService service;
    private String base;

    @BeforeEach
    void setUp()
    {
        clock.update(START_MS);
        new Random(7).nextBytes(secret);
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.quietClose(service);
    }

    private void start(final MediaContext ctx)
    {
        service = MediaService.launch(ctx
            .port(0)
            .bindAddress("127.0.0.1")
            .dataDir(dir.resolve("media").toFile())
            .secret(secret)
            .epochClock(clock)
            .sweepIntervalNs(TimeUnit.HOURS.toNanos(1)));
        base = "http://127.0.0.1:" + service.port();
    }

    private void start()
    {
        start(new MediaContext());
    }

    private String ticket(final long userId, final long maxBytes, final long expiresAtMs)
    {
        return ticket(secret, userId, maxBytes, expiresAtMs);
    }

    private static String ticket(final byte[] secret, final long userId, final long maxBytes, final long expiresAtMs)
    {
        final byte[] bytes = new byte[MediaTickets.LENGTH];
        new MediaTickets(secret).issue(userId, 1, maxBytes, expiresAtMs, new Random().nextLong(), bytes, 0);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String ticket(final long maxBytes)
    {
        return ticket(USER, maxBytes, clock.time() + 60_000);
    }

    private HttpResponse<Void> create(final String ticket, final long length) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/files/"))
            .header("Tus-Resumable", "1.0.0")
            .header("Authorization", "Bearer " + ticket)
            .header("Upload-Length", Long.toString(length))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    private String createLocation(final String ticket, final long length) throws Exception
    {
        final HttpResponse<Void> created = create(ticket, length);
        assertEquals(201, created.statusCode());
        return base + created.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<Void> patch(
        final String location, final String ticket, final long offset, final HttpRequest.BodyPublisher body)
        throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(location))
            .header("Tus-Resumable", "1.0.0")
            .header("Authorization", "Bearer " + ticket)
            .header("Upload-Offset", Long.toString(offset))
            .header("Content-Type", "application/offset+octet-stream")
            .method("PATCH", body).build(), HttpResponse.BodyHandlers.discarding());
    }

    private HttpResponse<Void> head(final String location, final String ticket) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(location))
            .header("Tus-Resumable", "1.0.0")
            .header("Authorization", "Bearer " + ticket)
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    private String upload(final byte[] bytes) throws Exception
    {
        final String ticket = ticket(bytes.length);
        final String location = createLocation(ticket, bytes.length);
        if (0 == bytes.length)
        {
            return head(location, ticket).headers().firstValue(MediaHandler.MEDIA_ID_HEADER).orElseThrow();
        }
        final HttpResponse<Void> patched = patch(location, ticket, 0, HttpRequest.BodyPublishers.ofByteArray(bytes));
        assertEquals(204, patched.statusCode());
        assertEquals(Long.toString(bytes.length), patched.headers().firstValue("Upload-Offset").orElseThrow());
        return patched.headers().firstValue(MediaHandler.MEDIA_ID_HEADER).orElseThrow();
    }

    private HttpResponse<byte[]> get(final String mediaId, final String range) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/media/" + mediaId)).GET();
        if (null != range)
        {
            request.header("Range", range);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] random(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(final Path file) throws IOException
    {
        return BlobStore.hex(BlobStore.sha256(file, new byte[65536]));
    }

    @Test
    void shouldRoundTripEmptyOneByteAndFiveMebibyteBlobsByTheirDigest() throws Exception
    {
        start();
        for (final int length : new int[]{ 0, 1, 5 << 20 })
        {
            final byte[] bytes = random(length, length);
            final String mediaId = upload(bytes);
            final Path stored = dir.resolve("media/blobs").resolve(mediaId.substring(0, 2)).resolve(mediaId);
            assertEquals(mediaId, sha256(stored), "content address of " + length);

            final HttpResponse<byte[]> got = get(mediaId, null);
            assertEquals(200, got.statusCode());
            assertEquals(Long.toString(length), got.headers().firstValue("Content-Length").orElseThrow());
            assertArrayEquals(bytes, got.body(), "bytes of " + length);
        }
        assertEquals(3, service.counters().get(MediaCounters.UPLOADS_COMPLETED));
        assertEquals(0, Files.list(dir.resolve("media/uploads")).count());
    }

    @Test
    void shouldRoundTripOneHundredMebibytesStreamedFromAndToFiles() throws Exception
    {
        start();
        final int length = 100 << 20;
        final Path source = dir.resolve("source.bin");
        final Path target = dir.resolve("target.bin");
        try (OutputStream out = Files.newOutputStream(source))
        {
            final Random random = new Random(100);
            final byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 100; i++)
            {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        final String ticket = ticket(length);
        final String location = createLocation(ticket, length);
        final HttpResponse<Void> patched = patch(location, ticket, 0, HttpRequest.BodyPublishers.ofFile(source));
        assertEquals(204, patched.statusCode());
        final String mediaId = patched.headers().firstValue(MediaHandler.MEDIA_ID_HEADER).orElseThrow();
        assertEquals(sha256(source), mediaId);

        final HttpResponse<Path> got = http.send(HttpRequest.newBuilder(URI.create(base + "/media/" + mediaId))
            .GET().build(), HttpResponse.BodyHandlers.ofFile(target));
        assertEquals(200, got.statusCode());
        assertEquals(length, Files.size(target));
        assertEquals(mediaId, sha256(target));
        Files.delete(source);
        Files.delete(target);
    }

    @Test
    void shouldResumeAnUploadAtTheOffsetTheServerTells() throws Exception
    {
        start();
        final byte[] bytes = random(300_000, 1);
        final String ticket = ticket(bytes.length);
        final String location = createLocation(ticket, bytes.length);
        assertEquals("0", head(location, ticket).headers().firstValue("Upload-Offset").orElseThrow());

        final HttpResponse<Void> first = patch(location, ticket, 0,
            HttpRequest.BodyPublishers.ofByteArray(bytes, 0, 100_000));
        assertEquals(204, first.statusCode());
        assertTrue(first.headers().firstValue(MediaHandler.MEDIA_ID_HEADER).isEmpty());
        assertEquals("100000", head(location, ticket).headers().firstValue("Upload-Offset").orElseThrow());

        final HttpResponse<Void> wrongOffset = patch(location, ticket, 0,
            HttpRequest.BodyPublishers.ofByteArray(bytes, 0, 100_000));
        assertEquals(409, wrongOffset.statusCode());

        final HttpResponse<Void> rest = patch(location, ticket, 100_000,
            HttpRequest.BodyPublishers.ofByteArray(bytes, 100_000, 200_000));
        assertEquals(204, rest.statusCode());
        final String mediaId = rest.headers().firstValue(MediaHandler.MEDIA_ID_HEADER).orElseThrow();
        assertArrayEquals(bytes, get(mediaId, null).body());
        assertEquals(mediaId, head(location, ticket).headers().firstValue(MediaHandler.MEDIA_ID_HEADER).orElseThrow());
    }

    @Test
    void shouldAnswerAPatchAtTheWrongOffsetOnAConnectionThatStaysOpen() throws Exception
    {
        start();
        final byte[] bytes = random(300_000, 3);
        final String ticket = ticket(bytes.length);
        final String path = URI.create(createLocation(ticket, bytes.length)).getPath();
        final String auth = "Host: localhost\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer " + ticket + "\r\n";
        try (Socket socket = new Socket("127.0.0.1", service.port()))
        {
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\n" + auth + "Upload-Offset: 100000\r\n" +
                "Content-Type: application/offset+octet-stream\r\nContent-Length: 200000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 100_000, 100_000);
            out.flush();
            // the rest of the body follows only once the service has refused the request, as a client streaming a
            // large body would still be sending it
            awaitCounter(MediaCounters.BAD_REQUESTS, 1, "the PATCH was never refused");
            out.write(bytes, 200_000, 100_000);
            out.flush();
            final String refused = readHead(in);
            assertTrue(refused.startsWith("HTTP/1.1 409"), refused);
            assertTrue(refused.contains("Upload-Offset: 0"), refused);
            assertFalse(refused.toLowerCase().contains("connection: close"), refused);

            // the same connection carries the client's next request: it asks where to resume
            out.write(("HEAD " + path + " HTTP/1.1\r\n" + auth + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.contains("Upload-Offset: 0"), head);
        }
        assertEquals(0, service.counters().get(MediaCounters.BYTES_RECEIVED));
    }

    private void awaitCounter(final int counter, final long atLeast, final String failure) throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + 10_000;
        while (service.counters().get(counter) < atLeast)
        {
            assertTrue(System.currentTimeMillis() < deadlineMs, failure);
            Thread.sleep(5);
        }
    }

    /** A response's status line and headers, up to the blank line; it fails if the connection ends first. */
    private static String readHead(final InputStream in) throws IOException
    {
        final StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !"\r\n\r\n".contentEquals(head.subSequence(head.length() - 4, head.length())))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char)b);
        }
        return head.toString();
    }

    @Test
    void shouldKeepTheBytesOfAnUploadCutOffMidBodyAndResumeFromThem() throws Exception
    {
        start();
        final byte[] bytes = random(200_000, 2);
        final String ticket = ticket(bytes.length);
        final String location = createLocation(ticket, bytes.length);
        final String path = URI.create(location).getPath();
        try (Socket socket = new Socket("127.0.0.1", service.port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\n" +
                "Authorization: Bearer " + ticket + "\r\nUpload-Offset: 0\r\n" +
                "Content-Type: application/offset+octet-stream\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 70_000);
            out.flush();
            awaitOffset(location, ticket, 70_000);
        }
        // the worker sees the end of the stream and lets go of the upload
        final long deadlineMs = System.currentTimeMillis() + 10_000;
        HttpResponse<Void> rest;
        do
        {
            rest = patch(location, ticket, 70_000, HttpRequest.BodyPublishers.ofByteArray(bytes, 70_000, 130_000));
        }
        while (409 == rest.statusCode() && System.currentTimeMillis() < deadlineMs);
        assertEquals(204, rest.statusCode());
        assertArrayEquals(bytes, get(rest.headers().firstValue(MediaHandler.MEDIA_ID_HEADER).orElseThrow(), null)
            .body());
    }

    private void awaitOffset(final String location, final String ticket, final long offset) throws Exception
    {
        final long deadlineMs = System.currentTimeMillis() + 10_000;
        while (Long.parseLong(head(location, ticket).headers().firstValue("Upload-Offset").orElseThrow()) != offset)
        {
            assertTrue(System.currentTimeMillis() < deadlineMs, "offset never reached " + offset);
            Thread.sleep(10);
        }
    }

    @Test
    void shouldServeRangesAndRefuseUnsatisfiableOnes() throws Exception
    {
        start();
        final byte[] bytes = random(10_000, 3);
        final String mediaId = upload(bytes);

        final HttpResponse<byte[]> tail = get(mediaId, "bytes=4000-");
        assertEquals(206, tail.statusCode());
        assertEquals("bytes 4000-9999/10000", tail.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(bytes, 4000, 10_000), tail.body());

        final HttpResponse<byte[]> middle = get(mediaId, "bytes=10-19");
        assertArrayEquals(Arrays.copyOfRange(bytes, 10, 20), middle.body());
        final HttpResponse<byte[]> suffix = get(mediaId, "bytes=-100");
        assertArrayEquals(Arrays.copyOfRange(bytes, 9_900, 10_000), suffix.body());
        final HttpResponse<byte[]> pastEnd = get(mediaId, "bytes=9990-20000");
        assertArrayEquals(Arrays.copyOfRange(bytes, 9_990, 10_000), pastEnd.body());

        for (final String bad : new String[]{ "bytes=10000-", "bytes=5-4", "bytes=0-1,5-6", "items=0-1", "bytes=x-",
            "bytes=-0", "bytes=99999999999999999999-" })
        {
            final HttpResponse<byte[]> refused = get(mediaId, bad);
            assertEquals(416, refused.statusCode(), bad);
            assertEquals("bytes */10000", refused.headers().firstValue("Content-Range").orElseThrow(), bad);
        }
    }

    @Test
    void shouldAnswerAHeadOfABlobWithItsLengthAndNoBody() throws Exception
    {
        start();
        final byte[] bytes = random(10_000, 11);
        final String mediaId = upload(bytes);
        final HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(base + "/media/" + mediaId))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals("10000", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("bytes", head.headers().firstValue("Accept-Ranges").orElseThrow());
        assertEquals('"' + mediaId + '"', head.headers().firstValue("ETag").orElseThrow());
        assertEquals(0, head.body().length);
        assertArrayEquals(bytes, get(mediaId, null).body(), "the connection still serves a GET after the HEAD");
        assertEquals(0, service.counters().get(MediaCounters.DOWNLOADS) - 1, "a HEAD is not a download");
    }

    @Test
    void shouldAnswerNotFoundForUnknownAndMalformedIds() throws Exception
    {
        start();
        assertEquals(404, get("ab".repeat(32), null).statusCode());
        assertEquals(404, get("AB".repeat(32), null).statusCode());
        assertEquals(404, get("../ticket.secret", null).statusCode());
        assertEquals(404, get("", null).statusCode());
        final String ticket = ticket(10);
        assertEquals(404, head(base + "/files/0123456789abcdef0123456789abcdef", ticket).statusCode());
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/other")).GET().build(),
            HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void shouldRefuseMissingWrongAndExpiredTickets() throws Exception
    {
        start();
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/files/"))
            .header("Tus-Resumable", "1.0.0").header("Upload-Length", "10")
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(401, create("not*base64", 10).statusCode());
        assertEquals(401, create("AAAA", 10).statusCode());

        final byte[] otherSecret = secret.clone();
        otherSecret[0] ^= 1;
        assertEquals(403, create(ticket(otherSecret, USER, 10, START_MS + 60_000), 10).statusCode());
        assertEquals(403, create(ticket(USER, 10, START_MS), 10).statusCode());

        final String ticket = ticket(10);
        final String location = createLocation(ticket, 10);
        clock.update(START_MS + 60_000);
        assertEquals(403, head(location, ticket).statusCode(), "expired since");
        final String fresh = ticket(USER, 10, START_MS + 120_000);
        assertEquals(200, head(location, fresh).statusCode(), "a new ticket resumes");
        assertEquals(403, head(location, ticket(OTHER_USER, 10, START_MS + 120_000)).statusCode(), "other user");
        assertEquals(7, service.counters().get(MediaCounters.TICKETS_REFUSED));
    }

    @Test
    void shouldRequireATicketToDownloadWhenConfigured() throws Exception
    {
        start(new MediaContext().downloadTicket(true));
        final byte[] bytes = random(100, 4);
        final String mediaId = upload(bytes);
        assertEquals(401, get(mediaId, null).statusCode());
        final HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(base + "/media/" + mediaId))
            .header("Authorization", "Bearer " + ticket(OTHER_USER, 0, START_MS + 1_000)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(bytes, got.body());
    }

    @Test
    void shouldRefuseOversizeUploadsByLengthAndWhileStreaming() throws Exception
    {
        start(new MediaContext().maxBytes(1000));
        assertEquals(413, create(ticket(5000), 1001).statusCode(), "past the service maximum");
        assertEquals(413, create(ticket(500), 501).statusCode(), "past the ticket");

        final String ticket = ticket(1000);
        final String location = createLocation(ticket, 1000);
        assertEquals(413, patch(location, ticket, 0, HttpRequest.BodyPublishers.ofByteArray(new byte[1001]))
            .statusCode(), "by Content-Length");

        // a body without Content-Length (chunked) is cut off at the upload's length
        final HttpResponse<Void> chunked = patch(location, ticket, 0, HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(new byte[1500])));
        assertEquals(413, chunked.statusCode(), "while streaming");
        assertEquals("0", head(location, ticket).headers().firstValue("Upload-Offset").orElseThrow());
        assertEquals(0, Files.size(dir.resolve("media/uploads").resolve(
            location.substring(location.lastIndexOf('/') + 1) + ".part")));
        assertEquals(3, service.counters().get(MediaCounters.TOO_LARGE) - 1);
    }

    @Test
    void shouldEnforceTheDailyQuotaAndGiveBackWhatALapsedUploadReserved() throws Exception
    {
        start(new MediaContext().quotaBytesPerDay(1000).uploadDeadlineNs(TimeUnit.MINUTES.toNanos(10)));
        upload(random(600, 5));
        assertEquals(429, create(ticket(500), 500).statusCode());
        final String ticket = ticket(400);
        final String location = createLocation(ticket, 400);
        assertEquals(1000, service.quotaUsed(USER));
        assertEquals(204, patch(location, ticket, 0, HttpRequest.BodyPublishers.ofByteArray(new byte[100]))
            .statusCode());
        final Path part = dir.resolve("media/uploads").resolve(location.substring(location.lastIndexOf('/') + 1) +
            ".part");
        assertEquals(100, Files.size(part));
        assertEquals(429, create(ticket(1), 1).statusCode(), "the unfinished upload still counts");

        clock.update(START_MS + TimeUnit.MINUTES.toMillis(10));
        service.sweep();
        assertFalse(Files.exists(part), "partial file deleted");
        assertEquals(600, service.quotaUsed(USER));
        assertEquals(1, service.counters().get(MediaCounters.UPLOADS_LAPSED));
        final String fresh = ticket(USER, 400, clock.time() + 60_000);
        assertEquals(404, head(location, fresh).statusCode());
        assertEquals(201, create(fresh, 400).statusCode());

        clock.update(START_MS + TimeUnit.DAYS.toMillis(1));
        assertEquals(0, service.quotaUsed(USER), "a new day");
        assertEquals(201, create(ticket(USER, 1000, clock.time() + 60_000), 1000).statusCode());
    }

    @Test
    void shouldKeepTheDaysQuotaAndResumeAPartialUploadAfterARestart() throws Exception
    {
        final MediaContext settings = new MediaContext().quotaBytesPerDay(1_000_000);
        start(settings);
        final String first = upload(random(200_000, 8));
        final byte[] bytes = random(300_000, 9);
        final String ticket = ticket(bytes.length);
        final String path = URI.create(createLocation(ticket, bytes.length)).getPath();
        assertEquals(204, patch(base + path, ticket, 0, HttpRequest.BodyPublishers.ofByteArray(bytes, 0, 120_000))
            .statusCode());
        assertEquals(500_000, service.quotaUsed(USER));

        // a second service reads the folder while the first still runs: nothing is written at close, as after kill -9
        final MediaService before = service;
        start(settings);
        before.close();
        assertEquals(500_000, service.quotaUsed(USER), "the day's count survives");
        assertEquals(2, service.uploadCount(), "the partial upload and the complete one (until its deadline)");
        assertEquals(429, create(ticket(600_000), 600_000).statusCode());
        final HttpResponse<Void> head = head(base + path, ticket);
        assertEquals(200, head.statusCode());
        assertEquals("120000", head.headers().firstValue("Upload-Offset").orElseThrow());
        assertEquals("300000", head.headers().firstValue("Upload-Length").orElseThrow());
        assertEquals(409, patch(base + path, ticket, 0, HttpRequest.BodyPublishers.ofByteArray(bytes, 0, 10))
            .statusCode());

        final HttpResponse<Void> rest = patch(base + path, ticket, 120_000,
            HttpRequest.BodyPublishers.ofByteArray(bytes, 120_000, 180_000));
        assertEquals(204, rest.statusCode());
        final String mediaId = rest.headers().firstValue(MediaHandler.MEDIA_ID_HEADER).orElseThrow();
        assertEquals(BlobStore.hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)), mediaId,
            "the hash resumed from the partial file");
        assertArrayEquals(bytes, get(mediaId, null).body());
        assertEquals(200, get(first, null).statusCode());

        service.close();
        start(settings);
        assertEquals(mediaId, head(base + path, ticket).headers().firstValue(MediaHandler.MEDIA_ID_HEADER)
            .orElseThrow(), "a complete upload still tells its media id");
        assertEquals(500_000, service.quotaUsed(USER));
    }

    @Test
    void shouldReclaimAPartialUploadOfAnEarlierRunAtItsDeadline() throws Exception
    {
        final MediaContext settings = new MediaContext().quotaBytesPerDay(1000)
            .uploadDeadlineNs(TimeUnit.MINUTES.toNanos(10));
        start(settings);
        final String ticket = ticket(400);
        final String location = createLocation(ticket, 400);
        assertEquals(204, patch(location, ticket, 0, HttpRequest.BodyPublishers.ofByteArray(new byte[100]))
            .statusCode());
        final Path uploads = dir.resolve("media/uploads");
        final Path part = uploads.resolve(location.substring(location.lastIndexOf('/') + 1) + ".part");
        assertEquals(100, Files.size(part));
        service.close();

        start(settings);
        assertEquals(400, service.quotaUsed(USER));
        assertEquals(100, Files.size(part));
        clock.update(START_MS + TimeUnit.MINUTES.toMillis(10));
        service.sweep();
        assertFalse(Files.exists(part), "partial file deleted");
        assertEquals(0, Files.list(uploads).count());
        assertEquals(0, Files.list(dir.resolve("media/ledger/uploads")).count(), "its record too");
        assertEquals(0, service.quotaUsed(USER));
        assertEquals(1, service.counters().get(MediaCounters.UPLOADS_LAPSED));
        assertEquals(100, service.counters().get(MediaCounters.BYTES_RECLAIMED));
        service.close();

        start(settings);
        assertEquals(0, service.quotaUsed(USER), "the give-back was kept");
        assertEquals(0, service.uploadCount());
        assertEquals(201, create(ticket(USER, 1000, clock.time() + 60_000), 1000).statusCode());
    }

    @Test
    void shouldDropUnreadableLedgerFilesAndOrphanPartsAtStart() throws Exception
    {
        final Path uploads = Files.createDirectories(dir.resolve("media/uploads"));
        final Path records = Files.createDirectories(dir.resolve("media/ledger/uploads"));
        final Path quota = Files.createDirectories(dir.resolve("media/ledger/quota"));
        Files.writeString(records.resolve("0123456789abcdef0123456789abcdef.upload"), "1 2 x 4 -");
        Files.writeString(uploads.resolve("0123456789abcdef0123456789abcdef.part"), "its part");
        Files.writeString(uploads.resolve("fedcba9876543210fedcba9876543210.part"), "orphan");
        Files.writeString(records.resolve("00000000000000000000000000000000.upload.tmp"), "1 2 3 4 -");
        Files.writeString(quota.resolve(Long.toString(USER)), (START_MS / UploadQuota.DAY_MS - 1) + " 500");
        Files.writeString(quota.resolve(Long.toString(OTHER_USER)), (START_MS / UploadQuota.DAY_MS) + " 700");
        start();
        assertEquals(0, Files.list(uploads).count());
        assertEquals(0, Files.list(records).count());
        assertEquals(1, service.counters().get(MediaCounters.ERRORS), "the unreadable record");
        assertEquals(0, service.quotaUsed(USER), "a count of another day");
        assertEquals(700, service.quotaUsed(OTHER_USER));
        assertFalse(Files.exists(quota.resolve(Long.toString(USER))));
    }

    @Test
    void shouldStoreTheSameBytesOnceAndReclaimThemAfterTheExpiry() throws Exception
    {
        start(new MediaContext().expiryNs(TimeUnit.DAYS.toNanos(30)));
        final byte[] bytes = random(50_000, 6);
        final String first = upload(bytes);
        final String other = upload(random(1000, 7));
        clock.update(START_MS + TimeUnit.DAYS.toMillis(20));
        final String second = upload(bytes);
        assertEquals(first, second);
        assertEquals(bytes.length + 1000, service.storedBytes());
        assertEquals(1, service.counters().get(MediaCounters.UPLOADS_DEDUPLICATED));

        clock.update(START_MS + TimeUnit.DAYS.toMillis(31));
        service.sweep();
        assertEquals(200, get(first, null).statusCode(), "renewed by the second upload");
        assertEquals(404, get(other, null).statusCode());
        assertEquals(bytes.length, service.storedBytes());

        clock.update(START_MS + TimeUnit.DAYS.toMillis(50));
        service.sweep();
        assertEquals(404, get(first, null).statusCode());
        assertEquals(0, service.storedBytes());
        assertEquals(2, service.counters().get(MediaCounters.BLOBS_EXPIRED));
        assertEquals(bytes.length + 1000, service.counters().get(MediaCounters.BYTES_RECLAIMED));
    }

    @Test
    void shouldServeFiftyConcurrentUploads() throws Exception
    {
        start(new MediaContext().threads(8));
        final ExecutorService clients = Executors.newFixedThreadPool(50);
        try
        {
            final List<Future<String>> ids = new ArrayList<>();
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++)
            {
                final byte[] bytes = random(100_000 + i, 1000 + i);
                sent.add(bytes);
                ids.add(clients.submit(() -> upload(bytes)));
            }
            for (int i = 0; i < 50; i++)
            {
                final String mediaId = ids.get(i).get(60, TimeUnit.SECONDS);
                assertArrayEquals(sent.get(i), get(mediaId, null).body());
            }
        }
        finally
        {
            clients.shutdownNow();
        }
        assertEquals(50, service.counters().get(MediaCounters.UPLOADS_COMPLETED));
        assertEquals(0, service.counters().get(MediaCounters.ERRORS));
    }

    @Test
    void shouldCompleteUploadsIntactWhileRefusedOnesStreamOnOtherConnections() throws Exception
    {
        start(new MediaContext().threads(8).maxBytes(8 << 20));
        final int goodCount = 6;
        final ExecutorService clients = Executors.newFixedThreadPool(goodCount + 3);
        final AtomicBoolean uploading = new AtomicBoolean(true);
        final AtomicInteger refusedOversize = new AtomicInteger();
        final AtomicInteger refusedTicket = new AtomicInteger();
        try
        {
            final String smallTicket = ticket(1000);
            final List<Future<Integer>> refusers = new ArrayList<>();
            // oversize by Content-Length, oversize while streaming (chunked), and a ticket of another secret: each
            // sends a body of 2 MiB that the service never reads, and loops while the good uploads run
            final String[] kinds = { "length", "chunked", "ticket" };
            for (final String kind : kinds)
            {
                refusers.add(clients.submit(() ->
                {
                    int refused = 0;
                    while (uploading.get() || 0 == refused)
                    {
                        final String location = createLocation(smallTicket, 1000);
                        final int status = sendRefused(URI.create(location).getPath(), kind, smallTicket);
                        assertTrue(-1 == status || ("ticket".equals(kind) ? 403 : 413) == status, kind + " " + status);
                        (("ticket".equals(kind)) ? refusedTicket : refusedOversize).incrementAndGet();
                        refused++;
                    }
                    return refused;
                }));
            }
            final List<Future<String>> ids = new ArrayList<>();
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < goodCount; i++)
            {
                final byte[] bytes = random((4 << 20) + i, 2000 + i);
                sent.add(bytes);
                ids.add(clients.submit(() -> upload(bytes)));
            }
            for (int i = 0; i < goodCount; i++)
            {
                final String mediaId = ids.get(i).get(120, TimeUnit.SECONDS);
                assertArrayEquals(sent.get(i), get(mediaId, null).body(), "upload " + i);
            }
            uploading.set(false);
            for (final Future<Integer> refuser : refusers)
            {
                assertTrue(refuser.get(60, TimeUnit.SECONDS) > 0);
            }
        }
        finally
        {
            uploading.set(false);
            clients.shutdownNow();
        }
        assertEquals(goodCount, service.counters().get(MediaCounters.UPLOADS_COMPLETED));
        assertEquals(refusedOversize.get(), service.counters().get(MediaCounters.TOO_LARGE));
        assertEquals(refusedTicket.get(), service.counters().get(MediaCounters.TICKETS_REFUSED));
        assertEquals(0, service.counters().get(MediaCounters.ERRORS));
    }

    /**
     * A PATCH the service refuses, its 2 MiB body written by another thread while the answer is read; the status, or
     * -1 if the service closed the connection before the answer could be read (it drains a refused body only up to
     * 1 MiB).
     */
    private int sendRefused(final String path, final String kind, final String goodTicket) throws Exception
    {
        final byte[] body = new byte[2 << 20];
        final String ticket = "ticket".equals(kind) ? ticket(new byte[MediaTickets.SECRET_LENGTH], USER, 1000,
            clock.time() + 60_000) : goodTicket;
        final String framing = "chunked".equals(kind) ? "Transfer-Encoding: chunked\r\n" :
            "Content-Length: " + body.length + "\r\n";
        try (Socket socket = new Socket("127.0.0.1", service.port()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\n" +
                "Authorization: Bearer " + ticket + "\r\nUpload-Offset: 0\r\n" +
                "Content-Type: application/offset+octet-stream\r\n" + framing + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            final Thread writer = new Thread(() ->
            {
                try
                {
                    if ("chunked".equals(kind))
                    {
                        for (int i = 0; i < body.length; i += 65536)
                        {
                            out.write(("10000\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(body, i, 65536);
                            out.write(("\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(("0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    else
                    {
                        out.write(body);
                    }
                    out.flush();
                }
                catch (final IOException ignore)
                {
                    // the service closed the refused connection
                }
            });
            writer.start();
            int status;
            try
            {
                status = readStatus(socket.getInputStream());
            }
            catch (final IOException ex)
            {
                status = -1;
            }
            socket.close();
            writer.join(10_000);
            return status;
        }
    }

    @Test
    void shouldServeAtMostThreadsRequestsQueueMoreAndDropTheRest() throws Exception
    {
        start(new MediaContext().threads(1).queue(1));
        final byte[] bytes = random(1000, 10);
        final String ticket = ticket(bytes.length);
        final String path = URI.create(createLocation(ticket, bytes.length)).getPath();
        try (Socket slow = new Socket("127.0.0.1", service.port());
            Socket second = new Socket("127.0.0.1", service.port());
            Socket third = new Socket("127.0.0.1", service.port()))
        {
            // the one request slot: a PATCH whose body stops halfway
            final OutputStream out = slow.getOutputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\n" +
                "Authorization: Bearer " + ticket + "\r\nUpload-Offset: 0\r\n" +
                "Content-Type: application/offset+octet-stream\r\nContent-Length: 1000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 500);
            out.flush();
            awaitCounter(MediaCounters.BYTES_RECEIVED, 500, "the slow PATCH never started");
            final byte[] get = ("GET /media/" + "ab".repeat(32) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
            second.getOutputStream().write(get);
            third.getOutputStream().write(get);
            // one waits for the slot, the other finds the queue full: 503 at once
            final ExecutorService readers = Executors.newFixedThreadPool(2);
            try
            {
                final Future<Integer> secondStatus = readers.submit(() -> readStatus(second.getInputStream()));
                final Future<Integer> thirdStatus = readers.submit(() -> readStatus(third.getInputStream()));
                final int firstAnswer = waitAny(secondStatus, thirdStatus);
                assertEquals(503, firstAnswer);
                assertEquals(1, service.counters().get(MediaCounters.REQUESTS_DROPPED));
                out.write(bytes, 500, 500);
                out.flush();
                assertEquals(204, readStatus(slow.getInputStream()));
                final int later = secondStatus.isDone() && 503 == secondStatus.get() ? thirdStatus.get(10,
                    TimeUnit.SECONDS) : secondStatus.get(10, TimeUnit.SECONDS);
                assertEquals(404, later, "the waiting request is served once the slot is free");
            }
            finally
            {
                readers.shutdownNow();
            }
        }
        assertEquals(1, service.counters().get(MediaCounters.REQUESTS_DROPPED));
        assertEquals(1, service.counters().get(MediaCounters.UPLOADS_COMPLETED));
    }

    private static int waitAny(final Future<Integer> first, final Future<Integer> second) throws Exception
    {
        final long deadlineMs = System.currentTimeMillis() + 10_000;
        while (!first.isDone() && !second.isDone())
        {
            assertTrue(System.currentTimeMillis() < deadlineMs, "neither answered");
            Thread.sleep(5);
        }
        return first.isDone() ? first.get() : second.get();
    }

    @Test
    void shouldAnswerTusOptionsAndRefuseOtherVersions() throws Exception
    {
        start();
        final HttpResponse<Void> options = http.send(HttpRequest.newBuilder(URI.create(base + "/files/"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, options.statusCode());
        assertEquals("1.0.0", options.headers().firstValue("Tus-Version").orElseThrow());
        assertNotNull(options.headers().firstValue("Tus-Max-Size").orElse(null));
        final HttpResponse<Void> old = http.send(HttpRequest.newBuilder(URI.create(base + "/files/"))
            .header("Tus-Resumable", "0.2.2").header("Upload-Length", "1")
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(412, old.statusCode());
        assertNull(old.headers().firstValue("Location").orElse(null));
    }

    @Test
    void shouldKeepTheTicketSecretAcrossRestarts()
    {
        final Path mediaDir = dir.resolve("secret");
        final byte[] first = MediaSecret.loadOrCreate(mediaDir.toFile());
        assertEquals(MediaTickets.SECRET_LENGTH, first.length);
        assertArrayEquals(first, MediaSecret.loadOrCreate(mediaDir.toFile()));
    }

    static int readStatus(final InputStream in) throws IOException
    {
        final byte[] line = new byte[12];
        return 12 == in.readNBytes(line, 0, 12) ? Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII))
            : -1;
    }
}
