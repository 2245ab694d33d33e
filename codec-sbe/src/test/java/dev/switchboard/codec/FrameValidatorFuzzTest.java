package dev.switchboard.codec;

import dev.switchboard.codec.sbe.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A million random and mutated frames: the validator never throws, never reads outside the frame (the buffer it
 * sees ends where the frame ends and checks bounds), and every frame it accepts decodes within the frame with the
 * generated decoders.
 */
class FrameValidatorFuzzTest
{
    private static final int FRAMES = 1_000_000;
    private static final int MAX_FRAME = 8_192;

    private final Random random = new Random(0x5BE0_4201L);
    private final FrameValidator validator = new FrameValidator(MAX_FRAME);
    private final Decoders decoders = new Decoders();
    private final byte[] scratch = new byte[MAX_FRAME + 64];
    private final UnsafeBuffer frame = new UnsafeBuffer(scratch);
    private final StringBuilder decoded = new StringBuilder();
    private final Map<FrameRejection, Integer> outcomes = new EnumMap<>(FrameRejection.class);
    private final byte[][] seeds = seeds();
    private final int[] templateIds = FrameValidator.schema().messages().stream()
        .mapToInt(MessageLayout::templateId).toArray();

    @Test
    void shouldNeverThrowNorAcceptAFrameWhoseFieldsOverrunIt()
    {
        assertTrue(UnsafeBuffer.SHOULD_BOUNDS_CHECK, "bounds checks must be on for this test to mean anything");

        for (int i = 0; i < FRAMES; i++)
        {
            final int length = nextFrame(i % 8);
            frame.wrap(scratch, 0, length);
            final FrameRejection rejection = validator.validate(frame, 0, length);
            outcomes.merge(rejection, 1, Integer::sum);
            if (FrameRejection.NONE == rejection)
            {
                assertDecodesWithinFrame(length);
            }
        }

        for (final FrameRejection rejection : FrameRejection.values())
        {
            assertTrue(outcomes.getOrDefault(rejection, 0) > 100, rejection + " seen in " + outcomes);
        }
    }

    private void assertDecodesWithinFrame(final int length)
    {
        final MessageDecoderFlyweight decoder = decoders.wrap(frame, 0);
        decoded.setLength(0);
        decoder.appendTo(decoded);
        assertEquals(length - MaxFrame.MIN_FRAME_LENGTH, decoder.sbeDecodedLength());
    }

    /**
     * Writes the next test frame at the start of {@link #scratch} and returns the length to validate.
     */
    private int nextFrame(final int kind)
    {
        switch (kind)
        {
            case 0:
                return randomBytes();
            case 1:
                return randomBodyBehindValidHeaders();
            case 2:
            case 3:
                return mutatedByte();
            case 4:
                return mutatedLengthField();
            case 5:
                return truncated();
            case 6:
                return extended();
            default:
                return untouched();
        }
    }

    private int randomBytes()
    {
        final int length = random.nextInt(16) == 0 ? MAX_FRAME + 1 + random.nextInt(64) : random.nextInt(80);
        fillRandom(0, length);
        if (random.nextBoolean())
        {
            frame.putInt(0, length, ByteOrder.BIG_ENDIAN);
        }
        return length;
    }

    private int randomBodyBehindValidHeaders()
    {
        final int length = MaxFrame.MIN_FRAME_LENGTH + random.nextInt(120);
        fillRandom(0, length);
        Sofh.write(frame, 0, length - Sofh.HEADER_LENGTH);
        final int templateId = templateIds[random.nextInt(templateIds.length)];
        final MessageLayout layout = FrameValidator.schema().message(templateId);
        new MessageHeaderEncoder().wrap(frame, Sofh.HEADER_LENGTH)
            .blockLength(random.nextInt(4) == 0 ? random.nextInt(64) : layout.body().blockLength(1))
            .templateId(templateId)
            .schemaId(MessageHeaderEncoder.SCHEMA_ID)
            .version(random.nextInt(16) == 0 ? random.nextInt(4) : 1);
        return length;
    }

    private int untouched()
    {
        return copySeed();
    }

    private int mutatedByte()
    {
        final int length = copySeed();
        final int mutations = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
        for (int m = 0; m < mutations; m++)
        {
            final int index = Sofh.HEADER_LENGTH + random.nextInt(length - Sofh.HEADER_LENGTH);
            scratch[index] = random.nextInt(3) == 0 ? (byte)(scratch[index] ^ (1 << random.nextInt(8))) :
                (byte)random.nextInt(256);
        }
        return length;
    }

    private int mutatedLengthField()
    {
        final int length = copySeed();
        final int index = MaxFrame.MIN_FRAME_LENGTH + random.nextInt(length - MaxFrame.MIN_FRAME_LENGTH - 1);
        final int value = random.nextBoolean() ? random.nextInt(65_536) : random.nextInt(64);
        frame.putShort(index, (short)value, ByteOrder.LITTLE_ENDIAN);
        return length;
    }

    private int truncated()
    {
        final int length = copySeed();
        final int truncatedLength = random.nextInt(length);
        if (random.nextInt(4) != 0)
        {
            frame.putInt(0, truncatedLength, ByteOrder.BIG_ENDIAN);
        }
        return truncatedLength;
    }

    private int extended()
    {
        final int length = copySeed();
        final int extra = 1 + random.nextInt(16);
        final int at = MaxFrame.MIN_FRAME_LENGTH + random.nextInt(length - MaxFrame.MIN_FRAME_LENGTH + 1);
        System.arraycopy(scratch, at, scratch, at + extra, length - at);
        fillRandom(at, extra);
        frame.putInt(0, length + extra, ByteOrder.BIG_ENDIAN);
        if (random.nextBoolean())
        {
            final int blockLength = frame.getShort(Sofh.HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            frame.putShort(Sofh.HEADER_LENGTH, (short)(blockLength + extra), ByteOrder.LITTLE_ENDIAN);
        }
        return length + extra;
    }

    private int copySeed()
    {
        final byte[] seed = seeds[random.nextInt(seeds.length)];
        frame.wrap(scratch);
        System.arraycopy(seed, 0, scratch, 0, seed.length);
        return seed.length;
    }

    private void fillRandom(final int offset, final int length)
    {
        frame.wrap(scratch);
        for (int i = 0; i < length; i++)
        {
            scratch[offset + i] = (byte)random.nextInt(256);
        }
    }

    private static byte[][] seeds()
    {
        final List<TypicalFrames.Sample> samples = TypicalFrames.all();
        final byte[][] seeds = new byte[samples.size()][];
        for (int i = 0; i < seeds.length; i++)
        {
            final UnsafeBuffer seed = Frames.write(samples.get(i).writer());
            seeds[i] = new byte[seed.capacity()];
            seed.getBytes(0, seeds[i]);
        }
        return seeds;
    }
}
