package dev.switchboard.bench;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeliverAckDecoder;
import dev.switchboard.codec.sbe.DeliverEncoder;
import dev.switchboard.codec.sbe.LoginAckEncoder;
import dev.switchboard.codec.sbe.LoginChallengeEncoder;
import dev.switchboard.codec.sbe.LoginProofDecoder;
import dev.switchboard.codec.sbe.LoginStartDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.PingEncoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.ReceiptEncoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.SentAckEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A load connection against a scripted server on loopback: login by signed challenge, acknowledgement of deliveries
 * and receipts, pongs, sends carrying their stamp, sent acks.
 */
@Timeout(30)
class LoadPollerTest
{
    private static final int HEADER = Sofh.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH;

    @TempDir
    File dataDir;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    @Test
    void shouldLogInAcknowledgeAnswerPingsAndSendStampedMessages() throws Exception
    {
        final DeviceBook book = oneDevice(dataDir);

        try (ServerSocketChannel acceptor = ServerSocketChannel.open())
        {
            acceptor.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final CompletableFuture<List<String>> script = CompletableFuture.supplyAsync(() -> serve(acceptor, book));
            final RecordingListener listener = new RecordingListener();
            try (LoadPoller poller = new LoadPoller((InetSocketAddress)acceptor.getLocalAddress(),
                List.of(InetAddress.getLoopbackAddress()), book, null, listener, 8))
            {
                final LoadConnection connection = new LoadConnection(0, book.get(0), 256);
                poller.start(connection, true);
                assertTrue(LoadRig.pollUntil(poller, () -> listener.stamps.size() == 1 && poller.counters().receipts == 1,
                    TimeUnit.SECONDS.toNanos(10)),
                    () -> "script: " + script.getNow(null) + ", counters: " + poller.counters().toMap());
                assertEquals(LoadConnection.State.READY, connection.state);
                assertEquals(7, connection.pendingCount);
                assertEquals(List.of(77L), listener.senders);
                assertEquals(List.of(1234L), listener.stamps);

                final Device to = new Device("+1", 88, 2);
                assertTrue(poller.send(connection, to, 500, 987_654_321L, 40));
                assertTrue(LoadRig.pollUntil(poller, () -> listener.sentAcks.size() == 1,
                    TimeUnit.SECONDS.toNanos(10)), () -> "script: " + script.getNow(null));
                assertEquals(List.of(500L), listener.sentAcks);

                assertEquals(List.of("LoginProof verified", "Pong 42", "DeliverAck 9", "DeliverAck 10",
                    "Send 500 to 88/2 payload 40 stamp 987654321"), script.get(10, TimeUnit.SECONDS));
                assertEquals(1, poller.counters().loggedIn);
                assertEquals(1, poller.counters().receipts);
            }
        }
    }

