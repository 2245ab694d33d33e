package dev.switchboard.ring;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The allocation-free encodings of the TURN credentials match the JDK's.
 */
class TurnCredentialsFlowTest
{
    @Test
    void shouldEncodeBase64AsTheJdkDoesForEveryPaddingCase()
    {
        final Random random = new Random(17);
        for (int length = 0; length <= 25; length++)
        {
            final byte[] source = new byte[length];
            random.nextBytes(source);
            final byte[] target = new byte[(length + 2) / 3 * 4];
            final int written = TurnCredentialsFlow.putBase64(source, target);
            assertEquals(Base64.getEncoder().encodeToString(source),
                new String(target, 0, written, StandardCharsets.US_ASCII), "length " + length);
        }
    }

    @Test
    void shouldWriteDecimalNumbersWithoutAString()
    {
        final byte[] buffer = new byte[48];
        for (final long value : new long[]{ 0, 7, 10, 1_796_043_263L, Long.MAX_VALUE })
        {
            buffer[0] = 'x';
            final int end = TurnCredentialsFlow.putDecimal(buffer, 1, value);
            assertEquals("x" + value, new String(buffer, 0, end, StandardCharsets.US_ASCII));
        }
    }
}
