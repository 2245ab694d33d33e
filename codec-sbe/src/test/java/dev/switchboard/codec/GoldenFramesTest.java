package dev.switchboard.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The exact bytes of a few frames: a change here changes the wire for every deployed client.
 */
class GoldenFramesTest
{
    private static final String SEND_HELLO =
        "00000027 5be0" + "1200 0a00 6910 0100" + "0a00000000000000" + "6b420f0000000000 0000" + "0500 48656c6c6f";
    private static final String RECEIPT =
        "00000031 5be0" + "2300 0f00 6910 0100" + "925f010000000000" + "915f010000000000" +
        "6b420f0000000000 0100" + "01" + "005e56eea1010000";
    private static final String GROUP_CREATE =
        "00000039 5be0" + "0800 1e00 6910 0100" + "1e00000000000000" + "0800 0300" +
        "6b420f0000000000" + "6c420f0000000000" + "6d420f0000000000" + "06 46616d696c79";
    private static final String PING = "00000016 5be0" + "0800 3c00 6910 0100" + "15cd5b0700000000";
    private static final String ERROR =
        "00000028 5be0" + "0c00 3f00 6910 0100" + "2100000000000000" + "2100" + "1200" +
        "0d 756e6b6e6f776e2067726f7570";

    private final FrameValidator validator = new FrameValidator(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);

    @Test
    void shouldEncodeSendHelloToTheGoldenBytes()
    {
        assertGolden(SEND_HELLO, "Send");
        assertEquals(39, Frames.unhex(SEND_HELLO).length);
    }

    @Test
    void shouldEncodeReceiptToTheGoldenBytes()
    {
        assertGolden(RECEIPT, "Receipt");
    }

    @Test
    void shouldEncodeGroupCreateToTheGoldenBytes()
    {
        assertGolden(GROUP_CREATE, "GroupCreate");
    }

    @Test
    void shouldEncodePingToTheGoldenBytes()
    {
        assertGolden(PING, "Ping");
    }

    @Test
    void shouldEncodeErrorToTheGoldenBytes()
    {
        assertGolden(ERROR, "Error");
    }

    private void assertGolden(final String golden, final String message)
    {
        final UnsafeBuffer encoded = Frames.typical(message);
        assertEquals(golden.replace(" ", ""), Frames.hex(encoded, 0, encoded.capacity()), message);

        final UnsafeBuffer wire = new UnsafeBuffer(Frames.unhex(golden));
        assertEquals(FrameRejection.NONE, validator.validate(wire, 0, wire.capacity()), message);
    }
}
