package dev.switchboard.server;

import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.DeviceListDecoder;
import dev.switchboard.codec.sbe.DeviceListRequestEncoder;
import dev.switchboard.codec.sbe.IdentityChangedDecoder;
import dev.switchboard.codec.sbe.KeyBundleDecoder;
import dev.switchboard.codec.sbe.KeyBundleFetchEncoder;
import dev.switchboard.codec.sbe.KeyBundleUploadEncoder;
import dev.switchboard.codec.sbe.LinkApproveEncoder;
import dev.switchboard.codec.sbe.LinkCodeDecoder;
import dev.switchboard.codec.sbe.LinkDeviceEncoder;
import dev.switchboard.codec.sbe.LinkPendingDecoder;
import dev.switchboard.codec.sbe.LinkRequestDecoder;
import dev.switchboard.codec.sbe.LinkStartEncoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import dev.switchboard.codec.sbe.RequestAckDecoder;
import dev.switchboard.codec.sbe.UnlinkEncoder;
import dev.switchboard.codec.sbe.VerifyAckDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.security.KeyPair;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frames of linked devices and identity notices for system tests, written raw on a {@link TestConnection}, and
 * the whole link of a new device as a primary and the new device do it.
 */
final class LinkFrames
{
    private static final int BODY = Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH;

    private LinkFrames()
    {
    }

    static void linkStart(final TestConnection primary) throws IOException
    {
        final UnsafeBuffer buffer = buffer();
        final LinkStartEncoder encoder = new LinkStartEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(primary.nextRequestId());
        primary.writeRaw(frame(buffer, encoder.encodedLength()));
    }

    /**
     * LinkStart and its LinkCode.
     */
    static String linkCode(final TestConnection primary) throws IOException
    {
        linkStart(primary);
        final TestConnection.Frame frame = primary.expect(LinkCodeDecoder.TEMPLATE_ID);
        return new LinkCodeDecoder().wrap(frame.buffer, BODY, frame.blockLength, frame.version).code();
    }

    static void linkDevice(final TestConnection device, final String code, final byte[] loginKey, final int registrationId)
        throws IOException
    {
        final UnsafeBuffer buffer = buffer();
        final LinkDeviceEncoder encoder = new LinkDeviceEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(device.nextRequestId())
            .registrationId(registrationId)
            .code(code)
            .putLoginKey(loginKey, 0, loginKey.length);
        device.writeRaw(frame(buffer, encoder.encodedLength()));
    }

    static void linkApprove(final TestConnection primary, final long linkId, final boolean approve) throws IOException
    {
        final UnsafeBuffer buffer = buffer();
        final LinkApproveEncoder encoder = new LinkApproveEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(primary.nextRequestId())
            .linkId(linkId)
            .approve((short)(approve ? 1 : 0));
        primary.writeRaw(frame(buffer, encoder.encodedLength()));
    }

    static void deviceListRequest(final TestConnection device) throws IOException
    {
        final UnsafeBuffer buffer = buffer();
        final DeviceListRequestEncoder encoder = new DeviceListRequestEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(device.nextRequestId());
        device.writeRaw(frame(buffer, encoder.encodedLength()));
    }

    static void unlink(final TestConnection device, final int deviceId) throws IOException
    {
        final UnsafeBuffer buffer = buffer();
        final UnlinkEncoder encoder = new UnlinkEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(device.nextRequestId())
            .deviceId(deviceId);
        device.writeRaw(frame(buffer, encoder.encodedLength()));
    }

    static void fetch(final TestConnection device, final long userId, final int deviceId) throws IOException
    {
        final UnsafeBuffer buffer = buffer();
        final KeyBundleFetchEncoder encoder = new KeyBundleFetchEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(device.nextRequestId());
        encoder.device().userId(userId).deviceId(deviceId);
        device.writeRaw(frame(buffer, encoder.encodedLength()));
    }

