package dev.switchboard.codec;

import dev.switchboard.codec.sbe.ErrorCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Framing across arbitrary read boundaries, the way a connection's receive buffer sees a TCP stream.
 */
class FrameDecoderTest
{
    private final FrameDecoder decoder = new FrameDecoder(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);
    private final FrameValidator validator = new FrameValidator(MaxFrame.DEFAULT_MAX_FRAME_LENGTH);
    private final List<byte[]> expected = new ArrayList<>();
    private final byte[] stream = stream(expected);

    @Test
    void shouldCutSeveralFramesFromOneRead()
    {
        final List<byte[]> frames = new ArrayList<>();
        final int consumed = decoder.decode(new UnsafeBuffer(stream), 0, stream.length, collector(frames));

        assertEquals(stream.length, consumed);
        assertFrames(frames);
    }

    @Test
    void shouldWaitForTheRestOfAPartialHeaderOrFrame()
    {
        final List<byte[]> frames = new ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(stream);
        final int firstLength = expected.get(0).length;

        assertEquals(0, decoder.decode(buffer, 0, Sofh.HEADER_LENGTH - 1, collector(frames)));
        assertEquals(0, decoder.decode(buffer, 0, firstLength - 1, collector(frames)));
        assertEquals(firstLength, decoder.decode(buffer, 0, firstLength + 3, collector(frames)));
        assertEquals(1, frames.size());
    }

    @Test
    void shouldCutTheSameFramesAtEverySplitOfTheFirstTwo()
    {
        final int twoFrames = expected.get(0).length + expected.get(1).length;
        for (int split = 0; split <= twoFrames; split++)
        {
            final List<byte[]> frames = new ArrayList<>();
            feed(Arrays.copyOf(stream, twoFrames), new int[]{ split, twoFrames - split }, frames);
            assertEquals(2, frames.size(), "split at " + split);
            assertArrayEquals(expected.get(0), frames.get(0));
            assertArrayEquals(expected.get(1), frames.get(1));
        }
    }

    @Test
    void shouldCutTheSameFramesAcrossRandomReadBoundaries()
    {
        final Random random = new Random(42);
        for (int run = 0; run < 200; run++)
        {
            final int maxRead = 1 + random.nextInt(run < 100 ? 64 : 8192);
            final List<Integer> reads = new ArrayList<>();
            int remaining = stream.length;
            while (remaining > 0)
            {
                final int read = Math.min(remaining, random.nextInt(maxRead + 1));
                reads.add(read);
                remaining -= read;
            }
            final List<byte[]> frames = new ArrayList<>();
            feed(stream, reads.stream().mapToInt(Integer::intValue).toArray(), frames);
            assertFrames(frames);
        }
    }

    @Test
    void shouldCutTheSameFramesOneByteAtATime()
    {
        final int[] reads = new int[stream.length];
        Arrays.fill(reads, 1);
        final List<byte[]> frames = new ArrayList<>();
        feed(stream, reads, frames);

        assertFrames(frames);
    }

    @Test
    void shouldReportACorruptStreamForImpossibleLengths()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(stream, stream.length));
        final List<byte[]> frames = new ArrayList<>();
        for (final int badLength : new int[]{ 0, 5, -1, Integer.MIN_VALUE, MaxFrame.DEFAULT_MAX_FRAME_LENGTH + 1 })
        {
            buffer.putInt(0, badLength, ByteOrder.BIG_ENDIAN);
            assertEquals(FrameDecoder.CORRUPT_STREAM, decoder.decode(buffer, 0, buffer.capacity(), collector(frames)));
        }
        assertEquals(0, frames.size());
    }

    @Test
    void shouldCallEveryLengthAboveTheMaximumTooLongAndEveryOneBelowTheHeaderTooShort()
    {
        final int max = MaxFrame.DEFAULT_MAX_FRAME_LENGTH;
        for (final long unsignedLength : new long[]{ max + 1L, 1L << 31, (1L << 31) + 1, 0xFFFF_FFFFL })
        {
            assertEquals(FrameRejection.TOO_LONG, FrameDecoder.corruptionOf((int)unsignedLength, max),
                "length " + unsignedLength);
        }
        assertEquals(ErrorCode.FRAME_TOO_LARGE, FrameDecoder.corruptionOf(Integer.MIN_VALUE, max).errorCode());
        for (final int shortLength : new int[]{ 0, 1, Sofh.HEADER_LENGTH - 1 })
        {
            assertEquals(FrameRejection.TOO_SHORT, FrameDecoder.corruptionOf(shortLength, max));
        }
        assertEquals(ErrorCode.MALFORMED_FRAME, FrameDecoder.corruptionOf(0, max).errorCode());
    }

    @Test
    void shouldDeliverFramesBeforeACorruptOne()
    {
        final int first = expected.get(0).length;
        final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(stream, stream.length));
        buffer.putInt(first, 3, ByteOrder.BIG_ENDIAN);
        final List<byte[]> frames = new ArrayList<>();

        assertEquals(FrameDecoder.CORRUPT_STREAM, decoder.decode(buffer, 0, buffer.capacity(), collector(frames)));
        assertEquals(1, frames.size());
    }

    @Test
    void shouldRefuseAMaximumBelowTheFramingHeader()
    {
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(Sofh.HEADER_LENGTH - 1));
    }

    /**
     * Emulate a receive buffer: append each read after the unconsumed tail, decode, keep the new tail.
     */
    private void feed(final byte[] source, final int[] reads, final List<byte[]> frames)
    {
        final UnsafeBuffer receive = new UnsafeBuffer(new byte[2 * MaxFrame.DEFAULT_MAX_FRAME_LENGTH]);
        int sourcePosition = 0;
        int pending = 0;
        for (final int read : reads)
        {
            receive.putBytes(pending, source, sourcePosition, read);
            sourcePosition += read;
            pending += read;
            final int consumed = decoder.decode(receive, 0, pending, collector(frames));
            assertEquals(true, consumed >= 0, "corrupt stream");
            receive.putBytes(0, receive, consumed, pending - consumed);
            pending -= consumed;
        }
        assertEquals(source.length, sourcePosition);
        assertEquals(0, pending);
    }

    private FrameHandler collector(final List<byte[]> frames)
    {
        return (final DirectBuffer buffer, final int offset, final int length) ->
        {
            assertEquals(FrameRejection.NONE, validator.validate(buffer, offset, length));
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            frames.add(frame);
        };
    }

    private void assertFrames(final List<byte[]> frames)
    {
        assertEquals(expected.size(), frames.size());
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), frames.get(i), "frame " + i);
        }
    }

    private static byte[] stream(final List<byte[]> frames)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int round = 0; round < 3; round++)
        {
            for (final TypicalFrames.Sample sample : TypicalFrames.all())
            {
                final UnsafeBuffer frame = Frames.write(sample.writer());
                final byte[] bytes = new byte[frame.capacity()];
                frame.getBytes(0, bytes);
                frames.add(bytes);
                out.writeBytes(bytes);
            }
        }

        return out.toByteArray();
    }
}
