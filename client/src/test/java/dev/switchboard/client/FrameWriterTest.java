package dev.switchboard.client;

import dev.switchboard.codec.FrameDecoder;
import dev.switchboard.codec.Sofh;
import dev.switchboard.codec.sbe.LoginSignedDecoder;
import dev.switchboard.codec.sbe.MessageHeaderDecoder;
import dev.switchboard.codec.sbe.SendDecoder;
import dev.switchboard.codec.sbe.VerifyDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameWriterTest
{
    private final FrameWriter writer = new FrameWriter();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    @Test
    void shouldWriteBackToBackFramesAFrameDecoderCuts()
    {
        int offset = 0;
        offset += writer.ping(buffer, offset, 5);
        final int sendOffset = offset;
        final int sendLength = writer.send(buffer, offset, 99, 1234, 2, new byte[]{ 1, 2, 3 }, 0, 3);
        offset += sendLength;
        offset += writer.verify(buffer, offset, 7, 321, "+1555", "123456", new byte[32]);
        offset += writer.deliverAck(buffer, offset, 55);

        final List<Integer> templates = new ArrayList<>();
        final int consumed = new FrameDecoder(1024).decode(buffer, 0, offset, (frameBuffer, frameOffset, length) ->
        {
            assertEquals(length, Sofh.frameLength(frameBuffer, frameOffset));
            templates.add(header.wrap(frameBuffer, frameOffset + Sofh.HEADER_LENGTH).templateId());
        });

        assertEquals(offset, consumed);
        assertEquals(List.of(60, 10, 3, 14), templates);
        assertEquals(FrameWriter.SEND_FRAME_OVERHEAD + 3, sendLength);

        final SendDecoder send = new SendDecoder();
        send.wrapAndApplyHeader(buffer, sendOffset + Sofh.HEADER_LENGTH, header);
        assertEquals(99, send.clientMsgId());
        assertEquals(1234, send.to().userId());
        assertEquals(2, send.to().deviceId());
        final byte[] payload = new byte[send.payloadLength()];
        send.getPayload(payload, 0, payload.length);
        assertArrayEquals(new byte[]{ 1, 2, 3 }, payload);
    }

    @Test
    void shouldEncodeVerifyFields()
    {
        final byte[] key = new byte[32];
        key[31] = 7;
        writer.verify(buffer, 0, 7, 321, "+1555", "123456", key);

        final VerifyDecoder verify = new VerifyDecoder().wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, header);
        assertEquals(7, verify.requestId());
        assertEquals(321, verify.registrationId());
        assertEquals("+1555", verify.phone());
        assertEquals("123456", verify.code());
        final byte[] decodedKey = new byte[verify.loginKeyLength()];
        verify.getLoginKey(decodedKey, 0, decodedKey.length);
        assertArrayEquals(key, decodedKey);
    }

    @Test
    void shouldEncodeLoginSignedFields()
    {
        final byte[] signature = new byte[64];
        signature[0] = 1;
        signature[63] = 9;
        final int length = writer.loginSigned(buffer, 0, 12, 1000042, 3, 1_795_000_000_123L, signature);

        assertEquals(Sofh.frameLength(buffer, 0), length);
        final LoginSignedDecoder login =
            new LoginSignedDecoder().wrapAndApplyHeader(buffer, Sofh.HEADER_LENGTH, header);
        assertEquals(LoginSignedDecoder.TEMPLATE_ID, header.templateId());
        assertEquals(12, login.requestId());
        assertEquals(1000042, login.device().userId());
        assertEquals(3, login.device().deviceId());
        assertEquals(1_795_000_000_123L, login.timestampMs());
        final byte[] decoded = new byte[login.signatureLength()];
        login.getSignature(decoded, 0, decoded.length);
        assertArrayEquals(signature, decoded);
        assertEquals(Sofh.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH + login.encodedLength(), length);
    }
}