    /**
     * A key bundle with this identity key (a libsignal public key: 0x05 then 32 bytes) and a signed prekey.
     */
    static void uploadIdentity(final TestConnection device, final byte[] identityKey) throws IOException
    {
        final UnsafeBuffer buffer = buffer();
        final byte[] signedPreKey = identityKey.clone();
        signedPreKey[1] ^= 0x55;
        final byte[] signature = new byte[64];
        Arrays.fill(signature, (byte)7);
        final KeyBundleUploadEncoder encoder = new KeyBundleUploadEncoder()
            .wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, new MessageHeaderEncoder())
            .requestId(device.nextRequestId())
            .registrationId(1234)
            .signedPreKeyId(1);
        encoder.preKeysCount(0);
        encoder.putIdentityKey(identityKey, 0, identityKey.length);
        encoder.putSignedPreKeyPublic(signedPreKey, 0, signedPreKey.length);
        encoder.putSignedPreKeySignature(signature, 0, signature.length);
        encoder.putKyberPreKeyPublic(signature, 0, 0).putKyberPreKeySignature(signature, 0, 0);
        device.writeRaw(frame(buffer, encoder.encodedLength()));
        device.expect(RequestAckDecoder.TEMPLATE_ID);
    }

    static byte[] identityKey(final int seed)
    {
        final byte[] key = new byte[33];
        key[0] = 0x05;
        for (int i = 1; i < key.length; i++)
        {
            key[i] = (byte)(seed * 31 + i * 7);
        }
        return key;
    }

    static LinkRequestDecoder linkRequest(final TestConnection.Frame frame)
    {
        return new LinkRequestDecoder().wrap(frame.buffer, BODY, frame.blockLength, frame.version);
    }

    static LinkPendingDecoder linkPending(final TestConnection.Frame frame)
    {
        return new LinkPendingDecoder().wrap(frame.buffer, BODY, frame.blockLength, frame.version);
    }

    static KeyBundleDecoder keyBundle(final TestConnection.Frame frame)
    {
        return new KeyBundleDecoder().wrap(frame.buffer, BODY, frame.blockLength, frame.version);
    }

    static DeviceListDecoder deviceList(final TestConnection.Frame frame)
    {
        return new DeviceListDecoder().wrap(frame.buffer, BODY, frame.blockLength, frame.version);
    }

    static IdentityChangedDecoder identityChanged(final TestConnection.Frame frame)
    {
        return new IdentityChangedDecoder().wrap(frame.buffer, BODY, frame.blockLength, frame.version);
    }

    /**
     * The whole link: the primary asks for a code, the new device offers it on its own connection, the primary
     * approves, and the new device takes its VerifyAck and logs in. The device comes back logged in.
     */
    static TestConnection link(final TestServer server, final TestConnection primary) throws IOException
    {
        final String code = linkCode(primary);
        final TestConnection device = server.connect();
        final KeyPair keyPair = TestConnection.newKeyPair();
        linkDevice(device, code, TestConnection.rawPublicKey(keyPair), 4321);
        final TestConnection.Frame pending = device.expect(LinkPendingDecoder.TEMPLATE_ID);
        final LinkRequestDecoder request = linkRequest(primary.expect(LinkRequestDecoder.TEMPLATE_ID));
        final byte[] shown = new byte[request.fingerprintLength()];
        request.getFingerprint(shown, 0, shown.length);
        final LinkPendingDecoder waiting = linkPending(pending);
        final byte[] own = new byte[waiting.fingerprintLength()];
        waiting.getFingerprint(own, 0, own.length);
        assertEquals(Arrays.toString(own), Arrays.toString(shown), "both screens show the same fingerprint");

        linkApprove(primary, request.linkId(), true);
        primary.expect(RequestAckDecoder.TEMPLATE_ID);
        final VerifyAckDecoder verifyAck = device.expect(VerifyAckDecoder.TEMPLATE_ID).verifyAck();
        device.keyPair = keyPair;
        device.userId = verifyAck.userId();
        device.deviceId = verifyAck.deviceId();
        device.login();
        return device;
    }

    private static UnsafeBuffer buffer()
    {
        return new UnsafeBuffer(new byte[4096]);
    }

    /**
     * The whole frame, framing header included, of a message encoded after the header in the buffer.
     */
    static byte[] frame(final UnsafeBuffer buffer, final int bodyLength)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        Sofh.write(buffer, 0, messageLength);
        final byte[] bytes = new byte[Sofh.HEADER_LENGTH + messageLength];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
