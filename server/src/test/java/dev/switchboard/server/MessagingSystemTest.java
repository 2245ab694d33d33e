package dev.switchboard.server;

import dev.switchboard.codec.sbe.DeliverDecoder;
import dev.switchboard.codec.sbe.ErrorCode;
import dev.switchboard.codec.sbe.LoginAckDecoder;
import dev.switchboard.codec.sbe.PongDecoder;
import dev.switchboard.codec.sbe.ReceiptDecoder;
import dev.switchboard.codec.sbe.ReceiptType;
import dev.switchboard.codec.sbe.SentAckDecoder;
import dev.switchboard.tuning.Profiles;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class MessagingSystemTest
{
    @TempDir
    File dataDir;

    private TestServer server;

    @BeforeEach
    void start()
    {
        server = TestServer.launch(dataDir, serverProperties());
    }

    /**
     * Settings of the server under test, as "name=value" system properties.
     */
    String[] serverProperties()
    {
        return new String[0];
    }

    /**
     * A profile's settings as "name=value" properties, as {@code switchboard server --profile NAME} applies them.
     */
    static String[] profile(final String name)
    {
        final List<String> properties = new ArrayList<>();
        Profiles.load(name).forEach((key, value) -> properties.add(key + "=" + ((String)value).trim()));
        properties.add(Profiles.PROFILE_PROP_NAME + "=" + name);
        return properties.toArray(new String[0]);
    }

    @AfterEach
    void stop()
    {
        CloseHelper.close(server);
    }

    private TestConnection connect() throws IOException
    {
        return server.connect();
    }

    private TestConnection device(final String phone) throws IOException
    {
        return server.device(phone);
    }

    @Test
    void shouldShowSentDeliveredReadInOrder() throws IOException
    {
        final TestConnection alice = device("+15551230001");
        final TestConnection bob = device("+15551230002");

        final byte[] hello = "Hello".getBytes(StandardCharsets.UTF_8);
        alice.send(1, bob.userId, 0, hello);

        final SentAckDecoder sent = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck();
        assertEquals(1, sent.clientMsgId());
        final long messageId = sent.messageId();

        final DeliverDecoder deliver = bob.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        assertEquals(messageId, deliver.messageId());
        assertEquals(alice.userId, deliver.from().userId());
        assertEquals(alice.deviceId, deliver.from().deviceId());
        final byte[] payload = new byte[deliver.payloadLength()];
        deliver.getPayload(payload, 0, payload.length);
        assertArrayEquals(hello, payload);

        bob.ack(messageId);
        final ReceiptDecoder delivered = alice.expect(ReceiptDecoder.TEMPLATE_ID).receipt();
        assertEquals(ReceiptType.DELIVERED, delivered.receiptType());
        assertEquals(messageId, delivered.originalMessageId());
        assertEquals(bob.userId, delivered.from().userId());
        alice.ack(delivered.messageId());

        bob.readMark(messageId, alice.userId, alice.deviceId);
        final ReceiptDecoder read = alice.expect(ReceiptDecoder.TEMPLATE_ID).receipt();
        assertEquals(ReceiptType.READ, read.receiptType());
        assertEquals(messageId, read.originalMessageId());
        alice.ack(read.messageId());

        // Receipts acked: nothing more is pending for alice when she logs in again.
        alice.ping(42);
        alice.expect(PongDecoder.TEMPLATE_ID);
        alice.close();
        final TestConnection aliceAgain = connect();
        aliceAgain.keyPair = alice.keyPair;
        aliceAgain.userId = alice.userId;
        aliceAgain.deviceId = alice.deviceId;
        assertEquals(0, aliceAgain.login().pendingCount(), "receipts acked: nothing pending");
    }

    @Test
    void shouldStoreResendOnceAndAnswerWithTheOriginalId() throws IOException
    {
        final TestConnection alice = device("+15551230011");
        final TestConnection bob = device("+15551230012");

        alice.send(77, bob.userId, 0, new byte[]{ 1 });
        final long first = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();
        alice.send(77, bob.userId, 0, new byte[]{ 1 });
        final long second = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();
        assertEquals(first, second);

        alice.send(78, bob.userId, 0, new byte[]{ 2 });
        final long third = alice.expect(SentAckDecoder.TEMPLATE_ID).sentAck().messageId();
        assertNotEquals(first, third);

        assertEquals(first, bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
        assertEquals(third, bob.expect(DeliverDecoder.TEMPLATE_ID).deliver().messageId());
    }

    @Test
    void shouldRefuseToRegisterALoginKeyThatIsNotACurvePoint() throws IOException
    {
        final TestConnection eve = connect();
        eve.register("+15551230029");
        eve.expect(dev.switchboard.codec.sbe.RegisterAckDecoder.TEMPLATE_ID);
        final String code = server.codes.await("+15551230029");

        // A small-order point: any signature would be checked against a key no device can hold.
        eve.verify("+15551230029", code, new byte[32]);
        assertEquals(ErrorCode.INVALID_FIELD, eve.expectError());
    }

    @Test
    void shouldLogInAgainInOneRoundTripWithAFrameGoodOnlyOnce() throws IOException
    {
        final TestConnection alice = device("+15551230031");
        final TestConnection bob = device("+15551230032");

        // Alice again, on a new connection, in one frame signed over the server's time: her older connection closes.
        final TestConnection again = connect();
        final byte[] frame = again.loginSigned(alice.userId, alice.deviceId, System.currentTimeMillis(), alice.keyPair);
        final LoginAckDecoder loginAck = again.expect(LoginAckDecoder.TEMPLATE_ID).loginAck();
        assertEquals(alice.userId, loginAck.device().userId());
        assertEquals(alice.deviceId, loginAck.device().deviceId());
        bob.send(8, alice.userId, 0, new byte[]{ 4 });
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        again.expect(DeliverDecoder.TEMPLATE_ID);

        // Whoever captured the frame cannot use it: on another connection it is refused, and that one stays out.
        final TestConnection mallory = connect();
        mallory.writeRaw(frame);
        assertEquals(ErrorCode.LOGIN_FAILED, mallory.expectError());
        mallory.send(1, bob.userId, 0, new byte[]{ 9 });
        assertEquals(ErrorCode.NOT_AUTHENTICATED, mallory.expectError());

        // Nor can one sign for alice without her key, or with a time from long ago.
        mallory.loginSigned(alice.userId, alice.deviceId, System.currentTimeMillis(), TestConnection.newKeyPair());
        assertEquals(ErrorCode.LOGIN_FAILED, mallory.expectError());
        mallory.loginSigned(alice.userId, alice.deviceId, System.currentTimeMillis() - 3_600_000, alice.keyPair);
        assertEquals(ErrorCode.LOGIN_FAILED, mallory.expectError());
    }

    @Test
    void shouldStampTheAuthenticatedSenderAndRefuseAnotherDevicesLogin() throws IOException
    {
        final TestConnection alice = device("+15551230021");
        final TestConnection bob = device("+15551230022");

        // Mallory knows bob's user and device id but not his key.
        final TestConnection mallory = connect();
        mallory.loginStart(bob.userId, bob.deviceId);
        mallory.expect(dev.switchboard.codec.sbe.LoginChallengeDecoder.TEMPLATE_ID);
        mallory.loginProof(TestConnection.sign(TestConnection.newKeyPair(), new byte[32]));
        assertEquals(ErrorCode.LOGIN_FAILED, mallory.expectError());

        // Still unauthenticated: a send is refused, not relayed.
        mallory.send(1, alice.userId, 0, new byte[]{ 9 });
        assertEquals(ErrorCode.NOT_AUTHENTICATED, mallory.expectError());

        // What alice receives from bob carries bob's authenticated address: the frame has no sender field.
        bob.send(5, alice.userId, 0, new byte[]{ 3 });
        bob.expect(SentAckDecoder.TEMPLATE_ID);
        final DeliverDecoder deliver = alice.expect(DeliverDecoder.TEMPLATE_ID).deliver();
        assertEquals(bob.userId, deliver.from().userId());
        assertEquals(bob.deviceId, deliver.from().deviceId());
    }

    @Test
    void shouldRefuseRequestsBeforeLoginAndUnknownRecipients() throws IOException
    {
        final TestConnection stranger = connect();
        stranger.ack(12345);
        assertEquals(ErrorCode.NOT_AUTHENTICATED, stranger.expectError());

        final TestConnection alice = device("+15551230031");
        alice.send(1, 987_654_321L, 0, new byte[]{ 1 });
        assertEquals(ErrorCode.UNKNOWN_USER, alice.expectError());

        alice.register("+15551230031");
        assertEquals(ErrorCode.ALREADY_AUTHENTICATED, alice.expectError());
    }

    @Test
    void shouldRefuseWrongCodesAndRateLimitRegistration() throws IOException
    {
        final TestConnection device = connect();
        device.register("not-a-phone");
        assertEquals(ErrorCode.INVALID_PHONE, device.expectError());

        device.register("+15551230041");
        device.expect(dev.switchboard.codec.sbe.RegisterAckDecoder.TEMPLATE_ID);
        device.register("+15551230041");
        assertEquals(ErrorCode.RATE_LIMITED, device.expectError());

        final String code = server.codes.await("+15551230041");
        final String wrong = code.equals("000000") ? "111111" : "000000";
        final byte[] key = TestConnection.rawPublicKey(TestConnection.newKeyPair());
        for (int i = 0; i < 4; i++)
        {
            device.verify("+15551230041", wrong, key);
            assertEquals(ErrorCode.CODE_INVALID, device.expectError());
        }
        device.verify("+15551230041", wrong, key);
        assertEquals(ErrorCode.TOO_MANY_ATTEMPTS, device.expectError());
        device.verify("+15551230041", code, key);
        assertEquals(ErrorCode.TOO_MANY_ATTEMPTS, device.expectError());
    }

    @Test
    void shouldAnswerMalformedAndUnknownFramesAndDisconnectGarbage() throws IOException
    {
        final TestConnection client = connect();
        // A frame with an unknown template id: SOFH(14 bytes) + header(blockLength 0, template 999, schema, v1).
        client.writeRaw(new byte[]{ 0, 0, 0, 14, 0x5B, (byte)0xE0, 0, 0, (byte)0xE7, 0x03, 0x69, 0x10, 1, 0 });
        assertEquals(ErrorCode.UNKNOWN_TEMPLATE, client.expectError());

        // A declared length beyond the maximum frame: refused and closed.
        client.writeRaw(new byte[]{ 0x7F, 0, 0, 0, 0x5B, (byte)0xE0 });
        assertEquals(ErrorCode.FRAME_TOO_LARGE, client.expectError());
        assertTrue(client.awaitClosed());

        final TestConnection garbage = connect();
        int errors = 0;
        try
        {
            for (int i = 0; i < 64; i++)
            {
                // Register with a block too short to hold its fields, one at a time, each answered.
                garbage.writeRaw(new byte[]{ 0, 0, 0, 14, 0x5B, (byte)0xE0, 0, 0, 1, 0, 0x69, 0x10, 1, 0 });
                assertEquals(ErrorCode.MALFORMED_FRAME, garbage.expectError());
                errors++;
            }
        }
        catch (final IOException expected)
        {
            // the server hung up on the garbage sender: writes fail or reads end
        }
        assertTrue(errors > 0 && errors < 64, "errors before disconnect: " + errors);

        // The server is unharmed.
        final TestConnection alice = device("+15551230051");
        alice.ping(7);
        alice.expect(PongDecoder.TEMPLATE_ID);
    }

    @Test
    void shouldKeepBacklogForOfflineDeviceAcrossRestart() throws IOException
    {
        final TestConnection alice = device("+15551230061");
        final TestConnection bob = device("+15551230062");
        bob.close();

        for (int i = 0; i < 100; i++)
        {
            alice.send(i + 1, bob.userId, 0, ("m" + i).getBytes(StandardCharsets.UTF_8));
            alice.expect(SentAckDecoder.TEMPLATE_ID);
        }
        server.restart();

        final TestConnection bobAgain = connect();
        bobAgain.keyPair = bob.keyPair;
        bobAgain.userId = bob.userId;
        bobAgain.deviceId = bob.deviceId;
        final LoginAckDecoder loginAck = bobAgain.login();
        assertEquals(100, loginAck.pendingCount());
        for (int i = 0; i < 100; i++)
        {
            final DeliverDecoder deliver = bobAgain.expect(DeliverDecoder.TEMPLATE_ID).deliver();
            final byte[] payload = new byte[deliver.payloadLength()];
            deliver.getPayload(payload, 0, payload.length);
            assertEquals("m" + i, new String(payload, StandardCharsets.UTF_8));
            bobAgain.ack(deliver.messageId());
        }
    }
}