    @Test
    void shouldHoldAReceiptsAckUntilTheConnectionsNextFrame() throws Exception
    {
        final DeviceBook book = oneDevice(dataDir);
        try (ServerSocketChannel acceptor = ServerSocketChannel.open())
        {
            acceptor.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final CompletableFuture<List<String>> script =
                CompletableFuture.supplyAsync(() -> serveReceipts(acceptor, book, 1, true));
            final RecordingListener listener = new RecordingListener();
            try (LoadPoller poller = new LoadPoller((InetSocketAddress)acceptor.getLocalAddress(),
                List.of(InetAddress.getLoopbackAddress()), book, null, listener, 8)
                .receiptAckDelayNs(TimeUnit.HOURS.toNanos(1)))
            {
                final LoadConnection connection = new LoadConnection(0, book.get(0), 256);
                poller.start(connection, true);
                assertTrue(LoadRig.pollUntil(poller, () -> poller.counters().receipts == 1,
                    TimeUnit.SECONDS.toNanos(10)), () -> "script: " + script.getNow(null));
                LoadRig.pollUntil(poller, () -> false, TimeUnit.MILLISECONDS.toNanos(200));
                assertTrue(connection.hasPendingOutput(), "the ack waits in the output");
                assertEquals(connection.out.position(), connection.heldAckBytes);

                assertTrue(poller.send(connection, new Device("+1", 88, 2), 500, 1L, 40));
                assertEquals(0, connection.heldAckBytes);
                assertEquals(List.of("LoginProof verified", "DeliverAck 100", "Send 500"),
                    script.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void shouldSendHeldReceiptAcksAloneAfterTheDelayOrWhenSixteenWait() throws Exception
    {
        for (final int receipts : new int[] { 1, 16 })
        {
            final DeviceBook book = oneDevice(new File(dataDir, receipts + "-receipts"));
            try (ServerSocketChannel acceptor = ServerSocketChannel.open())
            {
                acceptor.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                final CompletableFuture<List<String>> script =
                    CompletableFuture.supplyAsync(() -> serveReceipts(acceptor, book, receipts, false));
                final long delayNs = 1 == receipts ? TimeUnit.MILLISECONDS.toNanos(50) : TimeUnit.HOURS.toNanos(1);
                try (LoadPoller poller = new LoadPoller((InetSocketAddress)acceptor.getLocalAddress(),
                    List.of(InetAddress.getLoopbackAddress()), book, null, new RecordingListener(), 8)
                    .receiptAckDelayNs(delayNs))
                {
                    final LoadConnection connection = new LoadConnection(0, book.get(0), 256);
                    poller.start(connection, true);
                    assertTrue(LoadRig.pollUntil(poller, script::isDone, TimeUnit.SECONDS.toNanos(10)),
                        () -> receipts + " receipts, script: " + script.getNow(null));
                    final List<String> expected = new ArrayList<>(List.of("LoginProof verified"));
                    for (int i = 0; i < receipts; i++)
                    {
                        expected.add("DeliverAck " + (100 + i));
                    }
                    assertEquals(expected, script.get());
                    assertEquals(0, connection.heldAckBytes);
                }
            }
        }
    }

    private static DeviceBook oneDevice(final File dir) throws IOException
    {
        final DeviceBook book = DeviceBook.open(dir);
        final List<Device> devices = book.missing(1);
        devices.get(0).userId = 5;
        devices.get(0).deviceId = 1;
        book.addRegistered(devices);
        return book;
    }

    /** Log in, send {@code count} receipts, read their acks and, if asked, the Send that follows them. */
    private List<String> serveReceipts(
        final ServerSocketChannel acceptor, final DeviceBook book, final int count, final boolean thenSend)
    {
        final List<String> seen = new ArrayList<>();
        final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        try (SocketChannel channel = acceptor.accept())
        {
            seen.add(logIn(channel, book, out));
            final ReceiptEncoder receipt = new ReceiptEncoder();
            for (int i = 0; i < count; i++)
            {
                receipt.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).messageId(100 + i)
                    .originalMessageId(3).receiptType(ReceiptType.DELIVERED).timestampMs(1);
                receipt.from().userId(77).deviceId(1);
                write(channel, out, receipt.encodedLength());
            }
            for (int i = 0; i < count; i++)
            {
                seen.add("DeliverAck " + readFrame(channel, DeliverAckDecoder.TEMPLATE_ID).getLong(HEADER,
                    LITTLE_ENDIAN));
            }
            if (thenSend)
            {
                final UnsafeBuffer sendFrame = readFrame(channel, SendDecoder.TEMPLATE_ID);
                seen.add("Send " + new SendDecoder().wrap(sendFrame, HEADER, SendDecoder.BLOCK_LENGTH, 1)
                    .clientMsgId());
            }
            return seen;
        }
        catch (final Exception | AssertionError ex)
        {
            seen.add("failed: " + ex);
            return seen;
        }
    }

    private List<String> serve(final ServerSocketChannel acceptor, final DeviceBook book)
    {
        final List<String> seen = new ArrayList<>();
        final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        try (SocketChannel channel = acceptor.accept())
        {
            seen.add(logIn(channel, book, out));

            final PingEncoder ping = new PingEncoder();
            ping.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).timestampNs(42);
            write(channel, out, ping.encodedLength());

            final byte[] payload = new byte[32];
            new UnsafeBuffer(payload).putLong(0, 1234, LITTLE_ENDIAN);
            final DeliverEncoder deliver = new DeliverEncoder();
            deliver.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).messageId(9).timestampMs(1);
            deliver.from().userId(77).deviceId(1);
            deliver.groupId(0).putPayload(payload, 0, payload.length);
            write(channel, out, deliver.encodedLength());

            final ReceiptEncoder receipt = new ReceiptEncoder();
            receipt.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).messageId(10).originalMessageId(3)
                .receiptType(ReceiptType.DELIVERED).timestampMs(1);
            receipt.from().userId(77).deviceId(1);
            write(channel, out, receipt.encodedLength());

            final UnsafeBuffer pong = readFrame(channel, PongDecoder.TEMPLATE_ID);
            seen.add("Pong " + pong.getLong(HEADER, LITTLE_ENDIAN));
            for (int i = 0; i < 2; i++)
            {
                final UnsafeBuffer ack = readFrame(channel, DeliverAckDecoder.TEMPLATE_ID);
                seen.add("DeliverAck " + ack.getLong(HEADER, LITTLE_ENDIAN));
            }

            final UnsafeBuffer sendFrame = readFrame(channel, SendDecoder.TEMPLATE_ID);
            final SendDecoder send = new SendDecoder().wrap(sendFrame, HEADER, SendDecoder.BLOCK_LENGTH, 1);
            final long clientMsgId = send.clientMsgId();
            final String to = send.to().userId() + "/" + send.to().deviceId();
            final int length = send.payloadLength();
            final byte[] sent = new byte[length];
            send.getPayload(sent, 0, length);
            seen.add("Send " + clientMsgId + " to " + to + " payload " + length + " stamp " +
                new UnsafeBuffer(sent).getLong(0, LITTLE_ENDIAN));

            final SentAckEncoder sentAck = new SentAckEncoder();
            sentAck.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).clientMsgId(clientMsgId)
                .messageId(11).timestampMs(1);
            write(channel, out, sentAck.encodedLength());
            return seen;
        }
        catch (final Exception | AssertionError ex)
        {
            seen.add("failed: " + ex);
            return seen;
        }
    }

    /** The server's side of a login by signed challenge; what it found of the proof. */
    private String logIn(final SocketChannel channel, final DeviceBook book, final UnsafeBuffer out) throws Exception
    {
        final UnsafeBuffer loginStart = readFrame(channel, LoginStartDecoder.TEMPLATE_ID);
        assertEquals(5, new LoginStartDecoder().wrap(loginStart, HEADER, LoginStartDecoder.BLOCK_LENGTH, 1)
            .device().userId());
        final byte[] nonce = new byte[32];
        nonce[3] = 3;
        final LoginChallengeEncoder challenge = new LoginChallengeEncoder();
        challenge.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(3)
            .putNonce(nonce, 0, nonce.length);
        write(channel, out, challenge.encodedLength());

        final UnsafeBuffer proofFrame = readFrame(channel, LoginProofDecoder.TEMPLATE_ID);
        final LoginProofDecoder proof = new LoginProofDecoder()
            .wrap(proofFrame, HEADER, LoginProofDecoder.BLOCK_LENGTH, 1);
        final byte[] signature = new byte[proof.signatureLength()];
        proof.getSignature(signature, 0, signature.length);
        final Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
            HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(book.rawPublicKey())))));
        verifier.update(nonce);

        final LoginAckEncoder loginAck = new LoginAckEncoder();
        loginAck.wrapAndApplyHeader(out, Sofh.HEADER_LENGTH, headerEncoder).requestId(4).pendingCount(7);
        loginAck.device().userId(5).deviceId(1);
        write(channel, out, loginAck.encodedLength());
        return verifier.verify(signature) ? "LoginProof verified" : "LoginProof wrong";
    }

    private UnsafeBuffer readFrame(final SocketChannel channel, final int expectedTemplateId) throws IOException
    {
        final ByteBuffer header = ByteBuffer.allocate(Sofh.HEADER_LENGTH);
        readFully(channel, header);
        final int length = header.getInt(0);
        final ByteBuffer frame = ByteBuffer.allocate(length);
        frame.put(header.flip());
        readFully(channel, frame);
        final UnsafeBuffer buffer = new UnsafeBuffer(frame.array());
        headerDecoder.wrap(buffer, Sofh.HEADER_LENGTH);
        assertEquals(expectedTemplateId, headerDecoder.templateId());
        return buffer;
    }

    private static void readFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new IOException("closed");
            }
        }
    }

    private static void write(final SocketChannel channel, final UnsafeBuffer out, final int bodyLength)
        throws IOException
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(out, 0, messageLength);
        final ByteBuffer bytes = out.byteBuffer().duplicate();
        bytes.clear().limit(Sofh.HEADER_LENGTH + messageLength);
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
    }

    private static final class RecordingListener implements LoadListener
    {
        final List<Long> stamps = new ArrayList<>();
        final List<Long> senders = new ArrayList<>();
        final List<Long> sentAcks = new ArrayList<>();

        public void onDeliver(
            final LoadConnection to,
            final long fromUserId,
            final DirectBuffer buffer,
            final int payloadOffset,
            final int payloadLength,
            final long nowNs)
        {
            senders.add(fromUserId);
            stamps.add(buffer.getLong(payloadOffset, LITTLE_ENDIAN));
        }

        public void onSentAck(final LoadConnection from, final long clientMsgId, final long nowNs)
        {
            sentAcks.add(clientMsgId);
        }
    }
}
