package dev.switchboard.codec;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SignedLoginTest
{
    @Test
    void shouldLayOutContextAddressAndTimeLittleEndian()
    {
        final byte[] message = new SignedLogin().message(0x0102030405060708L, 3, 1_795_000_000_123L);

        assertEquals(SignedLogin.LENGTH, message.length);
        final ByteBuffer buffer = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("SBLOGIN1", new String(message, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(0x0102030405060708L, buffer.getLong(8));
        assertEquals(3, buffer.getShort(16));
        assertEquals(1_795_000_000_123L, buffer.getLong(18));
    }

    @Test
    void shouldNeverBeAsLongAsAChallengeNonce()
    {
        assertNotEquals(32, SignedLogin.LENGTH);
    }
}
